"""Every list and detail of the API costs the same number of queries at two sizes of data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tests.integration.api.conftest import key_client, risk


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(ctx.captured_queries)


def _grow(w, start: int, n: int) -> None:
    for i in range(start, start + n):
        agency = factories.AgencyFactory(region=w.regency, name=f"Lembaga {i}")
        meeting = factories.meeting(
            region=w.regency,
            organiser=w.kpu,
            invited=[w.kpu, w.bawaslu, agency],
            starts_at=timezone.now() + dt.timedelta(days=1 + i),
            title=f"Rapat {i}",
        )
        factories.invite(meeting, factories.PersonFactory(email=f"tamu{i}@uji.test"))
        factories.invite(w.meeting, factories.PersonFactory(email=f"tamu.b{i}@uji.test"))
        factories.ReadinessTaskFactory(region=w.regency, agency=w.bawaslu, title=f"Tugas {i}")
        risk(region=w.regency, owner=w.bawaslu, title=f"Kerawanan {i}")
        factories.outreach_event("17.01.01.2001", title=f"Sosialisasi {i}", partners=[agency])


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/regions/?parent=17",
        "/api/v1/events/",
        "/api/v1/agencies/",
        "/api/v1/meetings/",
        "/api/v1/tasks/",
        "/api/v1/risks/",
        "meeting-detail",
    ],
)
def test_api_query_count_does_not_grow(api_world, path):
    w = api_world
    client = key_client(w.kpu_key.token)
    url = f"/api/v1/meetings/{w.meeting.pk}/" if path == "meeting-detail" else path
    _grow(w, 0, 2)
    client.get(url)  # the key's last use is written once a minute: not part of the count
    small = _queries(client, url)
    _grow(w, 2, 6)
    assert _queries(client, url) == small
