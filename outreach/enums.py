"""Choices of the outreach domain (methods, audience segments, statuses); models, forms and
services import them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutreachMethod(models.TextChoices):
    """Methods from the KPU's public-participation rule: face-to-face forms first, then media."""

    FORUM_WARGA = "forum_warga", _("Forum warga")
    DISKUSI = "diskusi", _("Diskusi")
    SEMINAR = "seminar", _("Seminar")
    WORKSHOP = "workshop", pgettext_lazy("outreach method", "Workshop")
    PELATIHAN = "pelatihan", _("Pelatihan")
    SIMULASI = "simulasi", _("Simulasi pemungutan suara")
    TALK_SHOW = "talk_show", _("Talk show")
    BUDAYA_LOKAL = "budaya_lokal", _("Budaya lokal")
    RADIO = "radio", _("Radio")
    TELEVISI = "televisi", _("Televisi")
    MEDIA_CETAK = "media_cetak", _("Media cetak")
    MEDIA_DARING = "media_daring", _("Media daring")
    SITUS_WEB = "situs_web", _("Situs web")
    MEDIA_SOSIAL = "media_sosial", _("Media sosial")
    MEDIA_LUAR_RUANG = "media_luar_ruang", _("Media luar ruang")
    PERTEMUAN_VIRTUAL = "pertemuan_virtual", _("Pertemuan virtual")


FACE_TO_FACE_METHODS = frozenset(
    {
        OutreachMethod.FORUM_WARGA,
        OutreachMethod.DISKUSI,
        OutreachMethod.SEMINAR,
        OutreachMethod.WORKSHOP,
        OutreachMethod.PELATIHAN,
        OutreachMethod.SIMULASI,
        OutreachMethod.TALK_SHOW,
        OutreachMethod.BUDAYA_LOKAL,
    }
)


def is_face_to_face(method: str) -> bool:
    return method in FACE_TO_FACE_METHODS


def method_groups():
    """Choices grouped for <optgroup>: face-to-face, then media."""
    face = [(m.value, m.label) for m in OutreachMethod if m in FACE_TO_FACE_METHODS]
    media = [(m.value, m.label) for m in OutreachMethod if m not in FACE_TO_FACE_METHODS]
    return [(_("Tatap muka"), face), (_("Media"), media)]


class AudienceSegment(models.TextChoices):
    """The democracy volunteers' segments, plus the general public."""

    KELUARGA = "keluarga", _("Keluarga")
    PEMILIH_PEMULA = "pemilih_pemula", _("Pemilih pemula (17-21)")
    PEMILIH_MUDA = "pemilih_muda", _("Pemilih muda (22-30)")
    PEREMPUAN = "perempuan", _("Perempuan")
    DISABILITAS = "disabilitas", _("Penyandang disabilitas")
    BERKEBUTUHAN_KHUSUS = "berkebutuhan_khusus", _("Berkebutuhan khusus")
    MARGINAL = "marginal", _("Marginal")
    KOMUNITAS = "komunitas", _("Komunitas")
    KEAGAMAAN = "keagamaan", _("Keagamaan")
    WARGANET = "warganet", _("Warganet")
    MASYARAKAT_UMUM = "masyarakat_umum", _("Masyarakat umum")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    PUBLISHED = "published", _("Terbit")
    CANCELLED = "cancelled", _("Dibatalkan")
    DONE = "done", _("Terlaksana")


# What the public sees: a cancelled event stays visible, marked as cancelled.
PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED, EventStatus.DONE)
# What counts for coverage: held or planned (not drafts, not cancelled).
COVERAGE_STATUSES = (EventStatus.PUBLISHED, EventStatus.DONE)

# Method filter values besides single methods: the two groups.
METHOD_GROUP_FACE = "tatap_muka"
METHOD_GROUP_MEDIA = "media"


class RequesterKind(models.TextChoices):
    """Who asks for a sosialisasi (the public form's "who asks")."""

    PEMERINTAH_DESA = "pemerintah_desa", _("Kepala desa / pemerintah desa atau kelurahan")
    SEKOLAH = "sekolah", _("Sekolah atau kampus")
    PESANTREN = "pesantren", _("Pesantren atau lembaga keagamaan")
    DISABILITAS = "disabilitas", _("Organisasi penyandang disabilitas")
    KOMUNITAS = "komunitas", _("Kelompok masyarakat atau komunitas")
    LAINNYA = "lainnya", pgettext_lazy("requester kind", "Lainnya")


class RequestStatus(models.TextChoices):
    """A public request: unconfirmed until its email is confirmed, then answered by KPU staff."""

    UNCONFIRMED = "unconfirmed", _("Menunggu konfirmasi email")
    OPEN = "open", _("Menunggu tanggapan KPU")
    PROPOSED = "proposed", _("Tanggal lain diusulkan")
    ACCEPTED = "accepted", _("Diterima")
    DECLINED = "declined", _("Ditolak")
    WITHDRAWN = "withdrawn", _("Dibatalkan pemohon")


# Requests that count (confirmed); those KPU staff still have to answer; those that are closed.
COUNTED_REQUEST_STATUSES = (
    RequestStatus.OPEN,
    RequestStatus.PROPOSED,
    RequestStatus.ACCEPTED,
    RequestStatus.DECLINED,
    RequestStatus.WITHDRAWN,
)
PENDING_REQUEST_STATUSES = (RequestStatus.OPEN, RequestStatus.PROPOSED)
CLOSED_REQUEST_STATUSES = (RequestStatus.ACCEPTED, RequestStatus.DECLINED, RequestStatus.WITHDRAWN)
