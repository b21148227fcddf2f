"""The national readiness summary: one row per province, from the province counters (or the
tasks, for a filter the counters cannot answer), cached under the readiness version."""

import hashlib
from dataclasses import asdict, dataclass

from django.core.cache import cache
from django.db.models import (
    F,
)
from django.db.models.functions import Substr
from django.utils import timezone

from coordination.enums import RegionLevel
from coordination.models import (
    Election,
    ReadinessCount,
    ReadinessProvinceCount,
    ReadinessTask,
    Region,
)
from coordination.readiness_version import readiness_version
from coordination.selectors.dashboard import (
    Cell,
    counted,
    counter_filters,
    counter_sums,
    counters_answer,
    task_counts,
)
from coordination.selectors.readiness import (
    TaskFilters,
    apply_task_filters,
)


@dataclass
class ProvinceRow:
    code: str
    name: str
    cell: Cell


# Bounds how long a change that bypasses the task services (a region renamed, an agency's kind
# changed) can take to show in the cached national summary.
NATIONAL_SUMMARY_SECONDS = 600


def national_summary(*, filters: TaskFilters, election: Election | None) -> list[ProvinceRow]:
    """One row per province with done/total, at-risk, blocked and overdue counts.

    Counting reads every task of the country, so the rows are cached under the readiness version
    (raised by every task write), the day (overdue counts change at midnight) and the filters.
    Uncached: two queries whatever the size, the provinces and the tasks grouped by the first two
    characters of their region code (the province, since codes are hierarchical). Cached: none.
    """
    if election is not None and not filters.election:
        filters.election = election.pk
    version = readiness_version()
    if version is None:
        return _national_rows(filters)
    raw = f"{version}|{timezone.localdate()}|{sorted(asdict(filters).items())}"
    key = "coordination:national-summary:" + hashlib.sha256(raw.encode()).hexdigest()[:40]
    rows = cache.get(key)
    if rows is None:
        rows = _national_rows(filters)
        cache.set(key, rows, NATIONAL_SUMMARY_SECONDS)
    return rows


def _national_counted(filters: TaskFilters) -> list[dict] | None:
    """Per province from the counters: the province totals (a few hundred rows), or the regency
    rows when an agency filter needs the agency."""
    if filters.agency or filters.agency_kind:
        rows = ReadinessCount.objects.annotate(province=Substr("region_code", 1, 2))
    else:
        rows = ReadinessProvinceCount.objects.annotate(province=F("province_code"))
    entries = list(
        counter_filters(rows, filters).values("province").annotate(**counter_sums()).order_by()
    )
    return counted(entries, filters)


def _national_rows(filters: TaskFilters) -> list[ProvinceRow]:
    entries = _national_counted(filters) if counters_answer(filters) else None
    if entries is None:
        entries = (
            apply_task_filters(ReadinessTask.objects.all(), filters)
            .annotate(province=Substr("region_id", 1, 2))
            .values("province")
            .annotate(**task_counts())
            .order_by()
        )
    counts = {entry["province"]: entry for entry in entries}
    keys = ("total", "done", "at_risk", "blocked", "overdue")
    rows = []
    for code, name in (
        Region.objects.filter(level=RegionLevel.PROVINCE)
        .order_by("code")
        .values_list("code", "name")
    ):
        entry = counts.get(code)
        rows.append(
            ProvinceRow(
                code=code,
                name=name,
                cell=Cell(**{k: entry[k] for k in keys}) if entry else Cell(),
            )
        )
    return rows
