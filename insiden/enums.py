"""Choices of the incident desk, the default routing and deadlines; imports nothing of the app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coordination.enums import AgencyKind


class Category(models.TextChoices):
    LOGISTICS = "logistik", _("Logistik")
    SECURITY = "keamanan", _("Keamanan dan ketertiban")
    MONEY_POLITICS = "politik_uang", _("Dugaan pelanggaran: politik uang")
    NEUTRALITY = "netralitas", _("Dugaan pelanggaran: netralitas ASN/TNI/Polri")
    QUIET_PERIOD = "masa_tenang", _("Dugaan pelanggaran: kampanye di masa tenang")
    VIOLATION = "pelanggaran_lain", _("Dugaan pelanggaran lainnya")
    DISASTER = "bencana", _("Bencana")
    POLLING_STATION = "gangguan_tps", _("Gangguan TPS")
    VOTER_LIST = "data_pemilih", _("Data pemilih")
    OTHER = "lainnya", pgettext_lazy("incident category", "Lainnya")


VIOLATIONS = (
    Category.MONEY_POLITICS,
    Category.NEUTRALITY,
    Category.QUIET_PERIOD,
    Category.VIOLATION,
)


class Severity(models.IntegerChoices):
    """Ordered: a higher number is graver (lists sort by it)."""

    LOW = 1, pgettext_lazy("severity", "Rendah")
    MEDIUM = 2, pgettext_lazy("severity", "Sedang")
    HIGH = 3, pgettext_lazy("severity", "Tinggi")
    CRITICAL = 4, pgettext_lazy("severity", "Kritis")


class Status(models.TextChoices):
    REPORTED = "dilaporkan", _("Dilaporkan")
    ACKNOWLEDGED = "diterima", _("Diterima")
    HANDLING = "ditangani", _("Ditangani")
    RESOLVED = "selesai", pgettext_lazy("incident status", "Selesai")
    REFERRED = "dirujuk", _("Dirujuk")
    UNVERIFIED = "tidak_terverifikasi", _("Tidak terverifikasi")
    DUPLICATE = "duplikat", _("Duplikat")
    # A report from the public ("Lapor") before the responsible agency has looked at it: no
    # escalation runs and the situation room does not count it until it is verified.
    AWAITING = "menunggu_verifikasi", _("Menunggu verifikasi")


# Waiting for the responsible agency to acknowledge (the escalation runs while in these).
UNACKNOWLEDGED = (Status.REPORTED, Status.REFERRED)
OPEN = (Status.REPORTED, Status.ACKNOWLEDGED, Status.HANDLING, Status.REFERRED)
CLOSED = (Status.RESOLVED, Status.UNVERIFIED, Status.DUPLICATE)

# The lifecycle (README, "Insiden"): from each status, the statuses a plain change may reach.
# Referral and merging have their own actions (they name another agency or incident).
TRANSITIONS = {
    Status.REPORTED: (Status.ACKNOWLEDGED, Status.UNVERIFIED),
    Status.REFERRED: (Status.ACKNOWLEDGED, Status.UNVERIFIED),
    Status.ACKNOWLEDGED: (Status.HANDLING, Status.RESOLVED, Status.UNVERIFIED),
    Status.HANDLING: (Status.RESOLVED, Status.UNVERIFIED),
    Status.RESOLVED: (Status.HANDLING,),
    Status.UNVERIFIED: (Status.REPORTED,),
    Status.DUPLICATE: (),
    # Verifying, archiving and merging a public report have their own actions (the triage).
    Status.AWAITING: (),
}
# Incidents that stand: what the public summary counts (not awaiting, archived or merged).
VERIFIED = (Status.REPORTED, Status.ACKNOWLEDGED, Status.HANDLING, Status.RESOLVED, Status.REFERRED)


class Visibility(models.TextChoices):
    """Who may read an incident (insiden.permissions says it precisely; the README has it)."""

    RESTRICTED = "terbatas", _("Terbatas")
    SECRET = "rahasia", _("Rahasia")


class Source(models.TextChoices):
    MEMBER = "anggota", _("Anggota lembaga")
    PUBLIC = "publik", _("Laporan masyarakat")
    API = "api", _("Sistem lembaga (API)")


class EventKind(models.TextChoices):
    REPORTED = "reported", _("Dilaporkan")
    STATUS = "status", _("Status diubah")
    ACKNOWLEDGED = "acknowledged", _("Diterima")
    REFERRED = "referred", _("Dirujuk")
    MERGED = "merged", _("Digabung sebagai duplikat")
    DUPLICATE_ADDED = "duplicate_added", _("Duplikat digabungkan ke sini")
    RISK = "risk", _("Kerawanan ditautkan")
    TASK = "task", _("Tugas kesiapan dibuat")
    ESCALATED = "escalated", _("Dieskalasi")
    PHOTO = "photo", _("Foto ditambahkan")
    VERIFIED = "verified", _("Laporan masyarakat diverifikasi")
    ARCHIVED = "archived", _("Laporan masyarakat diarsipkan")


# Routing: the agency kind that must act on a category, unless province KPU staff set a rule.
DEFAULT_ROUTES = {
    Category.LOGISTICS: AgencyKind.KPU,
    Category.SECURITY: AgencyKind.POLRI,
    Category.MONEY_POLITICS: AgencyKind.BAWASLU,
    Category.NEUTRALITY: AgencyKind.BAWASLU,
    Category.QUIET_PERIOD: AgencyKind.BAWASLU,
    Category.VIOLATION: AgencyKind.BAWASLU,
    Category.DISASTER: AgencyKind.PEMDA,
    Category.POLLING_STATION: AgencyKind.KPU,
    Category.VOTER_LIST: AgencyKind.KPU,
    Category.OTHER: AgencyKind.KPU,
}

# Minutes the responsible agency has to acknowledge, unless the province set its own.
DEFAULT_ACK_MINUTES = {
    Severity.CRITICAL: 15,
    Severity.HIGH: 60,
    Severity.MEDIUM: 240,
    Severity.LOW: 1440,
}
MAX_ACK_MINUTES = 7 * 1440
# An acknowledged critical incident that is not resolved is reminded this often.
CRITICAL_REMINDER_MINUTES = 60

# Colour class and symbol go with the word, so severity reads without colour.
SEVERITY_SYMBOLS = {
    Severity.LOW: ("level-low", "▁"),
    Severity.MEDIUM: ("level-medium", "▃"),
    Severity.HIGH: ("level-high", "▆"),
    Severity.CRITICAL: ("level-very-high", "█"),
}

MAX_PHOTOS = 3
MAX_TPS_NUMBER = 999


class PublicCategory(models.TextChoices):
    """The short list the public chooses from on the "Lapor" form."""

    LOGISTICS = "logistik_tps", _("Logistik atau TPS")
    MONEY_POLITICS = "politik_uang", _("Dugaan politik uang")
    NEUTRALITY = "netralitas", _("Netralitas ASN/TNI/Polri")
    SECURITY = "keamanan", _("Intimidasi atau keamanan")
    ACCESSIBILITY = "disabilitas", _("Akses bagi penyandang disabilitas")
    VOTER_LIST = "data_pemilih", _("Data pemilih")
    OTHER = "lainnya", pgettext_lazy("public report category", "Lainnya")


# Each public category as the desk's category (which the routing rules read). Access for people
# with disabilities is a matter of the polling station, so KPU handles it.
PUBLIC_CATEGORIES = {
    PublicCategory.LOGISTICS: Category.LOGISTICS,
    PublicCategory.MONEY_POLITICS: Category.MONEY_POLITICS,
    PublicCategory.NEUTRALITY: Category.NEUTRALITY,
    PublicCategory.SECURITY: Category.SECURITY,
    PublicCategory.ACCESSIBILITY: Category.POLLING_STATION,
    PublicCategory.VOTER_LIST: Category.VOTER_LIST,
    PublicCategory.OTHER: Category.OTHER,
}
# A public report has no severity of its own; the agency sets it when verifying.
PUBLIC_SEVERITY = Severity.MEDIUM
