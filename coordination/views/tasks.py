"""Readiness task pages: lists with filters and CSV export, the task page with the status update
form (phone-first), editing, CSV import, checklist stamping and the feed of recent updates."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from coordination import permissions
from coordination.enums import AgencyKind, RegionLevel, TaskCategory, TaskStatus
from coordination.extensions import TASK_SECTIONS, contributions
from coordination.forms.tasks import StampForm, StatusUpdateForm, TaskForm, TaskImportForm
from coordination.models import ElectionStage, TaskUpdate
from coordination.selectors.people import agencies_visible_to
from coordination.selectors.readiness import (
    TaskFilters,
    active_election,
    task_for_detail,
    task_history,
    tasks_filtered,
    updates_feed,
)
from coordination.selectors.regions import regions_manageable_by
from coordination.services.readiness import (
    checklist_stamp,
    task_create,
    task_status_update,
    task_update,
)
from coordination.services.task_csv import task_export_rows, task_template_rows, tasks_import_csv
from pilkada.common.decorators import predicate_required
from pilkada.common.params import query_id, query_text
from pilkada.common.validation import apply_validation_error
from pilkada.common.xlsx import export_format, table_response

PAGE_SIZE = 50


def filters_from(request) -> TaskFilters:
    """Read filters from the query string; unknown values are ignored rather than refused."""
    get = request.GET

    def as_int(key):
        return query_id(get.get(key))

    return TaskFilters(
        region=query_text(get.get("region"), max_length=13),
        agency=as_int("agency"),
        agency_kind=get.get("agency_kind", "")
        if get.get("agency_kind") in AgencyKind.values
        else "",
        category=get.get("category", "") if get.get("category") in TaskCategory.values else "",
        status=get.get("status", "") if get.get("status") in TaskStatus.values else "",
        stage=as_int("stage"),
        election=as_int("election"),
        overdue=get.get("overdue") == "1",
        attention=get.get("attention") == "1",
        q=query_text(get.get("q")),
    )


def filter_choices(user) -> dict:
    return {
        "categories": TaskCategory.choices,
        "statuses": TaskStatus.choices,
        "agency_kinds": AgencyKind.choices,
        "stages": ElectionStage.objects.select_related("election").order_by("election_id", "order"),
        "filter_agencies": agencies_visible_to(user=user).order_by("name"),
    }


@predicate_required(permissions.can_use_staff_area)
@require_safe
def task_list(request):
    filters = filters_from(request)
    tasks = tasks_filtered(user=request.user, filters=filters)
    fmt = export_format(request)
    if fmt:
        return table_response(
            fmt,
            f"tugas-kesiapan-{timezone.localdate().isoformat()}",
            task_export_rows(tasks=tasks),
            sheet_title=_("Tugas kesiapan"),
        )
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    for task in page.object_list:
        task.can_update = permissions.can_update_task(request.user, task)
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    csv_query = query.urlencode()
    query["format"] = "xlsx"
    return render(
        request,
        "coordination/tasks/list.html",
        {
            "page": page,
            "filters": filters,
            "today": timezone.localdate(),
            "csv_query": csv_query,
            "xlsx_query": query.urlencode(),
            "is_staff": permissions.is_kpu_staff(request.user),
            **filter_choices(request.user),
        },
    )


def _task_or_404(request, pk: int):
    task = task_for_detail(pk=pk)
    if task is None or not permissions.can_view_task(request.user, task):
        raise Http404
    return task


@predicate_required(permissions.can_use_staff_area)
@require_http_methods(["GET", "HEAD", "POST"])
def task_detail(request, pk: int):
    task = _task_or_404(request, pk)
    can_update = permissions.can_update_task(request.user, task)
    form = None
    if can_update:
        form = _status_form(request, task)
    if request.method == "POST":
        if not can_update:
            raise PermissionDenied
        if _status_update(request, task, form):
            messages.success(request, _("Pembaruan status tersimpan."))
            return redirect("coordination:task_detail", pk=task.pk)
    return render(
        request,
        "coordination/tasks/detail.html",
        {
            "task": task,
            "history": task_history(task=task),
            "form": form,
            "can_manage": permissions.can_manage_task(request.user, task),
            "today": timezone.localdate(),
            # Other apps' blocks (the risk a mitigation task mitigates): coordination.extensions.
            "extension_sections": contributions(TASK_SECTIONS, user=request.user, task=task),
        },
        status=400 if form is not None and form.errors else 200,
    )


def _status_form(request, task, *, bound: bool = True) -> StatusUpdateForm:
    return StatusUpdateForm(
        (request.POST or None) if bound else None,
        (request.FILES or None) if bound else None,
        initial={"status": task.status, "progress": task.progress},
    )


def _status_update(request, task, form: StatusUpdateForm) -> bool:
    if not form.is_valid():
        return False
    try:
        task_status_update(actor=request.user, task=task, **form.cleaned_data)
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return False
    return True


@predicate_required(permissions.can_use_staff_area)
@require_POST
def task_status_fragment(request, pk: int):
    """The status update of the task page sent by its script: the same update as the page's own
    form, answered with the parts of the page that change (status, form, history) instead of a
    redirect. Without JavaScript the page's form posts to `task_detail` as usual."""
    task = _task_or_404(request, pk)
    if not permissions.can_update_task(request.user, task):
        raise PermissionDenied
    form = _status_form(request, task)
    saved = _status_update(request, task, form)
    if saved:
        task = _task_or_404(request, pk)
        form = _status_form(request, task, bound=False)
        announce = _("Pembaruan status tersimpan: %(status)s, %(progress)s%%.") % {
            "status": task.get_status_display(),
            "progress": task.progress,
        }
    else:
        announce = _("Pembaruan belum tersimpan. Periksa isian yang ditandai.")
    return render(
        request,
        "coordination/tasks/status_fragment.html",
        {
            "task": task,
            "history": task_history(task=task),
            "form": form,
            "saved": saved,
            "announce": announce,
            "today": timezone.localdate(),
        },
        status=200 if saved else 400,
    )


@predicate_required(permissions.can_use_staff_area)
@require_safe
def task_evidence_download(request, pk: int, update_pk: int):
    entry = get_object_or_404(TaskUpdate.objects.select_related("task"), pk=update_pk, task_id=pk)
    if not entry.evidence_file or not permissions.can_view_task(request.user, entry.task):
        raise Http404
    try:
        handle = entry.evidence_file.open("rb")
    except FileNotFoundError:
        # The row outlived its file (a restore without the media volume): missing, not broken.
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=entry.evidence_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _task_form_querysets(user) -> dict:
    # Tasks may sit in a district too (CSV import, checklist stamping), but the form's list
    # stays short: province and regencies.
    return {
        "regions": regions_manageable_by(user=user),
        "agencies": agencies_visible_to(user=user)
        .filter(is_active=True)
        .order_by("region_id", "name"),
    }


@predicate_required(permissions.can_create_task)
@require_http_methods(["GET", "HEAD", "POST"])
def task_create_view(request):
    election = active_election()
    form = TaskForm(
        request.POST or None,
        initial={"election": election, "region": request.GET.get("region")},
        **_task_form_querysets(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            task = task_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Tugas dibuat."))
            return redirect("coordination:task_detail", pk=task.pk)
    return render(request, "coordination/tasks/form.html", {"form": form, "task": None})


@predicate_required(permissions.is_kpu_staff)
@require_http_methods(["GET", "HEAD", "POST"])
def task_edit_view(request, pk: int):
    task = _task_or_404(request, pk)
    if not permissions.can_manage_task(request.user, task):
        raise PermissionDenied
    initial = {key: getattr(task, key) for key in TaskForm.base_fields}
    form = TaskForm(request.POST or None, initial=initial, **_task_form_querysets(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            task_update(actor=request.user, task=task, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied:
            form.add_error("region", _("Wilayah ini di luar kewenangan Anda."))
        else:
            messages.success(request, _("Tugas disimpan."))
            return redirect("coordination:task_detail", pk=task.pk)
    return render(request, "coordination/tasks/form.html", {"form": form, "task": task})


@predicate_required(permissions.can_create_task)
@require_http_methods(["GET", "HEAD", "POST"])
def task_import_view(request):
    template = request.GET.get("template")
    if template in ("1", "csv", "xlsx"):
        fmt = "xlsx" if template == "xlsx" else "csv"
        return table_response(
            fmt,
            "templat-tugas",
            task_template_rows(),
            sheet_title=_("Tugas"),
            text_columns=["wilayah"],
        )
    form = TaskImportForm(
        request.POST or None, request.FILES or None, initial={"election": active_election()}
    )
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = tasks_import_csv(
                actor=request.user,
                election=form.cleaned_data["election"],
                content=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            if report.ok:
                messages.success(request, _("%(n)s tugas diimpor.") % {"n": report.created})
                return redirect("coordination:task_list")
    return render(
        request,
        "coordination/tasks/import.html",
        {"form": form, "report": report},
        status=400 if report is not None and not report.ok else 200,
    )


@predicate_required(permissions.can_create_task)
@require_http_methods(["GET", "HEAD", "POST"])
def checklist_stamp_view(request):
    regions = regions_manageable_by(user=request.user).filter(level=RegionLevel.REGENCY)
    chosen = query_id(request.GET.get("checklist"))
    initial = {"checklist": chosen} if chosen is not None else {}
    form = StampForm(request.POST or None, regions=regions, initial=initial)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = checklist_stamp(
                actor=request.user,
                checklist=form.cleaned_data["checklist"],
                regions=form.cleaned_data["regions"],
            )
        except PermissionDenied as exc:
            form.add_error("regions", str(exc))
        else:
            messages.success(
                request,
                _("%(created)s tugas dibuat, %(skipped)s sudah ada sebelumnya.")
                % {"created": result.created, "skipped": result.skipped},
            )
    return render(request, "coordination/tasks/stamp.html", {"form": form, "result": result})


@predicate_required(permissions.can_view_update_feed)
@require_safe
def update_feed(request):
    filters = filters_from(request)
    page = Paginator(updates_feed(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "coordination/tasks/feed.html",
        {"page": page, "filters": filters, **filter_choices(request.user)},
    )
