"""Webhook subscriptions of agencies' systems, the events they hear of, and one message per
(event, subscription), each sent through the notification outbox (`api.webhooks`)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookSubscription(models.Model):
    agency = models.ForeignKey(
        "coordination.Agency",
        verbose_name=_("lembaga"),
        on_delete=models.PROTECT,
        related_name="webhook_subscriptions",
    )
    # Whose rights decide what the subscription hears: the agency's key (its principal).
    api_key = models.ForeignKey(
        "api.ApiKey",
        verbose_name=_("kunci API"),
        on_delete=models.PROTECT,
        related_name="webhook_subscriptions",
    )
    url = models.URLField(_("alamat penerima"), max_length=500)
    events = models.JSONField(_("peristiwa"), default=list)
    # "whsec_" + base64 of 32 random bytes (the Standard Webhooks form); the previous secret
    # still signs until `previous_secret_until`, so a receiver can switch without losing events.
    secret = models.CharField(max_length=100)
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(_("dinonaktifkan"), null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("langganan webhook")
        verbose_name_plural = _("langganan webhook")
        indexes = [models.Index(fields=["is_active"], name="webhooksub_active_idx")]

    def __str__(self) -> str:
        return f"{self.agency_id} → {self.url}"


class WebhookEvent(models.Model):
    """Something happened to a resource. Recorded in the transaction of the change (signal
    receivers in `api.signals`); turned into messages, one per subscription that may read the
    resource, right after the commit or by the sweep (`fanned_out_at` is set once done)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=40)
    resource = models.CharField(max_length=20)
    object_id = models.CharField(max_length=40)
    # The agencies an event is addressed to (an incident assigned to one, escalated to those a
    # step concerns); empty: every subscription whose key may read the resource.
    agencies = models.JSONField(default=list, blank=True)
    # An event that must be recorded once whoever records it (a task's "due soon" notice, once
    # per due date, however often and from however many beats the job runs).
    key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    # The resource as the API shows it, taken when the messages are made (the same for every
    # subscription: only those who may read the resource get it).
    payload = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(fanned_out_at__isnull=True),
                name="webhookevent_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.resource}:{self.object_id}"


class WebhookMessage(models.Model):
    """One event for one subscription, and its outbox row (status, attempts, errors)."""

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="messages")
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="messages"
    )
    delivery = models.OneToOneField(
        "coordination.Delivery", on_delete=models.CASCADE, related_name="webhook_message"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "subscription"], name="webhookmsg_unique")
        ]
        indexes = [models.Index(fields=["subscription", "-id"], name="webhookmsg_sub_idx")]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscription_id}"

    @property
    def webhook_id(self) -> str:
        """The `webhook-id` header: the same on every attempt, so receivers can deduplicate."""
        return f"msg_{self.event.uid.hex}_{self.subscription_id}"
