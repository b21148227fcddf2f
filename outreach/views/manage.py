"""Outreach management for KPU staff (regency staff within their regency)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from coordination.selectors.regions import children_of
from outreach import permissions
from outreach.enums import EventStatus
from outreach.forms.calendar import CalendarFilterForm
from outreach.forms.events import DuplicateForm, EventForm, ImportForm, ReportForm, StatusForm
from outreach.models import OutreachEvent
from outreach.selectors.events import managed_events
from outreach.selectors.requests import pending_count
from outreach.services import events as services
from outreach.services.imports import COLUMNS, events_import_csv, import_template_rows
from pilkada.common.decorators import predicate_required
from pilkada.common.validation import apply_validation_error
from pilkada.common.xlsx import table_response

PAGE_SIZE = 50
REGION_STEP = "_pilih_wilayah"


def _managed_event(request, pk: int) -> OutreachEvent:
    event = get_object_or_404(
        OutreachEvent.objects.select_related("region__parent__parent", "organiser"), pk=pk
    )
    if not permissions.can_manage_event(request.user, event):
        raise Http404  # another region's event: its id tells an outsider nothing
    return event


@predicate_required(permissions.can_manage_outreach)
@require_safe
def event_list(request):
    form = CalendarFilterForm(request.GET)
    filters = form.filters()
    status = request.GET.get("status", "")
    if status not in EventStatus.values:
        status = ""
    events = managed_events(user=request.user, filters=filters, status=status)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outreach/manage/list.html",
        {
            "page": page,
            "filters": filters,
            "status": status,
            "statuses": EventStatus.choices,
            "pending_requests": pending_count(user=request.user),
        },
    )


def _form_response(request, form, template, context):
    context = {"form": form, "region_step": REGION_STEP, **context}
    return render(request, template, context)


def _unbound_from_post(request, **kwargs) -> EventForm:
    """The form re-shown after "load the next region step": what was typed, without errors."""
    initial = {}
    for name in request.POST:
        values = request.POST.getlist(name)
        initial[name] = values if name in ("segments", "partners") else values[-1]
    return EventForm(initial=initial, **kwargs)


@predicate_required(permissions.can_manage_outreach)
@require_http_methods(["GET", "HEAD", "POST"])
def event_create(request):
    if request.method == "POST" and REGION_STEP in request.POST:
        form = _unbound_from_post(request, user=request.user)
        form.setup_region_fields(request.user, request.POST, None)
        return _form_response(request, form, "outreach/manage/form.html", {})
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied:
            form.add_error("wilayah_kab", _("Wilayah ini di luar kewenangan Anda."))
        else:
            messages.success(request, _('Kegiatan "%s" tersimpan.') % event.title)
            return redirect("outreach:manage_detail", pk=event.pk)
    return _form_response(request, form, "outreach/manage/form.html", {})


@predicate_required(permissions.can_manage_outreach)
@require_http_methods(["GET", "HEAD", "POST"])
def event_update(request, pk: int):
    event = _managed_event(request, pk)
    if request.method == "POST" and REGION_STEP in request.POST:
        form = _unbound_from_post(request, user=request.user, event=event)
        form.setup_region_fields(request.user, request.POST, None)
        return _form_response(request, form, "outreach/manage/form.html", {"event": event})
    form = EventForm(request.POST or None, user=request.user, event=event)
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        try:
            services.event_update(
                actor=request.user,
                event=event,
                segments=data.pop("segments"),
                partners=data.pop("partners"),
                **data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied:
            form.add_error("wilayah_kab", _("Wilayah ini di luar kewenangan Anda."))
        else:
            messages.success(request, _("Perubahan tersimpan."))
            return redirect("outreach:manage_detail", pk=event.pk)
    return _form_response(request, form, "outreach/manage/form.html", {"event": event})


@predicate_required(permissions.can_manage_outreach)
@require_safe
def event_detail(request, pk: int):
    event = _managed_event(request, pk)
    return render(
        request,
        "outreach/manage/detail.html",
        {
            "event": event,
            "partners": list(event.partners.order_by("name")),
            "report": getattr(event, "report", None),
            "transitions": sorted(services.TRANSITIONS.get(event.status, ())),
            "status_labels": dict(EventStatus.choices),
            "status_form": StatusForm(),
        },
    )


@predicate_required(permissions.can_manage_outreach)
@require_POST
def event_status(request, pk: int):
    event = _managed_event(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.event_status_change(
                actor=request.user,
                event=event,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Status kini: %s.") % EventStatus(event.status).label)
    else:
        messages.error(request, _("Permintaan perubahan status tidak sah."))
    return redirect("outreach:manage_detail", pk=event.pk)


@predicate_required(permissions.can_manage_outreach)
@require_POST
def event_delete(request, pk: int):
    event = _managed_event(request, pk)
    try:
        services.event_delete(actor=request.user, event=event)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("outreach:manage_detail", pk=event.pk)
    messages.success(request, _("Draf dihapus."))
    return redirect("outreach:manage_list")


@predicate_required(permissions.can_manage_outreach)
@require_http_methods(["GET", "HEAD", "POST"])
def event_report(request, pk: int):
    event = _managed_event(request, pk)
    instance = getattr(event, "report", None)
    form = ReportForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_report_save(
                actor=request.user, event=event, **{k: form.cleaned_data[k] for k in form.fields}
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Laporan kegiatan tersimpan."))
            return redirect("outreach:manage_detail", pk=event.pk)
    return render(request, "outreach/manage/report.html", {"form": form, "event": event})


@predicate_required(permissions.can_manage_outreach)
@require_http_methods(["GET", "HEAD", "POST"])
def event_duplicate(request, pk: int):
    event = _managed_event(request, pk)
    form = DuplicateForm(request.POST or None, user=request.user, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            copies = services.event_duplicate(
                actor=request.user,
                event=event,
                regions=form.cleaned_data["regions"],
                dates=form.cleaned_data["dates"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied:
            form.add_error("codes", _("Wilayah ini di luar kewenangan Anda."))
        else:
            messages.success(
                request, _("%d salinan dibuat sebagai draf. Periksa lalu terbitkan.") % len(copies)
            )
            return redirect(f"{reverse('outreach:manage_list')}?status={EventStatus.DRAFT}")
    return render(request, "outreach/manage/duplicate.html", {"form": form, "event": event})


@predicate_required(permissions.can_manage_outreach)
@require_http_methods(["GET", "HEAD", "POST"])
def event_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = events_import_csv(actor=request.user, text=form.cleaned_data["file"])
        if result.ok:
            messages.success(request, _("%d kegiatan diimpor.") % len(result.created))
            return redirect("outreach:manage_list")
    return render(
        request,
        "outreach/manage/import.html",
        {"form": form, "result": result, "columns": COLUMNS},
    )


@predicate_required(permissions.can_manage_outreach)
@require_safe
def import_template(request, fmt: str = "csv"):
    return table_response(
        fmt,
        "contoh-impor-sosialisasi",
        import_template_rows(),
        sheet_title=_("Sosialisasi"),
        text_columns=["kode_wilayah"],
    )


@predicate_required(permissions.can_manage_outreach)
@require_safe
def region_children(request, code: str):
    """The next step of the region picker, for the small enhancement script."""
    if not permissions.can_manage_outreach_in(request.user, code):
        raise Http404
    children = children_of(code=code).values_list("code", "name")
    return JsonResponse({"children": [{"code": c, "name": n} for c, n in children]})
