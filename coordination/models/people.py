from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination.enums import AgencyKind, Role


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields) -> "Person":
        if not email:
            raise ValueError("An email address is required")
        person = self.model(email=self.normalize_email(email).lower(), **fields)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_user(self, email: str, password: str | None = None, **fields) -> "Person":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "Person":
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class Person(AbstractBaseUser, PermissionsMixin):
    """A user of the portal. People log in with their email address; there is no username."""

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    position = models.CharField(_("jabatan"), max_length=150, blank=True)
    language = models.CharField(_("bahasa"), max_length=8, choices=settings.LANGUAGES, default="id")
    receives_digests = models.BooleanField(
        _("terima ringkasan harian/mingguan"),
        default=True,
        help_text=_("Undangan dan pengingat rapat tetap dikirim."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    is_staff = models.BooleanField(
        _("akses admin Django"), default=False, help_text=_("Boleh masuk ke situs admin.")
    )
    date_joined = models.DateTimeField(_("bergabung"), default=timezone.now)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("orang")
        verbose_name_plural = _("orang")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Agency(models.Model):
    """An institution taking part: a KPU office, Bawaslu, Polda/Polres, a government office, ..."""

    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("singkatan"), max_length=60, blank=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=AgencyKind.choices)
    region = models.ForeignKey(
        "coordination.Region",
        verbose_name=_("wilayah kerja"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    website = models.URLField(_("situs web"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lembaga")
        verbose_name_plural = _("lembaga")
        ordering = ["region_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "region",
                name="agency_unique_name_per_region",
                violation_error_message=_("Lembaga dengan nama ini sudah ada di wilayah tersebut."),
            ),
        ]
        indexes = [models.Index(fields=["kind", "region"], name="agency_kind_region_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Membership(models.Model):
    """A person's role in one agency; a person may serve several agencies."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("orang"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("lembaga"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "agency"],
                name="membership_unique_person_agency",
                violation_error_message=_("Orang ini sudah terdaftar di lembaga tersebut."),
            ),
        ]
        indexes = [models.Index(fields=["agency", "role"], name="membership_agency_role_idx")]

    def __str__(self) -> str:
        return f"{self.person} — {self.agency} ({self.get_role_display()})"


class Invitation(models.Model):
    """An invitation by KPU staff for a person to join an agency.

    Only a hash of the token is stored, so a leaked database does not leak working links.
    """

    email = models.EmailField(_("email"))
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    agency = models.ForeignKey(
        Agency, verbose_name=_("lembaga"), on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    accepted_at = models.DateTimeField(_("diterima"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dibatalkan"), null=True, blank=True)

    class Meta:
        verbose_name = _("undangan akun")
        verbose_name_plural = _("undangan akun")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["agency", "-created_at"], name="invitation_agency_idx")]

    def __str__(self) -> str:
        return f"{self.email} → {self.agency}"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now
