"""Demo risk register for Bengkulu (`make run`): an IKP-like picture across the ten
kabupaten/kota, TPS rawan in remote desa, rahasia police entries, mitigations linked to the
readiness tasks the coordination demo made, and the high risks on the next weekly rakor.

Review dates are counted from the demo election's voting day (the coordination demo moves it
45 days ahead of the first run), so some reviews are already overdue and the digests have
something to say; no date is written into any text. Idempotent: nothing is added when the
province already has risks.
"""

from datetime import timedelta

from coordination.enums import AgencyKind, MeetingStatus, RegionLevel
from coordination.models import Agency, Meeting, ReadinessTask, Region
from coordination.permissions import subtree_q
from coordination.selectors.readiness import active_election
from kerawanan.enums import RiskCategory, RiskSource, RiskStatus, Visibility
from kerawanan.models import IkpDimension, Risk
from kerawanan.services.agenda import agenda_add_high_risks
from kerawanan.services.mitigations import mitigation_link
from kerawanan.services.risks import risk_create
from kerawanan.services.taxonomy import dimensions_seed

PROVINCE = "17"

# (title, category, (dimension, sub-dimension), likelihood, impact, source, visibility, where,
#  owner kind, acting kinds, review: days before voting day).
# where: "regency", "district", or "tps" (a remote desa with TPS numbers).
PATTERNS = [
    (
        "Netralitas ASN dalam kampanye petahana",
        RiskCategory.NEUTRALITY,
        ("Konteks sosial politik", "Otoritas penyelenggara negara"),
        4, 4, RiskSource.IKP, Visibility.PUBLIC_SUMMARY, "regency",
        AgencyKind.BAWASLU, [AgencyKind.PEMDA], 50,
    ),
    (
        "TPS di desa terpencil sulit dijangkau saat hujan",
        RiskCategory.GEOGRAPHY,
        ("Penyelenggaraan pemilu", "Pelaksanaan pemungutan suara"),
        4, 4, RiskSource.IKP, Visibility.RESTRICTED, "tps",
        AgencyKind.BAWASLU, [AgencyKind.KPU], 40,
    ),
    (
        "Dugaan politik uang menjelang masa tenang",
        RiskCategory.MONEY_POLITICS,
        ("Kontestasi", "Kampanye calon"),
        3, 4, RiskSource.IKP, Visibility.PUBLIC_SUMMARY, "district",
        AgencyKind.BAWASLU, [AgencyKind.POLRI], 30,
    ),
    (
        "Gudang logistik kecamatan rawan banjir",
        RiskCategory.LOGISTICS,
        ("Penyelenggaraan pemilu", "Pelaksanaan pemungutan suara"),
        3, 3, RiskSource.MEETING, Visibility.RESTRICTED, "district",
        AgencyKind.KPU, [AgencyKind.PEMDA], 55,
    ),
    (
        "Hoaks tentang pemilih tambahan beredar di grup percakapan",
        RiskCategory.HOAX_SARA,
        ("Partisipasi", "Partisipasi pemilih"),
        3, 2, RiskSource.AD_HOC_REPORT, Visibility.PUBLIC_SUMMARY, "regency",
        AgencyKind.BAWASLU, [AgencyKind.KPU], 35,
    ),
    (
        "Informasi intelijen: rencana pengerahan massa saat rekapitulasi kecamatan",
        RiskCategory.SECURITY,
        ("Konteks sosial politik", "Keamanan"),
        3, 5, RiskSource.SECURITY_ASSESSMENT, Visibility.SECRET, "district",
        AgencyKind.POLRI, [AgencyKind.TNI], 20,
    ),
]  # fmt: skip
# The rahasia police entry in every other regency (Rejang Lebong among them); the rest everywhere.
SECRET_EVERY = 2


def seed(*, stdout=None) -> None:
    dimensions_seed()
    if Risk.objects.filter(subtree_q([PROVINCE])).exists():
        return
    election = active_election()
    if election is None:
        return
    voting_day = election.voting_day
    regencies = list(
        Region.objects.filter(parent_id=PROVINCE, level=RegionLevel.REGENCY).order_by("code")
    )
    dimensions = {d.name: d for d in IkpDimension.objects.filter(parent__isnull=True)}
    subs = {(d.parent.name, d.name): d for d in IkpDimension.objects.filter(parent__isnull=False)}
    agencies = {(a.region_id, a.kind): a for a in Agency.objects.filter(is_active=True)}
    polda = agencies.get((PROVINCE, AgencyKind.POLRI))
    created = []
    for index, regency in enumerate(regencies):
        districts = list(Region.objects.filter(parent=regency).order_by("code"))
        villages = list(
            Region.objects.filter(parent_id__in=[d.code for d in districts]).order_by(
                "-is_remote", "code"
            )
        )
        for number, pattern in enumerate(PATTERNS):
            title, category, (dim, sub), likelihood, impact, source, visibility = pattern[:7]
            where, owner_kind, acting_kinds, review_days = pattern[7:]
            if visibility == Visibility.SECRET and index % SECRET_EVERY != 1:
                continue
            owner = agencies.get((regency.code, owner_kind))
            if owner is None or not districts or not villages:
                continue
            region, tps = regency, []
            if where == "district":
                region = districts[(index + number) % len(districts)]
            elif where == "tps":
                region, tps = villages[index % len(villages)], [1 + index % 3, 4 + index % 5]
            acting = [
                agencies[(regency.code, k)] for k in acting_kinds if (regency.code, k) in agencies
            ]
            if visibility == Visibility.SECRET and polda is not None:
                acting.append(polda)
            # Regencies differ: the same risk is graver in some places than in others.
            likelihood = max(1, min(5, likelihood + (index % 3) - 1))
            created.append(
                risk_create(
                    actor=None,
                    title=f"{title} ({regency.name})",
                    description=_description(category),
                    category=category,
                    dimension=dimensions[dim],
                    subdimension=subs.get((dim, sub)),
                    likelihood=likelihood,
                    impact=impact,
                    source=source,
                    region=region,
                    tps_numbers=tps,
                    owner=owner,
                    acting_agencies=acting,
                    status=RiskStatus.IDENTIFIED,
                    visibility=visibility,
                    review_on=voting_day - timedelta(days=review_days + index),
                )
            )
    _mitigations(created)
    _agenda()
    if stdout:
        stdout.write(f"Kerawanan register: {len(created)} risks.")


def _description(category: str) -> str:
    return {
        RiskCategory.GEOGRAPHY: "Jalan ke desa putus bila hujan deras; logistik diangkut dengan "
        "perahu atau berjalan kaki. Perlu rencana distribusi lebih awal dan pengawalan.",
        RiskCategory.SECURITY: "Penilaian intelijen Polres: ada ajakan di media sosial untuk "
        "mendatangi kantor PPK saat rekapitulasi. Jangan disebarkan.",
        RiskCategory.MONEY_POLITICS: "Laporan warga dan hasil patroli pengawasan menunjukkan "
        "pembagian sembako oleh tim sukses di beberapa desa.",
    }.get(category, "")


def _mitigations(risks: list[Risk]) -> None:
    """The checklist's security and oversight tasks of each regency mitigate its TPS rawan."""
    for risk in risks:
        if not risk.tps_numbers:
            continue
        regency = risk.region_id[:5]
        for task in ReadinessTask.objects.filter(
            region_id=regency,
            checklist_item__isnull=False,
            agency__kind__in=[AgencyKind.POLRI, AgencyKind.BAWASLU],
        ).select_related("agency"):
            mitigation_link(actor=None, risk=risk, task=task)


def _agenda() -> None:
    """The next weekly rakor of the province reviews the high risks."""
    meeting = (
        Meeting.objects.filter(
            region_id=PROVINCE,
            status=MeetingStatus.SCHEDULED,
            title__startswith="Rakor mingguan kesiapan Pilkada",
        )
        .order_by("starts_at")
        .first()
    )
    if meeting is not None:
        agenda_add_high_risks(actor=None, meeting=meeting)
