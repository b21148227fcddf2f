"""The calendar's filters: parsed once from the query string, applied to any event queryset, and
written back into links so a filtered view can be shared and bookmarked."""

import datetime as dt
from dataclasses import dataclass, fields
from urllib.parse import urlencode

from django.db.models import Q, QuerySet

from outreach.enums import METHOD_GROUP_FACE, METHOD_GROUP_MEDIA, OutreachMethod


@dataclass(frozen=True)
class EventFilters:
    prov: str = ""
    kab: str = ""
    kec: str = ""
    metode: str = ""
    segmen: str = ""
    dari: dt.date | None = None
    sampai: dt.date | None = None
    q: str = ""

    @property
    def region_code(self) -> str:
        """The innermost region chosen (kecamatan over kabupaten/kota over provinsi)."""
        return self.kec or self.kab or self.prov

    @property
    def has_dates(self) -> bool:
        return self.dari is not None or self.sampai is not None

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    def params(self, **overrides) -> dict[str, str]:
        """The chosen filters; a province or regency implied by a narrower code is left out,
        so a shared link says `kab=17.02`, not `prov=17&kab=17.02`."""
        values = {}
        for f in fields(self):
            value = overrides.get(f.name, getattr(self, f.name))
            if value:
                values[f.name] = value.isoformat() if isinstance(value, dt.date) else value
        if values.get("kab", "").startswith(values.get("prov", "-") + "."):
            del values["prov"]
        if values.get("kec", "").startswith(values.get("kab", "-") + "."):
            del values["kab"]
        return values

    def query(self, **overrides) -> str:
        """The query string (without "?") of these filters; empty when there are none."""
        return urlencode(self.params(**overrides))

    def without_dates(self) -> "EventFilters":
        return EventFilters(**{**self.__dict__, "dari": None, "sampai": None})


def apply_filters(qs: QuerySet, filters: EventFilters) -> QuerySet:
    if filters.kec:
        qs = qs.filter(district_code=filters.kec)
    elif filters.kab:
        qs = qs.filter(regency_code=filters.kab)
    elif filters.prov:
        qs = qs.filter(province_code=filters.prov)
    if filters.metode == METHOD_GROUP_FACE:
        qs = qs.filter(is_face_to_face=True)
    elif filters.metode == METHOD_GROUP_MEDIA:
        qs = qs.filter(is_face_to_face=False)
    elif filters.metode:
        qs = qs.filter(method=filters.metode)
    if filters.segmen:
        # The segment rows are unique per event, so this join never repeats an event.
        qs = qs.filter(segment_rows__segment=filters.segmen)
    if filters.dari:
        qs = qs.filter(local_date__gte=filters.dari)
    if filters.sampai:
        qs = qs.filter(local_date__lte=filters.sampai)
    if filters.q:
        for word in filters.q.split()[:5]:
            qs = qs.filter(
                Q(title__icontains=word) | Q(venue__icontains=word) | Q(channel__icontains=word)
            )
    return qs


def valid_method(value: str) -> bool:
    return value in OutreachMethod.values or value in (METHOD_GROUP_FACE, METHOD_GROUP_MEDIA)
