"""KPU staff: the mail delivery log of a meeting, and the default reminders of their regions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from coordination import permissions
from coordination.enums import DeliveryStatus
from coordination.forms.reminders import ReminderDefaultForm
from coordination.models import Delivery, Meeting, Region, ReminderDefault
from coordination.notifications.digests import person_digests_set
from coordination.notifications.mail import lead_time
from coordination.notifications.outbox import delivery_retry
from coordination.notifications.reminders import default_reminder_minutes, reminder_default_set
from coordination.selectors.notifications import meeting_deliveries, meeting_delivery_counts
from pilkada.common.decorators import predicate_required
from pilkada.common.validation import apply_validation_error

PAGE_SIZE = 50


def _meeting_for_log(user, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("region", "organiser"), pk=pk)
    if not permissions.can_view_meeting_deliveries(user, meeting):
        raise Http404  # another region's meeting: its id says nothing to an outsider
    return meeting


@predicate_required(permissions.is_kpu_staff)
@require_safe
def meeting_deliveries_view(request, pk: int):
    meeting = _meeting_for_log(request.user, pk)
    status = request.GET.get("status", "")
    if status not in DeliveryStatus.values:
        status = ""
    page = Paginator(meeting_deliveries(meeting=meeting, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = meeting_delivery_counts(meeting=meeting)
    return render(
        request,
        "coordination/meetings/deliveries.html",
        {
            "meeting": meeting,
            "page": page,
            "status": status,
            "statuses": [(value, label, counts[value]) for value, label in DeliveryStatus.choices],
            "total": counts["total"],
            "zone": meeting.region.timezone,
        },
    )


@predicate_required(permissions.is_kpu_staff)
@require_POST
def meeting_delivery_retry_view(request, pk: int, delivery_pk: int):
    meeting = _meeting_for_log(request.user, pk)
    delivery = get_object_or_404(Delivery, pk=delivery_pk, meeting=meeting)
    if delivery_retry(delivery=delivery):
        messages.success(
            request, _("Email ke %(email)s dikirim ulang.") % {"email": delivery.email}
        )
    else:
        messages.info(request, _("Pengiriman ini tidak dalam status gagal."))
    return redirect("coordination:meeting_deliveries", pk=meeting.pk)


@predicate_required(permissions.can_set_reminder_defaults)
@require_http_methods(["GET", "HEAD", "POST"])
def reminder_defaults_view(request):
    access = permissions.access_for(request.user)
    regions = Region.objects.filter(pk__in=access.staff_region_codes).order_by("code")
    if access.is_superuser:
        regions = Region.objects.filter(level=1).order_by("code")
    regions = list(regions)
    form = ReminderDefaultForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        region = next(r for r in regions if r.pk == form.cleaned_data["region"])
        try:
            reminder_default_set(
                actor=request.user,
                region=region,
                minutes_before=form.cleaned_data["minutes_before"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("Pengingat bawaan untuk %(region)s disimpan.") % {"region": region}
            )
            return redirect("coordination:reminder_defaults")
    stored = {
        row.region_id: row
        for row in ReminderDefault.objects.filter(region__in=regions).select_related("updated_by")
    }
    rows = [
        {
            "region": region,
            "minutes": [lead_time(m) for m in default_reminder_minutes(region=region)],
            "stored": stored.get(region.pk),
        }
        for region in regions
    ]
    return render(request, "coordination/reminders/defaults.html", {"form": form, "rows": rows})


@predicate_required(permissions.can_use_staff_area)
@require_POST
def digest_preference_view(request):
    """Turn the daily/weekly readiness digests on or off (meeting mail always goes out)."""
    wanted = request.POST.get("receives_digests") == "on"
    person_digests_set(person=request.user, receives_digests=wanted)
    if wanted:
        messages.success(request, _("Ringkasan kesiapan akan dikirim ke email Anda."))
    else:
        messages.success(request, _("Ringkasan kesiapan tidak lagi dikirim ke email Anda."))
    return redirect("coordination:profile")
