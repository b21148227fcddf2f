"""Meeting pages: lists, scheduling, the meeting page (answers, attendance, minutes).

The documents attached to a meeting have their own module, `meeting_documents`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from coordination import permissions
from coordination.enums import RSVP, MeetingKind, MeetingStatus
from coordination.extensions import MEETING_SECTIONS, contributions
from coordination.forms.meetings import (
    ActionItemFormSet,
    AttendanceForm,
    CancelForm,
    DocumentForm,
    MeetingCreateForm,
    MeetingForm,
    MinutesForm,
    RSVPForm,
    local_initial,
)
from coordination.notifications.mail import lead_time
from coordination.selectors.meetings import (
    colleagues_for_delegation,
    invitable_people,
    meeting_for_detail,
    meeting_invitee_rows,
    meeting_response_counts,
    meetings_filtered,
    meetings_for_list,
    my_meetings,
)
from coordination.selectors.people import agencies_visible_to
from coordination.selectors.regions import regions_manageable_by
from coordination.services.meeting_records import (
    meeting_attendance_record,
    meeting_minutes_with_actions_record,
    meeting_respond,
)
from coordination.services.meeting_series import meeting_schedule
from coordination.services.meetings import meeting_cancel, meeting_update
from pilkada.common.decorators import predicate_required
from pilkada.common.params import query_text
from pilkada.common.validation import apply_validation_error

PAGE_SIZE = 30


def meeting_or_404(request, pk: int):
    """404 for a meeting outside the person's view: an id says nothing to an outsider."""
    meeting = meeting_for_detail(pk=pk)
    if meeting is None or not permissions.can_view_meeting(request.user, meeting):
        raise Http404
    return meeting


@predicate_required(permissions.can_use_staff_area)
@require_safe
def meeting_list(request):
    when = request.GET.get("when", "upcoming")
    kind = request.GET.get("kind", "")
    kind = kind if kind in MeetingKind.values else ""
    meetings = meetings_filtered(
        user=request.user,
        when=when,
        kind=kind,
        region=query_text(request.GET.get("region"), max_length=13),
        q=query_text(request.GET.get("q")),
    )
    page = Paginator(meetings.values_list("pk", flat=True), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = meetings_for_list(ids=list(page.object_list))
    return render(
        request,
        "coordination/meetings/list.html",
        {
            "page": page,
            "when": when,
            "kind": kind,
            "kinds": MeetingKind.choices,
            "q": query_text(request.GET.get("q")),
            "can_create": permissions.can_create_meeting(request.user),
        },
    )


@predicate_required(permissions.can_use_staff_area)
@require_safe
def my_meeting_list(request):
    meetings = list(my_meetings(user=request.user)[:100])
    for meeting in meetings:
        meeting.my_row = meeting.my_rows[0] if meeting.my_rows else None
    return render(request, "coordination/meetings/mine.html", {"meetings": meetings})


def _form_querysets(user) -> dict:
    return {
        "regions": regions_manageable_by(user=user),
        "agencies": agencies_visible_to(user=user)
        .filter(is_active=True)
        .order_by("region_id", "name"),
        "people": invitable_people(user=user),
    }


@predicate_required(permissions.can_create_meeting)
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_create_view(request):
    form = MeetingCreateForm(
        request.POST or None, user=request.user, **_form_querysets(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_schedule(actor=request.user, **form.create_kwargs())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied:
            form.add_error(None, _("Anda tidak berwenang menjadwalkan rapat ini."))
        else:
            messages.success(request, _created_message(meeting))
            return redirect("coordination:meeting_detail", pk=meeting.pk)
    return render(request, "coordination/meetings/form.html", {"form": form, "meeting": None})


def _created_message(meeting) -> str:
    if meeting.series_id:
        count = meeting.series.meetings.count()
        return _("Seri rapat dibuat: %(n)s pertemuan.") % {"n": count}
    if meeting.status == MeetingStatus.HELD:
        return _("Rapat tercatat sebagai sudah terlaksana.")
    return _("Rapat dijadwalkan.")


@predicate_required(permissions.is_kpu_staff)
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_edit_view(request, pk: int):
    meeting = meeting_or_404(request, pk)
    if not permissions.can_manage_meeting(request.user, meeting):
        raise PermissionDenied
    form = MeetingForm(
        request.POST or None, initial=local_initial(meeting), **_form_querysets(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting_update(actor=request.user, meeting=meeting, **form.service_kwargs())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Perubahan rapat disimpan; para undangan diberi tahu."))
            return redirect("coordination:meeting_detail", pk=meeting.pk)
    return render(request, "coordination/meetings/form.html", {"form": form, "meeting": meeting})


@predicate_required(permissions.is_kpu_staff)
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_cancel_view(request, pk: int):
    meeting = meeting_or_404(request, pk)
    if not permissions.can_manage_meeting(request.user, meeting):
        raise PermissionDenied
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_cancel(actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Rapat dibatalkan; para undangan diberi tahu."))
            return redirect("coordination:meeting_detail", pk=meeting.pk)
    return render(request, "coordination/meetings/cancel.html", {"form": form, "meeting": meeting})


@predicate_required(permissions.can_use_staff_area)
@require_safe
def meeting_detail(request, pk: int):
    meeting = meeting_or_404(request, pk)
    return render(request, "coordination/meetings/detail.html", detail_context(request, meeting))


def detail_context(request, meeting, **forms) -> dict:
    user = request.user
    can_manage = permissions.can_manage_meeting(user, meeting)
    can_respond = permissions.can_respond_to_invitation(user, meeting)
    rows = list(meeting_invitee_rows(meeting=meeting))
    my_row = next((row for row in rows if row.person_id == user.pk), None)
    has_started = meeting.starts_at <= timezone.now()
    # Reminders go out only before a scheduled meeting starts: a held, cancelled or past
    # meeting has none to show.
    reminders_ahead = meeting.status == MeetingStatus.SCHEDULED and not has_started
    # The minutes are shared with every invited agency, so each participant sees all follow-ups
    # (title, agency, due date, status); only the tasks they may open are links.
    action_items = list(meeting.action_items.select_related("agency", "region"))
    for task in action_items:
        task.can_open = permissions.can_view_task(user, task)
    context = {
        "meeting": meeting,
        "invitees": rows,
        "my_row": my_row,
        "counts": meeting_response_counts(meeting=meeting),
        "documents": meeting.documents.all(),
        "action_items": action_items,
        "can_manage": can_manage,
        "can_respond": can_respond,
        "is_cancelled": meeting.status == MeetingStatus.CANCELLED,
        "has_started": has_started,
        "reminder_lead_times": (
            [lead_time(m) for m in meeting.reminder_offsets or []] if reminders_ahead else []
        ),
        # Other apps' blocks (risks on the agenda, ...): see coordination.extensions.
        "extension_sections": contributions(MEETING_SECTIONS, user=user, meeting=meeting),
    }
    if can_respond:
        context["rsvp_form"] = forms.get("rsvp_form") or RSVPForm(
            initial={
                "response": my_row.response if my_row and my_row.response != RSVP.PENDING else None
            },
            colleagues=colleagues_for_delegation(user=user, meeting=meeting),
        )
    if can_manage and context["has_started"] and not context["is_cancelled"]:
        context["attendance_form"] = forms.get("attendance_form") or AttendanceForm(
            invitees=rows,
            initial={"present": [str(r.person_id) for r in rows if r.attended]},
        )
        context["minutes_form"] = forms.get("minutes_form") or MinutesForm(
            initial={"minutes": meeting.minutes}
        )
        context["actions_formset"] = forms.get("actions_formset") or ActionItemFormSet(
            prefix="actions", form_kwargs={"agencies": meeting.invited_agencies.all()}
        )
    if can_manage and not context["is_cancelled"]:
        context["document_form"] = forms.get("document_form") or DocumentForm()
    return context


@predicate_required(permissions.can_use_staff_area)
@require_POST
def meeting_respond_view(request, pk: int):
    meeting = meeting_or_404(request, pk)
    if not permissions.can_respond_to_invitation(request.user, meeting):
        raise PermissionDenied
    form = RSVPForm(
        request.POST, colleagues=colleagues_for_delegation(user=request.user, meeting=meeting)
    )
    if form.is_valid():
        try:
            meeting_respond(
                actor=request.user,
                meeting=meeting,
                response=form.cleaned_data["response"],
                delegate=form.cleaned_data.get("delegate"),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Jawaban Anda tersimpan."))
            return redirect("coordination:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "coordination/meetings/detail.html",
        detail_context(request, meeting, rsvp_form=form),
        status=400,
    )


def managed_meeting_or_403(request, pk: int):
    """Seen but not managed is a 403: the person knows the meeting exists, only not this action."""
    meeting = meeting_or_404(request, pk)
    if not permissions.can_manage_meeting(request.user, meeting):
        raise PermissionDenied
    return meeting


@predicate_required(permissions.is_kpu_staff)
@require_POST
def meeting_attendance_view(request, pk: int):
    meeting = managed_meeting_or_403(request, pk)
    rows = list(meeting_invitee_rows(meeting=meeting))
    form = AttendanceForm(request.POST, invitees=rows)
    if form.is_valid():
        try:
            count = meeting_attendance_record(
                actor=request.user,
                meeting=meeting,
                attended_person_ids=[int(v) for v in form.cleaned_data["present"]],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Kehadiran tercatat: %(n)s orang.") % {"n": count})
            return redirect("coordination:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "coordination/meetings/detail.html",
        detail_context(request, meeting, attendance_form=form),
        status=400,
    )


@predicate_required(permissions.is_kpu_staff)
@require_POST
def meeting_minutes_view(request, pk: int):
    meeting = managed_meeting_or_403(request, pk)
    form = MinutesForm(request.POST)
    formset = ActionItemFormSet(
        request.POST, prefix="actions", form_kwargs={"agencies": meeting.invited_agencies.all()}
    )
    if form.is_valid() and formset.is_valid():
        items = [f.cleaned_data for f in formset if f.cleaned_data]
        try:
            meeting_minutes_with_actions_record(
                actor=request.user,
                meeting=meeting,
                minutes=form.cleaned_data["minutes"],
                items=items,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Notulen tersimpan; %(n)s tindak lanjut menjadi tugas kesiapan.")
                % {"n": len(items)},
            )
            return redirect("coordination:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "coordination/meetings/detail.html",
        detail_context(request, meeting, minutes_form=form, actions_formset=formset),
        status=400,
    )
