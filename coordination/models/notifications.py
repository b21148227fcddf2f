"""Deliveries (the outbox's rows), reminder slots and reminder defaults.

A `Delivery` is the record that makes a message exactly-once: one row per (meeting, person, kind,
key, channel), created in the same transaction as the change that causes it, sent by a worker
after the commit. See `coordination.notifications.outbox` for the state machine.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coordination.enums import DeliveryStatus, ReminderStatus


class Delivery(models.Model):
    meeting = models.ForeignKey(
        "coordination.Meeting",
        verbose_name=_("rapat"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    # None for a message to a system rather than a person (a webhook: the key names the target).
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penerima"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    # A channel registered in coordination.notifications.channels ("email", ...).
    channel = models.CharField(_("saluran"), max_length=16, default="email")
    # A kind registered in coordination.notifications.registry (this app's or another app's), so
    # the column carries no fixed choices.
    kind = models.CharField(_("jenis"), max_length=40)
    # What makes this message distinct within its kind: "s3" (iCalendar sequence), "60m@..."
    # (reminder offset and start), "2024-11-20" (digest date).
    key = models.CharField(_("kunci"), max_length=100)
    # The address at the time the row was made (email channel only).
    email = models.EmailField(_("alamat"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    subject = models.CharField(_("subjek"), max_length=300, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"))
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("terkirim"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("pengiriman email")
        verbose_name_plural = _("pengiriman email")
        constraints = [
            # Three partial constraints instead of one: rows without a meeting (digests) or
            # without a person (webhooks) would otherwise never collide, since NULLs are distinct
            # in a unique index.
            models.UniqueConstraint(
                fields=["meeting", "person", "kind", "key", "channel"],
                condition=Q(meeting__isnull=False),
                name="delivery_unique_meeting_person_kind_key",
            ),
            models.UniqueConstraint(
                fields=["person", "kind", "key", "channel"],
                condition=Q(meeting__isnull=True, person__isnull=False),
                name="delivery_unique_person_kind_key",
            ),
            models.UniqueConstraint(
                fields=["kind", "key", "channel"],
                condition=Q(person__isnull=True),
                name="delivery_unique_kind_key_channel",
            ),
        ]
        indexes = [
            models.Index(fields=["meeting", "created_at"], name="delivery_meeting_idx"),
            models.Index(fields=["status", "next_attempt_at"], name="delivery_status_next_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.email or self.channel} ({self.status})"


class AccountMail(models.Model):
    """What an account mail (a password reset, an invitation to join, a security notice) says,
    beside its delivery row: the template, the language when there is no person to take it
    from, and the context the request knew. Links that open an account are not stored: the
    builder makes them again when it sends (`coordination.notifications.accounts`), so a copy of
    the database does not hold working reset or invitation links."""

    delivery = models.OneToOneField(
        Delivery, on_delete=models.CASCADE, primary_key=True, related_name="account_mail"
    )
    template = models.CharField(max_length=100)
    language = models.CharField(max_length=8, blank=True)
    context = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("surat akun")
        verbose_name_plural = _("surat akun")

    def __str__(self) -> str:
        return f"{self.template} ({self.delivery_id})"


class MeetingReminder(models.Model):
    """One reminder slot of a meeting: "send the 60-minute reminder at due_at".

    Slots turn the per-meeting offsets into indexed rows, so the every-minute job reads only what
    is due. A slot becomes one reminder delivery per recipient when it is dispatched.
    """

    meeting = models.ForeignKey(
        "coordination.Meeting", on_delete=models.CASCADE, related_name="reminder_slots"
    )
    minutes_before = models.PositiveIntegerField(_("menit sebelum mulai"))
    due_at = models.DateTimeField(_("jatuh tempo"))
    status = models.CharField(
        max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("jadwal pengingat")
        verbose_name_plural = _("jadwal pengingat")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "minutes_before", "due_at"], name="reminder_slot_unique"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="reminder_slot_due_idx")]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.minutes_before} min @ {self.due_at:%Y-%m-%d %H:%M}"


class ReminderDefault(models.Model):
    """The reminder offsets KPU staff chose for new meetings in a region (and the regions below).

    Without a row, PILKADA_DEFAULT_REMINDER_MINUTES applies.
    """

    region = models.OneToOneField(
        "coordination.Region",
        verbose_name=_("wilayah"),
        on_delete=models.CASCADE,
        related_name="reminder_default",
    )
    minutes_before = models.JSONField(_("pengingat (menit sebelum mulai)"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pengingat bawaan")
        verbose_name_plural = _("pengingat bawaan")

    def __str__(self) -> str:
        return f"{self.region_id}: {self.minutes_before}"
