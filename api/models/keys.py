"""API keys of agencies' systems, and the first answers to requests sent with an Idempotency-Key.

A key is shown once when it is made and stored only as the SHA-256 of the whole token (the token
carries 256 random bits, so a fast hash is enough: nothing can be guessed from it); the prefix,
stored in clear, finds the row. Each key acts through its own account (`principal`), which has no
membership: its rights are those of the key's agency (a liaison's, or a KPU staff member's for a
KPU agency), narrowed by the key's scopes (`api.rest.authentication`). The account names the key
in every history it writes (a task's status updates), and is switched off with the key.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    name = models.CharField(_("nama"), max_length=100)
    agency = models.ForeignKey(
        "coordination.Agency",
        verbose_name=_("lembaga"),
        on_delete=models.PROTECT,
        related_name="api_keys",
    )
    principal = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_key"
    )
    prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    scopes = models.JSONField(_("cakupan"), default=list)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("alamat terakhir"), null=True, blank=True)

    class Meta:
        verbose_name = _("kunci API")
        verbose_name_plural = _("kunci API")
        indexes = [models.Index(fields=["agency", "-created_at"], name="apikey_agency_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class IdempotentResponse(models.Model):
    """The answer to the first request with a given Idempotency-Key, per client: a retry gets it
    again instead of a second write. Inserted before the write, in its transaction, so a retry
    that arrives while the first request runs waits for it (the unique index) and then reads it."""

    client = models.CharField(max_length=40)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotent_client_key")
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.key}"
