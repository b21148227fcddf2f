"""The register: the filtered list (with CSV and XLSX export), the risk page, recording and
changing a risk."""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coordination import permissions as core
from coordination.models import Agency
from kerawanan import permissions
from kerawanan.enums import MATRIX, RiskCategory, RiskLevel, RiskStatus, Visibility
from kerawanan.forms.records import AgendaForm
from kerawanan.forms.risks import risk_form
from kerawanan.models import IkpDimension
from kerawanan.selectors.risks import (
    RiskFilters,
    agenda_meeting_choices,
    mitigation_counts,
    risk_for_detail,
    risk_history,
    risk_meetings,
    risk_mitigation_tasks,
    risks_filtered,
)
from kerawanan.services.imports import export_header, export_rows
from kerawanan.services.risks import risk_create, risk_update
from pilkada.common.decorators import predicate_required
from pilkada.common.params import query_id, query_text
from pilkada.common.validation import apply_validation_error
from pilkada.common.xlsx import table_response

PAGE_SIZE = 50
# An export is for a working list, not a copy of the national register.
EXPORT_MAX_ROWS = 20_000
REGION_CODE = re.compile(r"[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?")


def region_param(value) -> str:
    code = query_text(value, max_length=13)
    return code if REGION_CODE.fullmatch(code) else ""


def filters_from(request) -> RiskFilters:
    """Filters from the query string; unknown values are ignored rather than refused."""
    get = request.GET

    def one_of(key, choices) -> str:
        value = get.get(key, "")
        return value if value in choices.values else ""

    levels = sorted({int(v) for v in get.getlist("tingkat")[:4] if v in {"1", "2", "3", "4"}})
    return RiskFilters(
        region=region_param(get.get("wilayah")),
        category=one_of("kategori", RiskCategory),
        dimension=query_id(get.get("dimensi")),
        levels=levels,
        status=one_of("status", RiskStatus),
        open_only=get.get("terbuka") == "1",
        owner=query_id(get.get("pemilik")),
        visibility=one_of("visibilitas", Visibility),
        review_overdue=get.get("tinjauan") == "lewat",
        unmitigated=get.get("tanpa_mitigasi") == "1",
        tps_only=get.get("tps") == "1",
        q=query_text(get.get("q")),
    )


@predicate_required(permissions.can_use_register)
@require_GET
def risk_list(request):
    filters = filters_from(request)
    risks = risks_filtered(user=request.user, filters=filters)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        total = risks.count()
        if total <= EXPORT_MAX_ROWS:
            return _export(risks, export)
        messages.error(
            request,
            _(
                "%(n)s kerawanan terlalu banyak untuk diunduh (paling banyak %(max)s); "
                "persempit saringan."
            )
            % {"n": total, "max": EXPORT_MAX_ROWS},
        )
    page = Paginator(risks, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = mitigation_counts(risk_ids=[risk.pk for risk in page.object_list])
    for risk in page.object_list:
        risk.mitigation = counts.get(risk.pk)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "kerawanan/list.html",
        {
            "page": page,
            "filters": filters,
            "today": timezone.localdate(),
            "query": query.urlencode(),
            "categories": RiskCategory.choices,
            "levels": RiskLevel.choices,
            "statuses": RiskStatus.choices,
            "visibilities": Visibility.choices,
            "dimensions": IkpDimension.objects.order_by("parent_id", "order", "name").filter(
                parent__isnull=True
            ),
            "owners": Agency.objects.filter(pk__in=core.access_for(request.user).agency_ids),
            "can_record": permissions.can_record_risk(request.user),
        },
    )


def _export(risks, kind: str):
    name = f"kerawanan-{timezone.localdate().isoformat()}"
    rows = [export_header(), *export_rows(risks)]
    return table_response(kind, name, rows, sheet_title=_("Kerawanan"))


def risk_or_404(request, pk: int):
    risk = risk_for_detail(user=request.user, pk=pk)
    if risk is None:  # missing, or not the person's to read: the same answer
        raise Http404
    return risk


@predicate_required(permissions.can_use_register)
@require_GET
def risk_detail(request, pk: int):
    risk = risk_or_404(request, pk)
    user = request.user
    tasks = list(risk_mitigation_tasks(risk=risk))
    for task in tasks:
        task.can_open = core.can_view_task(user, task)
    meetings = agenda_meeting_choices(user=user, risk=risk) if core.is_kpu_staff(user) else []
    return render(
        request,
        "kerawanan/detail.html",
        {
            "risk": risk,
            "history": risk_history(risk=risk),
            "tasks": tasks,
            "all_done": bool(tasks) and all(t.status == "done" for t in tasks),
            "done_count": sum(t.status == "done" for t in tasks),
            "meetings": risk_meetings(user=user, risk=risk),
            "agenda_form": AgendaForm(meetings=meetings) if meetings else None,
            "can_edit": permissions.can_edit_risk(user, risk),
            "can_mitigate": permissions.can_mitigate_risk(user, risk),
            "matrix": MATRIX,
            "today": timezone.localdate(),
        },
    )


@predicate_required(permissions.can_record_risk)
@require_http_methods(["GET", "POST"])
def risk_create_view(request):
    data = request.POST if request.method == "POST" else None
    owners = core.access_for(request.user).liaison_agency_ids
    initial = {"owner": min(owners)} if owners else {}
    form = risk_form(data, user=request.user, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            risk = risk_create(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Kerawanan dicatat."))
            return redirect("kerawanan:risk_detail", pk=risk.pk)
    return render(
        request,
        "kerawanan/form.html",
        {"form": form, "risk": None},
        status=400 if form.is_bound else 200,
    )


@predicate_required(permissions.can_use_register)
@require_http_methods(["GET", "POST"])
def risk_edit_view(request, pk: int):
    risk = risk_or_404(request, pk)
    if not permissions.can_edit_risk(request.user, risk):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = risk_form(data, user=request.user, risk=risk)
    if form.is_bound and form.is_valid():
        try:
            risk_update(actor=request.user, risk=risk, **form.service_kwargs())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Kerawanan disimpan."))
            return redirect("kerawanan:risk_detail", pk=risk.pk)
    return render(
        request,
        "kerawanan/form.html",
        {"form": form, "risk": risk},
        status=400 if form.is_bound else 200,
    )
