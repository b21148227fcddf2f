"""Choices of the kerawanan register, and the matrix that turns likelihood and impact into a level.

Models, forms, services and the import read them from here; this module imports nothing of the
app, so nothing goes in a circle.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RiskCategory(models.TextChoices):
    LOGISTICS = "logistik", _("Logistik")
    SECURITY = "keamanan", _("Keamanan")
    MONEY_POLITICS = "politik_uang", _("Politik uang")
    NEUTRALITY = "netralitas", _("Netralitas ASN/TNI/Polri")
    HOAX_SARA = "hoaks_sara", _("Hoaks dan SARA")
    DISASTER = "bencana", _("Bencana alam")
    GEOGRAPHY = "akses_geografis", _("Akses geografis")
    VOTER_LIST = "data_pemilih", _("Data pemilih")
    ORGANISER = "penyelenggara", _("Penyelenggara")
    OTHER = "lainnya", pgettext_lazy("risk category", "Lainnya")


class RiskLevel(models.IntegerChoices):
    """Ordered: a higher number is a graver risk (lists sort by it, heat cells keep the highest)."""

    LOW = 1, pgettext_lazy("risk level", "Rendah")
    MEDIUM = 2, pgettext_lazy("risk level", "Sedang")
    HIGH = 3, pgettext_lazy("risk level", "Tinggi")
    VERY_HIGH = 4, pgettext_lazy("risk level", "Sangat tinggi")


class RiskSource(models.TextChoices):
    IKP = "ikp_bawaslu", _("IKP Bawaslu")
    SECURITY_ASSESSMENT = "polri_tni", _("Penilaian Polri/TNI")
    AD_HOC_REPORT = "ppk_pps", _("Laporan PPK/PPS")
    MEETING = "rakor", _("Rapat koordinasi")
    PUBLIC_REPORT = "masyarakat", _("Laporan masyarakat")
    OTHER = "lainnya", pgettext_lazy("risk source", "Lainnya")


class RiskStatus(models.TextChoices):
    IDENTIFIED = "teridentifikasi", _("Teridentifikasi")
    MITIGATING = "dimitigasi", _("Dimitigasi")
    MONITORED = "dipantau", _("Dipantau")
    CLOSED = "ditutup", _("Ditutup")


class Visibility(models.TextChoices):
    """Who may read a risk (kerawanan.permissions says it precisely; the README has the table)."""

    RESTRICTED = "terbatas", _("Terbatas")
    SECRET = "rahasia", _("Rahasia")
    PUBLIC_SUMMARY = "ringkas_publik", _("Dapat diringkas publik")


class RiskChangeKind(models.TextChoices):
    CREATED = "created", _("Dicatat")
    UPDATED = "updated", _("Diubah")
    MITIGATION = "mitigation", _("Mitigasi")
    AGENDA = "agenda", _("Agenda rapat")
    IMPORTED = "imported", _("Diimpor")


LIKELIHOOD_CHOICES = [
    (1, _("1 — sangat kecil")),
    (2, _("2 — kecil")),
    (3, _("3 — mungkin")),
    (4, _("4 — besar")),
    (5, _("5 — hampir pasti")),
]
IMPACT_CHOICES = [
    (1, _("1 — sangat ringan")),
    (2, _("2 — ringan")),
    (3, _("3 — sedang")),
    (4, _("4 — berat")),
    (5, _("5 — sangat berat")),
]

# The risk matrix: row = likelihood 1-5, column = impact 1-5. A common 5x5 grading of the
# product (1-4 low, 5-9 medium, 10-16 high, 20-25 very high), written out so the page can show
# the very table the level comes from.
MATRIX = tuple(
    tuple(
        RiskLevel.LOW
        if likelihood * impact <= 4
        else RiskLevel.MEDIUM
        if likelihood * impact <= 9
        else RiskLevel.HIGH
        if likelihood * impact <= 16
        else RiskLevel.VERY_HIGH
        for impact in range(1, 6)
    )
    for likelihood in range(1, 6)
)


def risk_level(likelihood: int, impact: int) -> int:
    """The level of a likelihood and an impact (each 1-5) from the matrix."""
    return MATRIX[likelihood - 1][impact - 1]


# Colour (a CSS class), symbol and word always go together, so a level reads without colour.
LEVEL_SYMBOLS = {
    RiskLevel.LOW: ("level-low", "▁"),
    RiskLevel.MEDIUM: ("level-medium", "▃"),
    RiskLevel.HIGH: ("level-high", "▆"),
    RiskLevel.VERY_HIGH: ("level-very-high", "█"),
}

# The readiness category a mitigation task of each risk category starts with (the form may
# change it).
TASK_CATEGORY_FOR = {
    RiskCategory.LOGISTICS: "logistik",
    RiskCategory.SECURITY: "keamanan",
    RiskCategory.DISASTER: "logistik",
    RiskCategory.GEOGRAPHY: "logistik",
    RiskCategory.VOTER_LIST: "data_pemilih",
    RiskCategory.ORGANISER: "sdm",
    RiskCategory.HOAX_SARA: "sosialisasi",
}
DEFAULT_TASK_CATEGORY = "pengawasan"

# The most TPS numbers one risk may name, and the highest TPS number of a desa.
MAX_TPS_PER_RISK = 50
MAX_TPS_NUMBER = 999


# Bawaslu's Indeks Kerawanan Pemilu: its four dimensions and their sub-dimensions, the taxonomy
# a new deployment starts with (province KPU staff edit it afterwards). Proper names, kept in
# Indonesian in every language.
IKP_TAXONOMY = (
    (
        "Konteks sosial politik",
        (
            "Keamanan",
            "Otoritas penyelenggara pemilu",
            "Otoritas penyelenggara negara",
            "Relasi kuasa di tingkat lokal",
        ),
    ),
    (
        "Penyelenggaraan pemilu",
        (
            "Hak memilih",
            "Pelaksanaan kampanye",
            "Pelaksanaan pemungutan suara",
            "Ajudikasi keberatan pemilu",
            "Pengawasan pemilu",
        ),
    ),
    ("Kontestasi", ("Hak dipilih", "Kampanye calon")),
    ("Partisipasi", ("Partisipasi pemilih", "Partisipasi calon", "Partisipasi publik")),
)
