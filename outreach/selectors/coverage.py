"""Coverage: where face-to-face outreach has reached (held or planned), and where it has not.

Every number is aggregated in the database; a page costs the same few queries for a regency of
ten villages or of five hundred, and for a province of any size.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from coordination.enums import RegionLevel
from coordination.models import Region
from outreach.enums import COVERAGE_STATUSES, AudienceSegment
from outreach.models import EventSegment, OutreachEvent
from outreach.selectors.requests import request_counts


def _counted_events(*, dari: dt.date | None, sampai: dt.date | None) -> QuerySet[OutreachEvent]:
    qs = OutreachEvent.objects.filter(status__in=COVERAGE_STATUSES)
    if dari:
        qs = qs.filter(local_date__gte=dari)
    if sampai:
        qs = qs.filter(local_date__lte=sampai)
    return qs


@dataclass
class DistrictRow:
    region: Region
    villages_total: int = 0
    villages_covered: int = 0
    remote_total: int = 0
    events: int = 0
    participants: int = 0
    villages: list = field(default_factory=list)
    # Confirmed requests from the public ("Minta sosialisasi"), all time, and those unanswered.
    requests: int = 0
    requests_pending: int = 0

    @property
    def covered(self) -> bool:
        return self.events > 0

    @property
    def demand_unmet(self) -> bool:
        """Asked for, and no face-to-face outreach: what the report must make stand out."""
        return self.requests > 0 and not self.covered

    @property
    def uncovered_villages(self) -> list:
        return [v for v in self.villages if not v.events]


@dataclass
class VillageRow:
    code: str
    name: str
    is_remote: bool
    events: int = 0
    participants: int = 0


def segment_counts(events: QuerySet[OutreachEvent]) -> list[dict]:
    rows = {
        r["segment"]: r
        for r in EventSegment.objects.filter(event__in=events.values("pk"))
        .values("segment")
        .annotate(
            face=Count("event", filter=Q(event__is_face_to_face=True)),
            media=Count("event", filter=Q(event__is_face_to_face=False)),
            participants=Sum("event__report__participants"),
        )
    }
    return [
        {
            "code": value,
            "label": label,
            "face": rows.get(value, {}).get("face", 0),
            "media": rows.get(value, {}).get("media", 0),
            "participants": rows.get(value, {}).get("participants") or 0,
        }
        for value, label in AudienceSegment.choices
    ]


def regency_coverage(*, regency: Region, dari=None, sampai=None) -> dict:
    """Per kecamatan and desa of one kabupaten/kota: face-to-face events and participants."""
    events = _counted_events(dari=dari, sampai=sampai).filter(regency_code=regency.code)
    face = events.filter(is_face_to_face=True)
    districts = {
        r.code: DistrictRow(region=r)
        for r in Region.objects.filter(parent_id=regency.code, level=RegionLevel.DISTRICT).order_by(
            "name"
        )
    }
    for row in (
        face.exclude(district_code="")
        .values("district_code")
        .annotate(n=Count("id"), people=Sum("report__participants"))
    ):
        if row["district_code"] in districts:
            districts[row["district_code"]].events = row["n"]
            districts[row["district_code"]].participants = row["people"] or 0
    for code, row in request_counts(field="district_code", regency_code=regency.code).items():
        if code in districts:
            districts[code].requests = row["received"]
            districts[code].requests_pending = row["pending"]
    per_village = {
        row["village_code"]: row
        for row in face.exclude(village_code="")
        .values("village_code")
        .annotate(n=Count("id"), people=Sum("report__participants"))
    }
    villages = Region.objects.filter(
        code__startswith=regency.code + ".", level=RegionLevel.VILLAGE
    ).order_by("name")
    for code, name, parent_id, is_remote in villages.values_list(
        "code", "name", "parent_id", "is_remote"
    ):
        district = districts.get(parent_id)
        if district is None:
            continue
        stats = per_village.get(code, {})
        village = VillageRow(code, name, is_remote, stats.get("n", 0), stats.get("people") or 0)
        district.villages.append(village)
        district.villages_total += 1
        district.remote_total += is_remote
        district.villages_covered += bool(village.events)
    rows = list(districts.values())
    uncovered = [(d, v) for d in rows for v in d.villages if not v.events]
    # Remote villages first: they are the ones most easily forgotten.
    uncovered.sort(key=lambda pair: (not pair[1].is_remote, pair[0].region.name, pair[1].name))
    totals = events.aggregate(
        face=Count("id", filter=Q(is_face_to_face=True)),
        media=Count("id", filter=Q(is_face_to_face=False)),
        participants=Sum("report__participants", filter=Q(is_face_to_face=True)),
    )
    return {
        "districts": rows,
        "uncovered_districts": [d for d in rows if not d.covered],
        "uncovered_villages": uncovered,
        "segments": segment_counts(events),
        "totals": {
            "face": totals["face"],
            "media": totals["media"],
            "participants": totals["participants"] or 0,
            "districts": len(rows),
            "districts_covered": sum(1 for d in rows if d.covered),
            "villages": sum(d.villages_total for d in rows),
            "villages_covered": sum(d.villages_covered for d in rows),
            "requests": sum(d.requests for d in rows),
            "requests_pending": sum(d.requests_pending for d in rows),
        },
        "demand_unmet": [d for d in rows if d.demand_unmet],
    }


def province_coverage(*, province: Region, regency_codes=None, dari=None, sampai=None) -> dict:
    """One row per kabupaten/kota (optionally only `regency_codes`)."""
    regencies = Region.objects.filter(parent_id=province.code, level=RegionLevel.REGENCY)
    if regency_codes is not None:
        regencies = regencies.filter(code__in=regency_codes)
    regencies = list(regencies.order_by("code"))
    prefix = province.code + "."
    district_totals = dict(
        Region.objects.filter(code__startswith=prefix, level=RegionLevel.DISTRICT)
        .values("parent_id")
        .annotate(n=Count("code"))
        .values_list("parent_id", "n")
    )
    village_totals = {
        row["regency"]: row
        for row in Region.objects.filter(code__startswith=prefix, level=RegionLevel.VILLAGE)
        .annotate(regency=Substr("code", 1, 5))
        .values("regency")
        .annotate(n=Count("code"), remote=Count("code", filter=Q(is_remote=True)))
    }
    events = _counted_events(dari=dari, sampai=sampai).filter(province_code=province.code)
    face = Q(is_face_to_face=True)
    event_stats = {
        row["regency_code"]: row
        for row in events.values("regency_code").annotate(
            face=Count("id", filter=face),
            media=Count("id", filter=~face),
            participants=Sum("report__participants", filter=face),
            districts=Count("district_code", distinct=True, filter=face & ~Q(district_code="")),
            villages=Count("village_code", distinct=True, filter=face & ~Q(village_code="")),
        )
    }
    covered_villages = events.filter(face).exclude(village_code="").values("village_code")
    remote_uncovered = dict(
        Region.objects.filter(code__startswith=prefix, level=RegionLevel.VILLAGE, is_remote=True)
        .exclude(code__in=covered_villages)
        .annotate(regency=Substr("code", 1, 5))
        .values("regency")
        .annotate(n=Count("code"))
        .values_list("regency", "n")
    )
    requests = request_counts(field="regency_code", province_code=province.code)
    rows = []
    for regency in regencies:
        stats = event_stats.get(regency.code, {})
        asked = requests.get(regency.code, {})
        villages = village_totals.get(regency.code, {})
        rows.append(
            {
                "region": regency,
                "districts": district_totals.get(regency.code, 0),
                "districts_covered": stats.get("districts", 0),
                "villages": villages.get("n", 0),
                "villages_covered": stats.get("villages", 0),
                "remote": villages.get("remote", 0),
                "remote_uncovered": remote_uncovered.get(regency.code, 0),
                "face": stats.get("face", 0),
                "media": stats.get("media", 0),
                "participants": stats.get("participants") or 0,
                "requests": asked.get("received", 0),
                "requests_pending": asked.get("pending", 0),
            }
        )
    if regency_codes is not None:
        events = events.filter(regency_code__in=regency_codes)
    return {"rows": rows, "segments": segment_counts(events)}
