"""Other apps add to the dashboard, the meeting page and the digests through coordination's
extension slots, without coordination importing them."""

import copy
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.template import engines
from django.urls import reverse

from coordination import extensions
from coordination.enums import AgencyKind
from coordination.models import Region
from coordination.notifications.digests import digests_send_due
from tests import factories

# The next Monday, 07:00 WIB: ahead of the real clock, so its digest is still worth sending.
MONDAY = datetime.now(UTC).date() + timedelta(days=7 - datetime.now(UTC).date().weekday())
MONDAY_7_WIB = datetime.combine(MONDAY, time(0), tzinfo=UTC)


@pytest.fixture
def slots(monkeypatch, tmp_path, settings):
    """Fresh providers for every slot, and a template folder for their sections."""
    monkeypatch.setattr(extensions, "_PROVIDERS", extensions.defaultdict(list))
    (tmp_path / "ext").mkdir()
    for name, body in {
        "ext/meeting.html": "<p>Risiko di agenda: {{ section.count }}</p>",
        "ext/daily.txt": "Tinjau risiko: {{ section.title }}",
        "ext/daily.html": "<p>Tinjau risiko: {{ section.title }}</p>",
    }.items():
        (tmp_path / name).write_text(body)
    engine = copy.deepcopy(settings.TEMPLATES[0])
    engine["DIRS"] = [*engine["DIRS"], tmp_path]
    settings.TEMPLATES = [engine]
    engines._engines = {}  # the template engines are rebuilt with the extra folder
    yield extensions
    engines._engines = {}


def test_an_unknown_slot_is_refused(slots):
    with pytest.raises(ValueError):
        slots.contribute("dashboard.nowhere", lambda **kwargs: None)


def test_dashboard_shows_a_registered_column_per_region(client, province_staff, slots):
    seen = []

    def risks(*, user, region_codes):
        seen.append((user.pk, sorted(region_codes)))
        return slots.DashboardColumn(
            label="Risiko tinggi", cells={"17.01": (3, "/kerawanan/?wilayah=17.01")}
        )

    slots.contribute(slots.DASHBOARD_REGION_COLUMNS, risks)
    client.force_login(province_staff)
    response = client.get(reverse("coordination:dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert seen == [(province_staff.pk, ["17.01", "17.02"])]
    assert '<a href="/kerawanan/?wilayah=17.01">3</a>' in body
    assert "Risiko tinggi" in body


def test_meeting_page_shows_a_registered_section(client, province_staff, bengkulu, slots):
    meeting = factories.MeetingFactory(region=bengkulu)
    slots.contribute(
        slots.MEETING_SECTIONS,
        lambda *, user, meeting: slots.Section("ext/meeting.html", {"count": 2}),
    )
    client.force_login(province_staff)
    body = client.get(reverse("coordination:meeting_detail", args=[meeting.pk])).content.decode()
    assert "<p>Risiko di agenda: 2</p>" in body


def test_a_section_alone_makes_a_daily_digest(bengkulu, slots, django_capture_on_commit_callbacks):
    polres = factories.AgencyFactory(kind=AgencyKind.POLRI, region=Region.objects.get(code="17.01"))
    liaison = factories.liaison(polres, email="polres@uji.test")
    slots.contribute(
        slots.DIGEST_DAILY_RECIPIENTS,
        lambda *, zone, today: [liaison.pk] if zone == "Asia/Jakarta" else [],
    )
    slots.contribute(
        slots.DIGEST_DAILY_SECTIONS,
        lambda *, person, today: (
            slots.Section("ext/daily", {"title": "Banjir di TPS 3"}) if today == MONDAY else None
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send_due(now=MONDAY_7_WIB)["daily"] == 1
    (message,) = mail.outbox
    assert message.to == ["polres@uji.test"]
    assert "Tinjau risiko: Banjir di TPS 3" in message.body
    assert "<p>Tinjau risiko: Banjir di TPS 3</p>" in message.alternatives[0].content
