import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coordination.models import Agency, Region
from outreach.enums import EventStatus
from outreach.models import EventSegment, OutreachEvent, PublicationState
from outreach.services.events import (
    event_create,
    event_delete,
    event_duplicate,
    event_report_save,
    event_status_change,
    event_update,
)
from tests import factories
from tests.integration.outreach.conftest import at


def _kwargs(region_code="17.01.01.2001", **extra):
    region = Region.objects.get(code=region_code)
    organiser = Agency.objects.filter(name="KPU Prov").first() or factories.AgencyFactory(
        region=Region.objects.get(code="17"), name="KPU Prov"
    )
    starts = at(5)
    data = {
        "title": "Forum warga",
        "method": "forum_warga",
        "segments": ["perempuan", "keluarga"],
        "region": region,
        "venue": "Balai desa",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=2),
        "organiser": organiser,
    }
    data.update(extra)
    return data


def test_event_create_copies_region_codes_and_local_date(bengkulu):
    event = event_create(actor=None, **_kwargs())
    assert (event.province_code, event.regency_code, event.district_code, event.village_code) == (
        "17",
        "17.01",
        "17.01.01",
        "17.01.01.2001",
    )
    assert event.local_date == at(5).date()
    assert event.is_face_to_face is True
    assert event.slug == "forum-warga"
    assert event.status == EventStatus.DRAFT
    # Segments are kept in the enum's order, and indexed one row each.
    assert event.segments == ["keluarga", "perempuan"]
    assert sorted(EventSegment.objects.filter(event=event).values_list("segment", flat=True)) == [
        "keluarga",
        "perempuan",
    ]


def test_event_create_draft_does_not_bump_publication(bengkulu):
    event_create(actor=None, **_kwargs())
    assert not PublicationState.objects.exists()
    event_create(actor=None, **_kwargs(status=EventStatus.PUBLISHED))
    assert PublicationState.objects.get().version == 1


def test_event_create_in_wita_province_uses_local_date(db):
    factories.region_tree("73", timezone_name="Asia/Makassar")
    wita = ZoneInfo("Asia/Makassar")
    # 00:30 WITA on day D is still 23:30 WIB on D-1: the local date must be D.
    starts = dt.datetime(2024, 11, 20, 0, 30, tzinfo=wita)
    organiser = factories.AgencyFactory(region=Region.objects.get(code="73"))
    event = event_create(
        actor=None,
        title="Forum Makassar",
        method="forum_warga",
        segments=["keluarga"],
        region=Region.objects.get(code="73.01.01.2001"),
        venue="Balai",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        organiser=organiser,
    )
    assert event.local_date == dt.date(2024, 11, 20)
    assert event.starts_at == dt.datetime(2024, 11, 19, 16, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"venue": ""}, "venue"),
        ({"method": "radio", "venue": "", "channel": ""}, "channel"),
        ({"segments": []}, "segments"),
        ({"segments": ["alien"]}, "segments"),
        ({"title": ""}, "title"),
    ],
)
def test_event_create_rejects_bad_input(bengkulu, extra, field):
    with pytest.raises(ValidationError) as exc:
        event_create(actor=None, **_kwargs(**extra))
    assert field in exc.value.message_dict


def test_event_create_rejects_end_before_start(bengkulu):
    starts = at(5)
    with pytest.raises(ValidationError) as exc:
        event_create(actor=None, **_kwargs(starts_at=starts, ends_at=starts))
    assert "ends_at" in exc.value.message_dict


def test_event_create_rejects_organiser_of_other_province(bengkulu):
    factories.region_tree("73", timezone_name="Asia/Makassar")
    outsider = factories.AgencyFactory(region=Region.objects.get(code="73"))
    with pytest.raises(ValidationError) as exc:
        event_create(actor=None, **_kwargs(organiser=outsider))
    assert "organiser" in exc.value.message_dict


def test_event_create_by_regency_staff_inside_and_outside(regency_staff):
    own_kpu = Agency.objects.get(region_id="17.01")
    event = event_create(actor=regency_staff, **_kwargs("17.01.02.2002", organiser=own_kpu))
    assert event.region_id == "17.01.02.2002"
    with pytest.raises(PermissionDenied):
        event_create(actor=regency_staff, **_kwargs("17.02.01.2001", organiser=own_kpu))
    # The organiser too must be one the staff manage (what the event form offers).
    with pytest.raises(ValidationError) as exc:
        event_create(actor=regency_staff, **_kwargs("17.01.02.2002"))
    assert exc.value.message_dict == {"organiser": ["Penyelenggara ini di luar kewenangan Anda."]}


def test_event_update_raises_sequence_and_moves_region(regency_staff, event):
    assert event.sequence == 0
    updated = event_update(
        actor=regency_staff,
        event=event,
        region=Region.objects.get(code="17.01.02"),
        title="Forum baru",
        segments=["warganet"],
    )
    assert (updated.sequence, updated.district_code, updated.village_code) == (1, "17.01.02", "")
    assert updated.slug == "forum-baru"
    assert list(EventSegment.objects.filter(event=event).values_list("segment", flat=True)) == [
        "warganet"
    ]
    with pytest.raises(PermissionDenied):
        event_update(actor=regency_staff, event=event, region=Region.objects.get(code="17.02"))


def test_event_update_stores_every_changed_and_derived_field(event):
    event_update(
        actor=None,
        event=event,
        region=Region.objects.get(code="17.02.01"),
        title="Forum pindah",
        method="radio",
        channel="RRI Bengkulu",
        starts_at=at(6),
        ends_at=at(6, hour=11),
        segments=["warganet"],
    )

    stored = OutreachEvent.objects.get(pk=event.pk)
    assert (stored.region_id, stored.regency_code, stored.district_code, stored.village_code) == (
        "17.02.01",
        "17.02",
        "17.02.01",
        "",
    )
    assert (stored.title, stored.slug, stored.method, stored.is_face_to_face) == (
        "Forum pindah",
        "forum-pindah",
        "radio",
        False,
    )
    assert (stored.channel, stored.starts_at, stored.local_date) == (
        "RRI Bengkulu",
        at(6),
        at(6).date(),
    )
    assert (stored.segments, stored.sequence) == (["warganet"], 1)


def test_event_status_change_transitions(event):
    cancelled = event_status_change(actor=None, event=event, status="cancelled", note="Hujan")
    assert (cancelled.status, cancelled.cancel_note, cancelled.sequence) == (
        "cancelled",
        "Hujan",
        1,
    )
    republished = event_status_change(actor=None, event=event, status="published")
    assert (republished.cancel_note, republished.sequence) == ("", 2)
    # Marking a future event as held is refused.
    with pytest.raises(ValidationError):
        event_status_change(actor=None, event=event, status="done")


def test_event_status_change_refuses_draft_to_cancelled(draft):
    with pytest.raises(ValidationError):
        event_status_change(actor=None, event=draft, status="cancelled")


def test_published_event_cannot_go_back_to_draft(event):
    # Subscribed calendars only learn of a withdrawal through STATUS:CANCELLED in the feed.
    with pytest.raises(ValidationError) as exc:
        event_status_change(actor=None, event=event, status="draft")
    assert "status" in exc.value.message_dict
    event.refresh_from_db()
    assert event.status == "published"


def test_event_report_save_marks_done(bengkulu):
    past = factories.outreach_event("17.01.01.2002", when=at(-2))
    report = event_report_save(
        actor=None, event=past, participants=50, women=20, people_with_disabilities=2,
        first_time_voters=10, notes="Ramai",
    )  # fmt: skip
    past.refresh_from_db()
    assert (past.status, report.participants, report.women) == ("done", 50, 20)


def test_event_report_save_rejects_more_women_than_participants(bengkulu):
    past = factories.outreach_event("17.01.01.2002", when=at(-2))
    with pytest.raises(ValidationError):
        event_report_save(actor=None, event=past, participants=5, women=6)


def test_event_report_save_rejects_future_event(event):
    with pytest.raises(ValidationError):
        event_report_save(actor=None, event=event, participants=5)


def test_event_delete_only_drafts(event, draft):
    with pytest.raises(ValidationError):
        event_delete(actor=None, event=event)
    event_delete(actor=None, event=draft)
    assert not OutreachEvent.objects.filter(pk=draft.pk).exists()


def test_event_duplicate_keeps_local_time_in_each_zone(event):
    factories.region_tree("73", timezone_name="Asia/Makassar")
    day = dt.date(2030, 1, 7)
    # A province-level organiser works only in its own province; duplicate within Bengkulu.
    copies = event_duplicate(
        actor=None,
        event=event,
        regions=Region.objects.filter(code__in=["17.01.02.2001", "17.02.01"]),
        dates=[day, day + dt.timedelta(days=1)],
    )
    assert len(copies) == 4
    assert {c.status for c in copies} == {"draft"}
    first = min(copies, key=lambda c: (c.region_id, c.starts_at))
    local = first.starts_at.astimezone(ZoneInfo("Asia/Jakarta"))
    assert (local.date(), local.hour, first.ends_at - first.starts_at) == (
        day,
        9,
        dt.timedelta(hours=2),
    )


def test_event_duplicate_outside_scope_is_refused(regency_staff, event):
    with pytest.raises(PermissionDenied):
        event_duplicate(
            actor=regency_staff,
            event=event,
            regions=[Region.objects.get(code="17.02.01")],
            dates=[dt.date(2030, 1, 7)],
        )
