"""Choices of the coordination domain; models, forms and services import them from here."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("Provinsi")
    REGENCY = 2, _("Kabupaten/Kota")
    DISTRICT = 3, _("Kecamatan")
    VILLAGE = 4, _("Desa/Kelurahan")


class RegionTimeZone(models.TextChoices):
    """Indonesia's three zones; a province's zone applies to all its regions."""

    WIB = "Asia/Jakarta", _("WIB (Waktu Indonesia Barat)")
    WITA = "Asia/Makassar", _("WITA (Waktu Indonesia Tengah)")
    WIT = "Asia/Jayapura", _("WIT (Waktu Indonesia Timur)")


class AgencyKind(models.TextChoices):
    KPU = "kpu", "KPU"
    BAWASLU = "bawaslu", "Bawaslu"
    POLRI = "polri", pgettext_lazy("agency kind", "Polri (Polda/Polres)")
    TNI = "tni", pgettext_lazy("agency kind", "TNI (Korem/Kodim)")
    PEMDA = "pemda", pgettext_lazy("agency kind", "Pemerintah daerah")
    KESBANGPOL = "kesbangpol", "Kesbangpol"
    CIVIL_SOCIETY = "civil_society", _("Organisasi masyarakat sipil")
    EDUCATION = "education", _("Perguruan tinggi / pendidikan")
    MEDIA = "media", _("Media")
    OTHER = "other", _("Lainnya")


class Role(models.TextChoices):
    KPU_STAFF = "kpu_staff", _("Staf KPU")
    LIAISON = "liaison", _("Penghubung (liaison)")


class MeetingKind(models.TextChoices):
    RAKOR = "rakor", _("Rapat koordinasi (rakor)")
    BIMTEK = "bimtek", _("Pelatihan / bimtek")
    WORKSHOP = "workshop", _("Workshop")
    SIMULATION = "simulasi", _("Simulasi")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Terjadwal")
    HELD = "held", _("Terlaksana")
    CANCELLED = "cancelled", _("Dibatalkan")


class RSVP(models.TextChoices):
    PENDING = "pending", _("Belum menjawab")
    ACCEPTED = "accepted", _("Hadir")
    DECLINED = "declined", _("Tidak hadir")
    DELEGATED = "delegated", _("Diwakilkan")


class SeriesFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Setiap minggu")
    BIWEEKLY = "biweekly", _("Setiap dua minggu")
    MONTHLY = "monthly", _("Setiap bulan")


class TaskCategory(models.TextChoices):
    LOGISTICS = "logistik", _("Logistik")
    SECURITY = "keamanan", _("Keamanan")
    STAFFING = "sdm", _("SDM dan bimtek")
    OUTREACH = "sosialisasi", _("Sosialisasi")
    VOTER_LIST = "data_pemilih", _("Data pemilih")
    IT = "ti", _("Teknologi informasi")
    BUDGET = "anggaran", _("Anggaran")
    OVERSIGHT = "pengawasan", _("Pengawasan")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Belum mulai")
    IN_PROGRESS = "in_progress", _("Berjalan")
    AT_RISK = "at_risk", _("Berisiko")
    BLOCKED = "blocked", _("Terhambat")
    DONE = "done", pgettext_lazy("task status", "Selesai")


class TaskPriority(models.TextChoices):
    LOW = "low", _("Rendah")
    NORMAL = "normal", _("Sedang")
    HIGH = "high", _("Tinggi")
    URGENT = "urgent", _("Mendesak")


class DeliveryKind(models.TextChoices):
    """What a recorded mail delivery was; the delivery log shows these words."""

    INVITATION = "invitation", _("Undangan")
    SERIES_INVITATION = "series_invitation", _("Undangan seri rapat")
    UPDATE = "update", _("Perubahan")
    CANCELLATION = "cancellation", _("Pembatalan")
    WITHDRAWAL = "withdrawal", _("Undangan ditarik")
    REMINDER = "reminder", _("Pengingat")
    DIGEST_DAILY = "digest_daily", _("Ringkasan harian")
    DIGEST_WEEKLY = "digest_weekly", _("Ringkasan mingguan")
    ACCOUNT = "account", _("Surat akun")
    ACCOUNT_INVITATION = "account_invitation", _("Undangan akun")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Dalam antrean")
    # No task holds the row: its channel is paused (the far end is down) or the broker was.
    WAITING = "waiting", _("Ditunda")
    SENDING = "sending", _("Sedang dikirim")
    SENT = "sent", _("Terkirim")
    FAILED = "failed", _("Gagal")
    SKIPPED = "skipped", _("Tidak dikirim")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu")
    DISPATCHED = "dispatched", _("Diproses")
    SKIPPED = "skipped", _("Dilewati")
