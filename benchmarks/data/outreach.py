"""Outreach events of the benchmark dataset: 300,000 at scale 1.0, spread over every kabupaten/kota.

Face-to-face events happen in a village (venue), media events at regency level (channel). The
derived columns (region ancestry, local date, slug, face-to-face flag) are filled exactly as the
outreach services fill them, so the pages read the rows they would read in production.
"""

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import connection
from django.utils.text import slugify

from benchmarks.data.copy import copy_model, reset_sequence

FULL_EVENTS_DAYS_BEFORE = 150
FULL_EVENTS_DAYS_AFTER = 60
STATUS_WEIGHTS = [("published", 55), ("done", 30), ("cancelled", 5), ("draft", 10)]


def make_outreach_events(generator) -> dict[str, int]:
    """The events of the national dataset; `generator` is its `Generator` (seeded random streams
    and the regions), passed in rather than imported, so this module and the generator that calls
    it do not import each other."""
    from outreach.enums import AudienceSegment, OutreachMethod, is_face_to_face

    event_model = apps.get_model("outreach", "OutreachEvent")
    segment_model = apps.get_model("outreach", "EventSegment")
    report_model = apps.get_model("outreach", "EventReport")
    rng = generator.rng("outreach_events")
    regions = generator.regions
    methods = list(OutreachMethod)
    segments_all = list(AudienceSegment.values)
    zones = {name: ZoneInfo(name) for name in set(regions.tz.values())}
    anchor = generator.anchor
    segment_rows: list[tuple[int, str]] = []
    partner_rows: list[tuple[int, int]] = []
    report_rows: list[tuple] = []
    regencies = regions.regencies or regions.provinces

    def rows() -> Iterator[tuple]:
        statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
        for event_id in range(1, generator.targets.events + 1):
            regency = rng.choice(regencies)
            method = rng.choice(methods)
            face = is_face_to_face(method)
            region = regency
            districts = regions.districts_of.get(regency)
            if face and districts:
                district = rng.choice(districts)
                villages = regions.villages_of.get(district)
                region = rng.choice(villages) if villages else district
            zone = zones[regions.tz[region]]
            day = anchor + timedelta(
                days=rng.randint(-FULL_EVENTS_DAYS_BEFORE, FULL_EVENTS_DAYS_AFTER)
            )
            starts = datetime(day.year, day.month, day.day, rng.randint(0, 10), 0, tzinfo=UTC)
            ends = starts + timedelta(hours=rng.choice([1, 2, 3, 4]))
            status = rng.choices(statuses, weights)[0]
            if status == "done" and day >= anchor:
                status = "published"
            chosen = sorted(rng.sample(segments_all, rng.randint(1, 3)), key=segments_all.index)
            for segment in chosen:
                segment_rows.append((event_id, segment))
            agencies = generator.agencies_of[regency]
            organiser = agencies[0]
            for partner in agencies[1:]:
                if rng.random() < 0.25:
                    partner_rows.append((event_id, partner))
            if status == "done":
                participants = rng.randint(15, 300)
                report_rows.append(
                    (
                        event_id,
                        participants,
                        participants * rng.randint(30, 60) // 100,
                        participants * rng.randint(0, 5) // 100,
                        participants * rng.randint(5, 40) // 100,
                        "",
                        generator.staff_of[regency],
                        ends + timedelta(days=1),
                    )
                )
            label = OutreachMethod(method).label
            title = f"{label} {regions.name[region]} #{event_id}"[:200]
            created = starts - timedelta(days=rng.randint(5, 40))
            yield (
                event_id,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                title,
                slugify(title)[:80].strip("-") or "acara",
                "Sosialisasi tahapan Pilkada dan ajakan menggunakan hak pilih.",
                method,
                face,
                "[" + ", ".join(f'"{segment}"' for segment in chosen) + "]",
                region,
                region[:2],
                region[:5] if len(region) >= 5 else "",
                region[:8] if len(region) >= 8 else "",
                region if len(region) == 13 else "",
                f"Balai {regions.name[region]}" if face else "",
                "" if face else f"{label} KPU {regions.name[regency]}"[:200],
                "",
                starts,
                ends,
                starts.astimezone(zone).date(),
                organiser,
                status,
                "Cuaca buruk" if status == "cancelled" else "",
                1 if status == "cancelled" else 0,
                generator.staff_of[regency],
                created,
                created,
            )

    count = copy_model(
        event_model,
        [
            "id",
            "uid",
            "title",
            "slug",
            "description",
            "method",
            "is_face_to_face",
            "segments",
            "region_id",
            "province_code",
            "regency_code",
            "district_code",
            "village_code",
            "venue",
            "channel",
            "online_url",
            "starts_at",
            "ends_at",
            "local_date",
            "organiser_id",
            "status",
            "cancel_note",
            "sequence",
            "created_by_id",
            "created_at",
            "updated_at",
        ],
        rows(),
    )
    copy_model(segment_model, ["event_id", "segment"], segment_rows)
    copy_model(event_model.partners.through, ["outreachevent_id", "agency_id"], partner_rows)
    copy_model(
        report_model,
        [
            "event_id",
            "participants",
            "women",
            "people_with_disabilities",
            "first_time_voters",
            "notes",
            "reported_by_id",
            "reported_at",
        ],
        report_rows,
    )
    reset_sequence(event_model)
    _bump_publication()
    return {
        "outreach_events": count,
        "outreach_segments": len(segment_rows),
        "outreach_partners": len(partner_rows),
        "outreach_reports": len(report_rows),
    }


def _bump_publication() -> None:
    """New public data: raise the counter the public pages derive their cache keys from."""
    try:
        state_model = apps.get_model("outreach", "PublicationState")
    except LookupError:
        return
    table = connection.ops.quote_name(state_model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - name from _meta
    # A fresh version (not 1 again) so no page cached from an earlier dataset is served.
    state_model.objects.create(pk=1, version=int(time.time()))
