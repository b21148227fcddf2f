"""The kerawanan register of the benchmark dataset: 100,000 risks at scale 1.0 (about 20% at TPS
level, in a village with TPS numbers), over every kabupaten/kota, with their first history
entry, their acting agencies and mitigations linked to readiness tasks of the same regency.

Generated after the national dataset (bench_data), from what the database holds, through COPY
with ids assigned here; the same seed and scale give the same rows. `risks_ensure` does nothing
when the register already has the size asked for, so `make bench` reuses it.
"""

import json
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from benchmarks.data.copy import bulk_load, copy_model, copy_rows, reset_sequence
from coordination.enums import AgencyKind, RegionLevel
from coordination.models import Agency, ReadinessTask, Region
from kerawanan.enums import RiskCategory, RiskSource, RiskStatus, Visibility, risk_level
from kerawanan.models import IkpDimension, Mitigation, Risk, RiskChange
from kerawanan.services.taxonomy import dimensions_seed

FULL_RISKS = 100_000
TPS_SHARE = 0.2
MITIGATED_SHARE = 0.25
VISIBILITIES = [
    (Visibility.RESTRICTED, 60),
    (Visibility.PUBLIC_SUMMARY, 25),
    (Visibility.SECRET, 15),
]
STATUSES = [
    (RiskStatus.IDENTIFIED, 40),
    (RiskStatus.MITIGATING, 30),
    (RiskStatus.MONITORED, 20),
    (RiskStatus.CLOSED, 10),
]
OWNER_KINDS = [AgencyKind.BAWASLU, AgencyKind.POLRI, AgencyKind.KPU]
TITLES = {
    RiskCategory.LOGISTICS: "Distribusi logistik terlambat",
    RiskCategory.SECURITY: "Potensi gangguan keamanan",
    RiskCategory.MONEY_POLITICS: "Dugaan politik uang",
    RiskCategory.NEUTRALITY: "Netralitas ASN dipertanyakan",
    RiskCategory.HOAX_SARA: "Hoaks dan ujaran SARA",
    RiskCategory.DISASTER: "Rawan banjir dan longsor",
    RiskCategory.GEOGRAPHY: "Akses sulit ke TPS",
    RiskCategory.VOTER_LIST: "Pemilih ganda dalam daftar",
    RiskCategory.ORGANISER: "Kapasitas KPPS kurang",
    RiskCategory.OTHER: "Kerawanan lain",
}


def risks_target(scale: float) -> int:
    return max(1, round(FULL_RISKS * scale))


def risks_ensure(*, scale: float, seed: int, log: Callable[[str], None]) -> None:
    """Generate the register unless it already holds the number of risks of this scale."""
    target = risks_target(scale)
    if Risk.objects.count() == target:
        log(f"kerawanan register: {target:,} risks already there")
        return
    started = time.perf_counter()
    with transaction.atomic():
        counts = make_risks(target=target, seed=seed)
    # Statistics and the visibility map (index-only scans), as the national generator leaves its
    # tables; VACUUM cannot run inside a transaction (a test's), ANALYZE alone then.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in (Risk, RiskChange, Mitigation, Risk.acting_agencies.through):
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
    log(
        "kerawanan register: "
        + ", ".join(f"{name} {count:,}" for name, count in counts.items())
        + f" in {time.perf_counter() - started:.1f} s"
    )


def _weighted(rng: random.Random, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights)[0]


def make_risks(*, target: int, seed: int) -> dict[str, int]:
    rng = random.Random(f"{seed}:risks")
    with connection.cursor() as cursor:
        tables = [Mitigation, RiskChange, Risk.acting_agencies.through, Risk]
        names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in tables)
        cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    dimensions_seed()
    tops = list(IkpDimension.objects.filter(parent__isnull=True).order_by("order"))
    subs = defaultdict(list)
    for sub in IkpDimension.objects.filter(parent__isnull=False):
        subs[sub.parent_id].append(sub.pk)
    regencies = list(
        Region.objects.filter(level=RegionLevel.REGENCY)
        .order_by("code")
        .values_list("code", flat=True)
    )
    districts, villages = defaultdict(list), defaultdict(list)
    for code, level in Region.objects.filter(level__gte=RegionLevel.DISTRICT).values_list(
        "code", "level"
    ):
        (districts if level == RegionLevel.DISTRICT else villages)[
            code[: 5 if level == 3 else 8]
        ].append(code)
    agencies = defaultdict(list)  # regency code -> [(kind, id)], the province's agencies too
    for pk, kind, region in Agency.objects.values_list("pk", "kind", "region_id"):
        agencies[region].append((kind, pk))
    tasks = defaultdict(list)
    for pk, region in ReadinessTask.objects.values_list("pk", "region_id").iterator(
        chunk_size=50_000
    ):
        tasks[region[:5]].append(pk)
    categories = list(RiskCategory)
    sources = list(RiskSource)
    now = timezone.now()
    anchor = timezone.localdate()
    acting_rows: list[tuple[int, int, int]] = []
    mitigation_rows: list[tuple] = []

    def rows() -> Iterator[tuple]:
        for risk_id in range(1, target + 1):
            regency = rng.choice(regencies)
            at_tps = rng.random() < TPS_SHARE
            region, tps = regency, []
            district_list = districts.get(regency) or []
            if district_list and (at_tps or rng.random() < 0.6):
                region = rng.choice(district_list)
                village_list = villages.get(region) or []
                if village_list and (at_tps or rng.random() < 0.5):
                    region = rng.choice(village_list)
                    if at_tps:
                        tps = sorted(rng.sample(range(1, 25), rng.randint(1, 3)))
            local = agencies.get(regency) or agencies.get(regency[:2]) or []
            owners = [pk for kind, pk in local if kind in OWNER_KINDS] or [pk for _k, pk in local]
            owner = rng.choice(owners)
            for agency in rng.sample(
                [pk for _k, pk in local if pk != owner], k=min(2, len(local) - 1)
            ):
                acting_rows.append((len(acting_rows) + 1, risk_id, agency))
            category = rng.choice(categories)
            top = rng.choice(tops)
            likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
            created = now - timedelta(days=rng.randint(1, 120), minutes=rng.randint(0, 1440))
            review = anchor + timedelta(days=rng.randint(-20, 60))
            candidates = tasks.get(regency)
            if candidates and rng.random() < MITIGATED_SHARE:
                mitigation_rows.append(
                    (len(mitigation_rows) + 1, risk_id, rng.choice(candidates), None, created)
                )
            yield (
                risk_id,
                f"{TITLES[category]} — {region}"[:200],
                "",
                category,
                top.pk,
                rng.choice(subs[top.pk]) if subs[top.pk] and rng.random() < 0.7 else None,
                likelihood,
                impact,
                risk_level(likelihood, impact),
                rng.choice(sources),
                region,
                json.dumps(tps),
                owner,
                _weighted(rng, STATUSES),
                _weighted(rng, VISIBILITIES),
                review,
                None,
                created,
                created,
            )

    through = Risk.acting_agencies.through
    with bulk_load(Risk, RiskChange, Mitigation, through):
        count = copy_model(
            Risk,
            [
                "id",
                "title",
                "description",
                "category",
                "dimension_id",
                "subdimension_id",
                "likelihood",
                "impact",
                "level",
                "source",
                "region_id",
                "tps_numbers",
                "owner_id",
                "status",
                "visibility",
                "review_on",
                "created_by_id",
                "created_at",
                "updated_at",
            ],  # fmt: skip
            rows(),
        )
        copy_rows(through._meta.db_table, ["id", "risk_id", "agency_id"], acting_rows)
        copy_model(
            Mitigation, ["id", "risk_id", "task_id", "created_by_id", "created_at"], mitigation_rows
        )
        history = ((pk, pk, None, now, "imported", "[]", "") for pk in range(1, count + 1))
        copy_model(
            RiskChange,
            ["id", "risk_id", "author_id", "created_at", "kind", "changes", "note"],
            history,
        )
    for model in (Risk, RiskChange, Mitigation, through):
        reset_sequence(model)
    tps_count = Risk.objects.exclude(tps_numbers=[]).count()
    return {
        "risks": count,
        "at_tps": tps_count,
        "acting": len(acting_rows),
        "mitigations": len(mitigation_rows),
    }
