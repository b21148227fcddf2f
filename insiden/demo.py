"""Demo incident desk for Bengkulu (`make run`): a simulated voting day.

Three hundred incidents across the ten kabupaten/kota, reported over the hours before the demo is
loaded (times are counted back from now, never written into any text): most acknowledged by the
agency routing chose, many resolved, some found unverified, some merged as duplicates, and some
left unacknowledged past their deadline, which the escalation job then escalates (its history and
outbox rows are real). The province's routing rules are written out from the defaults.

The day is written in bulk (a few queries for all of it, so `make run` and the browser tests stay
quick): the rows are what the services would have written (routing, deadlines, involved agencies,
a history entry per step), and the counters are recounted from them. Idempotent: nothing is added
when the province already has incidents.
"""

import random
from datetime import timedelta

from django.utils import timezone

from coordination.enums import AgencyKind, RegionLevel
from coordination.models import Agency, Person, Region
from coordination.permissions import subtree_q
from insiden.enums import (
    DEFAULT_ACK_MINUTES,
    DEFAULT_ROUTES,
    EventKind,
    PublicCategory,
    Severity,
    Status,
)
from insiden.models import Incident, IncidentHistory
from insiden.notifications.escalation import escalations_run
from insiden.services.counters import counters_rebuild
from insiden.services.public_reports import public_report_create
from insiden.services.routing import routing_defaults_seed
from insiden.version import situation_changed

PROVINCE = "17"
INCIDENTS = 300
# Reports from the public ("Lapor") still waiting for the responsible agency's triage.
PUBLIC_REPORTS = [
    (
        PublicCategory.MONEY_POLITICS,
        "Ada orang membagikan amplop berisi uang kepada warga di dekat TPS.",
    ),
    (PublicCategory.LOGISTICS, "Bilik suara di TPS kami kurang satu, antrean panjang."),
    (
        PublicCategory.ACCESSIBILITY,
        "TPS di lantai dua balai desa, tidak ada jalan untuk kursi roda.",
    ),
    (
        PublicCategory.VOTER_LIST,
        "Nama ibu saya tidak ada di daftar pemilih tetap padahal terdaftar.",
    ),
    (PublicCategory.NEUTRALITY, "Kepala dusun mengajak warga memilih pasangan calon tertentu."),
]
HOURS = 9

# (title, category, severity weights low..critical)
PATTERNS = [
    ("Surat suara kurang dari jumlah DPT", "logistik", (1, 3, 3, 1)),
    ("Kotak suara tiba terlambat di TPS", "logistik", (2, 4, 2, 0)),
    ("Kerumunan massa di sekitar TPS", "keamanan", (1, 2, 3, 2)),
    ("Pembagian uang kepada pemilih dini hari", "politik_uang", (0, 2, 4, 1)),
    ("Kepala desa mengarahkan pemilih", "netralitas", (1, 3, 2, 0)),
    ("Alat peraga kampanye dipasang di masa tenang", "masa_tenang", (3, 3, 1, 0)),
    ("TPS tergenang banjir", "bencana", (0, 1, 3, 2)),
    ("Listrik padam di TPS saat penghitungan", "gangguan_tps", (1, 3, 2, 0)),
    ("Pemilih terdaftar ganda di DPT", "data_pemilih", (3, 3, 1, 0)),
    ("KPPS kekurangan formulir C hasil", "logistik", (1, 3, 2, 0)),
]


def seed(*, stdout=None) -> None:
    province = Region.objects.filter(code=PROVINCE).first()
    if province is None:
        return
    routing_defaults_seed(province=province)
    if Incident.objects.filter(subtree_q([PROVINCE])).exists():
        return
    rng = random.Random(17)  # noqa: S311 - demo data, not security
    now = timezone.now().replace(second=0, microsecond=0)
    regencies = list(
        Region.objects.filter(parent=province, level=RegionLevel.REGENCY).order_by("code")
    )
    villages = {}
    for code in (
        Region.objects.filter(subtree_q([PROVINCE], field="code"), level=RegionLevel.VILLAGE)
        .order_by("code")
        .values_list("code", flat=True)
    ):
        villages.setdefault(code[:5], []).append(code)
    agencies = {(a.region_id, a.kind): a for a in Agency.objects.filter(is_active=True)}
    police = Person.objects.filter(email="polres.rejanglebong@demo.test").first()
    planned = []
    for number in range(INCIDENTS):
        regency = regencies[number % len(regencies)]
        title, category, weights = PATTERNS[rng.randrange(len(PATTERNS))]
        severity = rng.choices(Severity.values, weights=weights)[0]
        kind = DEFAULT_ROUTES[category]
        agency = agencies.get((regency.pk, kind)) or agencies.get((regency.pk, AgencyKind.KPU))
        if agency is None:
            continue
        region = rng.choice(villages.get(regency.pk) or [regency.pk])
        reported = now - timedelta(minutes=rng.randrange(5, HOURS * 60))
        span = timedelta(minutes=DEFAULT_ACK_MINUTES[Severity(severity)])
        by_police = police is not None and regency.pk == "17.02" and category == "keamanan"
        incident = Incident(
            title=title,
            category=category,
            severity=severity,
            visibility="rahasia" if category == "politik_uang" and number % 4 == 0 else "terbatas",
            occurred_at=reported - timedelta(minutes=rng.randrange(0, 30)),
            region_id=region,
            regency_id=regency.pk,
            tps_number=rng.randrange(1, 15) if len(region) > 8 else None,
            agency=agency,
            reporter=police if by_police else None,
            reporter_agency=agency if by_police else agencies.get((regency.pk, AgencyKind.KPU)),
            ack_started_at=reported,
            ack_due_at=reported + span,
            next_escalation_at=reported + span,
            status=Status.REPORTED,
        )
        steps = [(reported, EventKind.REPORTED, "", Status.REPORTED)]
        _outcome(incident, steps, rng, now, reported, span)
        planned.append((incident, steps))
    merged = _duplicates(planned, rng)
    Incident.objects.bulk_create([incident for incident, _steps in planned], batch_size=500)
    for incident, into in merged:
        incident.duplicate_of = into
    Incident.objects.bulk_update([i for i, _into in merged], ["duplicate_of"], batch_size=500)
    through = Incident.involved_agencies.through
    pairs = {
        (incident.pk, agency_id)
        for incident, _steps in planned
        for agency_id in (incident.agency_id, incident.reporter_agency_id)
        if agency_id
    }
    through.objects.bulk_create(
        [through(incident_id=pk, agency_id=agency_id) for pk, agency_id in sorted(pairs)],
        batch_size=1000,
    )
    steps_of = {incident.pk: steps for incident, steps in planned}
    for incident, into in merged:
        when = incident.ack_started_at + timedelta(minutes=3)
        steps_of[into.pk].append(
            (when, EventKind.DUPLICATE_ADDED, "", "", f"#{incident.pk} {incident.title}")
        )
    history = [
        IncidentHistory(
            incident=incident,
            author=incident.reporter if kind == EventKind.REPORTED else None,
            kind=kind,
            from_status=before,
            to_status=after,
            detail=detail or _detail(incident, kind),
        )
        for incident, steps in planned
        for _when, kind, before, after, *detail_ in steps
        for detail in [detail_[0] if detail_ else ""]
    ]
    IncidentHistory.objects.bulk_create(history, batch_size=1000)
    # auto_now_add stamped the load time: the day's own times go back in.
    for incident, _steps in planned:
        incident.created_at = incident.ack_started_at
    Incident.objects.bulk_update([i for i, _s in planned], ["created_at"], batch_size=500)
    stamps = [step[0] for _incident, steps in planned for step in steps]
    for entry, when in zip(history, stamps, strict=True):
        entry.created_at = when
    IncidentHistory.objects.bulk_update(history, ["created_at"], batch_size=1000)
    counters_rebuild()
    situation_changed()
    escalations_run(now=now)
    for number, (category, account) in enumerate(PUBLIC_REPORTS):
        regency = regencies[number % len(regencies)]
        village = Region.objects.get(code=rng.choice(villages[regency.pk]))
        reported = now - timedelta(minutes=10 + 12 * number)
        public_report_create(
            category=category, region=village, occurred_at=reported - timedelta(minutes=15),
            description=account, tps_number=rng.randrange(1, 15), now=reported,
        )  # fmt: skip
    if stdout is not None:
        stdout.write(
            f"Incident desk: a simulated voting day, {len(planned)} incidents and "
            f"{len(PUBLIC_REPORTS)} public reports awaiting triage."
        )


def _outcome(incident, steps, rng, now, reported, span) -> None:
    """Most incidents were acknowledged, in time or late; many then handled and resolved; some
    found unverified; some (about one in seven) are still waiting for the responsible agency."""
    roll = rng.random()
    if roll < 0.14 or now - reported < timedelta(minutes=10):
        return
    ack = min(now, reported + span * rng.uniform(0.2, 1.6))
    incident.status, incident.acknowledged_at = Status.ACKNOWLEDGED, ack
    incident.next_escalation_at = (
        ack + timedelta(hours=1) if incident.severity == Severity.CRITICAL else None
    )
    steps.append((ack, EventKind.ACKNOWLEDGED, Status.REPORTED, Status.ACKNOWLEDGED))
    if roll < 0.2:
        _move(incident, steps, ack, Status.UNVERIFIED)
        incident.next_escalation_at = None
        return
    handled = ack + timedelta(minutes=rng.randrange(5, 60))
    if handled >= now:
        return
    _move(incident, steps, handled, Status.HANDLING)
    resolved = handled + timedelta(minutes=rng.randrange(10, 180))
    if resolved < now and roll < 0.75:
        _move(incident, steps, resolved, Status.RESOLVED)
        incident.resolved_at, incident.next_escalation_at = resolved, None


def _move(incident, steps, when, status) -> None:
    steps.append((when, EventKind.STATUS, incident.status, status))
    incident.status = status


def _detail(incident, kind) -> str:
    if kind == EventKind.MERGED:
        return f"#{incident.duplicate_of.pk} {incident.duplicate_of.title}"
    return ""


def _duplicates(planned, rng) -> list:
    """A later report of the same thing in the same regency, still open, is merged into the
    first (about one in twelve); returns (duplicate, the incident it is merged into) pairs."""
    first, merged = {}, []
    for incident, steps in planned:
        key = (incident.regency_id, incident.title)
        if key not in first:
            first[key] = incident
            continue
        if incident.status in (Status.RESOLVED, Status.UNVERIFIED) or rng.random() > 0.25:
            continue
        when = steps[-1][0] + timedelta(minutes=3)
        steps.append((when, EventKind.MERGED, incident.status, Status.DUPLICATE))
        incident.status, incident.next_escalation_at = Status.DUPLICATE, None
        merged.append((incident, first[key]))
    return merged
