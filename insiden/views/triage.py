"""Triage of reports from the public: the list of reports awaiting verification for the
responsible agency, with one-click verify, archive with a reason and merge into a suggestion.

Every action loads the report through the visibility rule (404 for one the person may not read)
and asks `can_triage_report` (403 for one they read but do not handle); the merge target must be
one of the report's suggestions for that person (the service checks it again).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from insiden import permissions
from insiden.forms.public import ArchiveForm, MergeSuggestionForm, VerifyForm
from insiden.selectors.public import merge_suggestions, triage_queue
from insiden.services import public_reports as services
from insiden.views.common import incident_or_404
from pilkada.common.decorators import predicate_required

PER_PAGE = 25


@predicate_required(permissions.can_use_triage)
@require_GET
def triage_list(request):
    page = Paginator(triage_queue(user=request.user), PER_PAGE).get_page(request.GET.get("page"))
    reports = list(page.object_list)
    suggestions = merge_suggestions(user=request.user, reports=reports)
    rows = [{"report": r, "suggestions": suggestions.get(r.pk, [])} for r in reports]
    return render(
        request,
        "insiden/triage/list.html",
        {
            "page": page,
            "rows": rows,
            "verify_form": VerifyForm(),
            "archive_form": ArchiveForm(),
        },
    )


def _report(request, pk: int):
    report = incident_or_404(request, pk)
    if not permissions.can_triage_report(request.user, report):
        raise PermissionDenied
    return report


def _done(request, message: str):
    messages.success(request, message)
    return redirect("insiden:triage")


def _refused(request, exc: ValidationError):
    messages.error(request, " ".join(exc.messages))
    return redirect("insiden:triage")


@predicate_required(permissions.can_use_triage)
@require_POST
def verify_view(request, pk: int):
    report = _report(request, pk)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih tingkat keparahan yang tersedia."))
        return redirect("insiden:triage")
    try:
        services.public_report_verify(
            actor=request.user, incident=report, severity=form.cleaned_data["severity"]
        )
    except ValidationError as exc:
        return _refused(request, exc)
    return _done(request, _("Laporan #%(n)s diverifikasi dan menjadi insiden.") % {"n": pk})


@predicate_required(permissions.can_use_triage)
@require_POST
def archive_view(request, pk: int):
    report = _report(request, pk)
    form = ArchiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tuliskan alasannya (dibaca pelapor)."))
        return redirect("insiden:triage")
    try:
        services.public_report_archive(
            actor=request.user, incident=report, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        return _refused(request, exc)
    return _done(request, _("Laporan #%(n)s diarsipkan.") % {"n": pk})


@predicate_required(permissions.can_use_triage)
@require_POST
def merge_view(request, pk: int):
    report = _report(request, pk)
    form = MergeSuggestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Insiden tujuan bukan salah satu saran."))
        return redirect("insiden:triage")
    try:
        services.public_report_merge(
            actor=request.user, incident=report, into_id=form.cleaned_data["into"]
        )
    except ValidationError as exc:
        return _refused(request, exc)
    return _done(
        request,
        _("Laporan #%(n)s digabung ke insiden #%(into)s.")
        % {"n": pk, "into": form.cleaned_data["into"]},
    )
