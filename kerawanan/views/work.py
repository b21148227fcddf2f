"""Work on a risk: mitigation tasks (new or linked) and meeting agendas."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coordination import permissions as core
from coordination.selectors.meetings import meeting_for_detail
from coordination.selectors.readiness import tasks_visible_to
from kerawanan import permissions
from kerawanan.forms.records import AgendaForm, LinkTaskForm, MitigationForm
from kerawanan.selectors.risks import agenda_meeting_choices, risk_for_detail
from kerawanan.services.agenda import agenda_add, agenda_add_high_risks, agenda_remove
from kerawanan.services.mitigations import mitigation_create, mitigation_link
from kerawanan.views.register import risk_or_404
from pilkada.common.decorators import predicate_required
from pilkada.common.validation import apply_validation_error


@predicate_required(permissions.can_use_register)
@require_http_methods(["GET", "POST"])
def mitigation_view(request, pk: int):
    """A new mitigation task (the main form) or an existing task linked (the second form)."""
    risk = risk_or_404(request, pk)
    if not permissions.can_mitigate_risk(request.user, risk):
        raise PermissionDenied
    posted = request.POST if request.method == "POST" else None
    linking = posted is not None and "link" in posted
    form = MitigationForm(None if linking else posted, risk=risk)
    link_form = LinkTaskForm(posted if linking else None)
    if posted is not None and not linking and form.is_valid():
        try:
            task = mitigation_create(actor=request.user, risk=risk, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("Tugas mitigasi dibuat untuk %(agency)s.") % {"agency": task.agency}
            )
            return redirect("kerawanan:risk_detail", pk=risk.pk)
    if linking and link_form.is_valid():
        task = tasks_visible_to(user=request.user).filter(pk=link_form.cleaned_data["task"]).first()
        if task is None:
            link_form.add_error("task", _("Tugas ini tidak ada atau bukan untuk Anda."))
        else:
            try:
                mitigation_link(actor=request.user, risk=risk, task=task)
            except ValidationError as exc:
                apply_validation_error(link_form, exc)
            else:
                messages.success(request, _("Tugas ditautkan sebagai mitigasi."))
                return redirect("kerawanan:risk_detail", pk=risk.pk)
    return render(
        request,
        "kerawanan/mitigation.html",
        {"risk": risk, "form": form, "link_form": link_form},
        status=400 if posted is not None else 200,
    )


@predicate_required(core.is_kpu_staff)
@require_POST
def agenda_add_view(request, pk: int):
    """From the risk page: put the risk on one of the meetings the person manages."""
    risk = risk_or_404(request, pk)
    form = AgendaForm(request.POST, meetings=agenda_meeting_choices(user=request.user, risk=risk))
    if not form.is_valid():
        messages.error(request, _("Pilih rapat yang tersedia."))
        return redirect("kerawanan:risk_detail", pk=risk.pk)
    meeting = form.cleaned_data["meeting"]
    try:
        agenda_add(actor=request.user, meeting=meeting, risks=[risk])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Kerawanan masuk agenda %(m)s.") % {"m": meeting.title})
    return redirect("kerawanan:risk_detail", pk=risk.pk)


def _managed_meeting(request, meeting_pk: int):
    meeting = meeting_for_detail(pk=meeting_pk)
    if meeting is None or not core.can_view_meeting(request.user, meeting):
        raise Http404
    if not core.can_manage_meeting(request.user, meeting):
        raise PermissionDenied
    return meeting


@predicate_required(core.is_kpu_staff)
@require_POST
def agenda_high_risks_view(request, meeting_pk: int):
    """From the meeting page: the open high and very high risks of the meeting's region."""
    meeting = _managed_meeting(request, meeting_pk)
    try:
        added = agenda_add_high_risks(actor=request.user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)s kerawanan ditambahkan ke agenda.") % {"n": added})
    return redirect("coordination:meeting_detail", pk=meeting.pk)


@predicate_required(core.is_kpu_staff)
@require_POST
def agenda_remove_view(request, meeting_pk: int, pk: int):
    meeting = _managed_meeting(request, meeting_pk)
    risk = risk_for_detail(user=request.user, pk=pk)
    if risk is None:
        raise PermissionDenied
    try:
        agenda_remove(actor=request.user, meeting=meeting, risk=risk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Kerawanan dihapus dari agenda."))
    return redirect("coordination:meeting_detail", pk=meeting.pk)
