"""The desk: the list, the report form, the incident page and the actions on it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coordination.models import Region
from coordination.selectors.readiness import tasks_visible_to
from insiden import permissions
from insiden.enums import Category, Severity, Status
from insiden.forms.incidents import (
    AcknowledgeForm,
    CommentForm,
    MergeForm,
    PhotoForm,
    ReferForm,
    StatusForm,
    report_form,
)
from insiden.models import IncidentPhoto, IncidentTask
from insiden.selectors.incidents import (
    incident_duplicates,
    incident_history,
    incidents_count,
    incidents_filtered,
    incidents_visible_to,
)
from insiden.services.incidents import (
    incident_acknowledge,
    incident_comment_add,
    incident_create,
    incident_merge,
    incident_refer,
    incident_status_change,
    referral_agencies,
)
from insiden.services.photos import incident_photos_add
from insiden.views.common import filters_from, incident_or_404, region_param
from kerawanan import api as kerawanan_api
from pilkada.common.decorators import predicate_required
from pilkada.common.validation import apply_validation_error

PAGE_SIZE = 50


@predicate_required(permissions.can_use_desk)
@require_GET
def incident_list(request):
    filters = filters_from(request)
    now = timezone.now()
    paginator = Paginator(
        incidents_filtered(user=request.user, filters=filters, now=now), PAGE_SIZE
    )
    paginator.count = incidents_count(user=request.user, filters=filters, now=now)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "insiden/list.html",
        {
            "page": page,
            "filters": filters,
            "categories": Category.choices,
            "severities": sorted(Severity.choices, reverse=True),
            "statuses": Status.choices,
            "can_report": permissions.can_report_incident(request.user),
            "can_rules": permissions.can_manage_any_rules(request.user),
            "now": timezone.now(),
        },
    )


@predicate_required(permissions.can_report_incident)
@require_http_methods(["GET", "HEAD", "POST"])
def incident_report(request):
    form = report_form(request, user=request.user)
    if form.is_bound and form.is_valid():
        try:
            incident = incident_create(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Insiden #%(n)s tercatat dan diteruskan ke %(agency)s.")
                % {"n": incident.pk, "agency": incident.agency.name},
            )
            response = redirect("insiden:incident_detail", pk=incident.pk)
            # The page's script clears the draft it kept once it sees this key confirmed.
            response.set_cookie(
                "insiden_confirmed", form.cleaned_data["key"], max_age=600, samesite="Lax"
            )
            return response
    return render(
        request,
        "insiden/report.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def _page_context(request, incident) -> dict:
    user = request.user
    statuses = permissions.allowed_statuses(user, incident)
    tasks = [
        link.task
        for link in IncidentTask.objects.filter(incident=incident)
        .select_related("task__agency")
        .order_by("pk")
    ]
    visible_tasks = set(
        tasks_visible_to(user=user)
        .filter(pk__in=[t.pk for t in tasks])
        .values_list("pk", flat=True)
    )
    for task in tasks:
        task.can_open = task.pk in visible_tasks
    return {
        "incident": incident,
        "history": incident_history(incident=incident),
        "comments": incident.comments.select_related("author", "agency"),
        "photos": list(incident.photos.all()),
        "duplicates": incident_duplicates(user=user, incident=incident),
        "tasks": tasks,
        "risk_visible": incident.risk_id is not None and _risk_visible(user, incident.risk_id),
        "status_form": StatusForm(statuses=statuses) if statuses else None,
        "can_acknowledge": permissions.can_acknowledge_incident(user, incident),
        "can_refer": permissions.can_refer_incident(user, incident),
        "can_merge": permissions.can_merge_incident(user, incident),
        "merge_form": MergeForm() if permissions.can_merge_incident(user, incident) else None,
        "can_comment": permissions.can_comment_incident(user, incident),
        "comment_form": CommentForm(),
        "photo_form": PhotoForm(),
        "can_link_risk": permissions.can_link_risk(user, incident),
        "can_task": permissions.can_create_incident_task(user, incident),
        "can_see_contact": permissions.can_view_reporter_contact(user, incident),
        "now": timezone.now(),
    }


def _risk_visible(user, risk_id) -> bool:
    return kerawanan_api.risks_visible_to(user).filter(pk=risk_id).exists()


@predicate_required(permissions.can_use_desk)
@require_GET
def incident_detail(request, pk: int):
    incident = incident_or_404(request, pk)
    return render(request, "insiden/detail.html", _page_context(request, incident))


@predicate_required(permissions.can_use_desk)
@require_http_methods(["GET", "HEAD", "POST"])
def acknowledge_view(request, pk: int):
    """The link of the escalation mail: a page with one button (a GET changes nothing)."""
    incident = incident_or_404(request, pk)
    if request.method == "POST":
        if not permissions.can_acknowledge_incident(request.user, incident):
            if incident.status not in (Status.REPORTED, Status.REFERRED):
                messages.info(request, _("Insiden ini sudah diterima."))
                return redirect("insiden:incident_detail", pk=incident.pk)
            raise PermissionDenied
        form = AcknowledgeForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        incident_acknowledge(actor=request.user, incident=incident, note=note)
        messages.success(request, _("Insiden diterima; eskalasi dihentikan."))
        return redirect("insiden:incident_detail", pk=incident.pk)
    if not permissions.can_acknowledge_incident(request.user, incident):
        if incident.status not in (Status.REPORTED, Status.REFERRED):
            return redirect("insiden:incident_detail", pk=incident.pk)
        raise PermissionDenied
    return render(
        request, "insiden/acknowledge.html", {"incident": incident, "form": AcknowledgeForm()}
    )


@predicate_required(permissions.can_use_desk)
@require_POST
def status_view(request, pk: int):
    incident = incident_or_404(request, pk)
    statuses = permissions.allowed_statuses(request.user, incident)
    if not statuses:
        raise PermissionDenied
    form = StatusForm(request.POST, statuses=statuses)
    if form.is_valid():
        try:
            incident_status_change(actor=request.user, incident=incident, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Status diubah."))
    else:
        messages.error(request, _("Pilih status yang tersedia."))
    return redirect("insiden:incident_detail", pk=incident.pk)


@predicate_required(permissions.can_use_desk)
@require_http_methods(["GET", "HEAD", "POST"])
def refer_view(request, pk: int):
    incident = incident_or_404(request, pk)
    if not permissions.can_refer_incident(request.user, incident):
        raise PermissionDenied
    posted = request.POST if request.method == "POST" else None
    form = ReferForm(posted, agencies=referral_agencies(incident))
    if posted is not None and form.is_valid():
        try:
            incident_refer(actor=request.user, incident=incident, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Insiden dirujuk ke %(a)s.") % {"a": form.cleaned_data["agency"].name},
            )
            return redirect("insiden:incident_detail", pk=incident.pk)
    return render(
        request,
        "insiden/refer.html",
        {"incident": incident, "form": form},
        status=400 if posted is not None else 200,
    )


@predicate_required(permissions.can_use_desk)
@require_POST
def merge_view(request, pk: int):
    incident = incident_or_404(request, pk)
    if not permissions.can_merge_incident(request.user, incident):
        raise PermissionDenied
    form = MergeForm(request.POST)
    into = None
    if form.is_valid():
        into = incidents_visible_to(request.user).filter(pk=form.cleaned_data["into"]).first()
    if into is None:
        messages.error(request, _("Insiden utama tidak ditemukan."))
        return redirect("insiden:incident_detail", pk=incident.pk)
    try:
        incident_merge(
            actor=request.user, incident=incident, into=into, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("insiden:incident_detail", pk=incident.pk)
    messages.success(request, _("Digabung sebagai duplikat dari #%(n)s.") % {"n": into.pk})
    return redirect("insiden:incident_detail", pk=into.pk)


@predicate_required(permissions.can_use_desk)
@require_POST
def comment_view(request, pk: int):
    incident = incident_or_404(request, pk)
    if not permissions.can_comment_incident(request.user, incident):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        incident_comment_add(actor=request.user, incident=incident, body=form.cleaned_data["body"])
        messages.success(request, _("Komentar ditambahkan."))
    else:
        messages.error(request, _("Tulis komentarnya."))
    return redirect("insiden:incident_detail", pk=incident.pk)


@predicate_required(permissions.can_use_desk)
@require_POST
def photo_add_view(request, pk: int):
    incident = incident_or_404(request, pk)
    if not permissions.can_comment_incident(request.user, incident):
        raise PermissionDenied
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            incident_photos_add(
                actor=request.user, incident=incident, photos=form.cleaned_data["photos"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Foto ditambahkan."))
    else:
        messages.error(request, _("Pilih foto."))
    return redirect("insiden:incident_detail", pk=incident.pk)


@predicate_required(permissions.can_use_desk)
@require_GET
def photo_view(request, pk: int, photo_pk: int):
    incident = incident_or_404(request, pk)
    photo = get_object_or_404(IncidentPhoto, pk=photo_pk, incident=incident)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@predicate_required(permissions.can_report_incident)
@require_GET
def region_children(request, code: str):
    """The regions directly below `code`, for the report form's picker script."""
    code = region_param(code)
    if not code:
        return JsonResponse({"children": []})
    children = Region.objects.filter(parent_id=code).order_by("name").values("code", "name")
    return JsonResponse({"children": list(children[:1000])})
