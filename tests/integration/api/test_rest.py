"""The REST resources: who reads what (the web's selectors and predicates), scopes, the status
update through coordination's service, problem details, ETags, idempotency and rate limits."""

import pytest
from rest_framework.test import APIClient

from api.enums import Scope
from coordination.enums import TaskStatus
from coordination.models import TaskUpdate
from tests.integration.api.conftest import key_client, make_key

PROBLEM = "application/problem+json"


def ids(response) -> list:
    assert response.status_code == 200, response.content
    return [row.get("id", row.get("code")) for row in response.json()["results"]]


# --- public resources ---------------------------------------------------------------------------


def test_regions_are_public_provinces_first_then_children(api_world):
    client = APIClient()
    assert ids(client.get("/api/v1/regions/")) == ["17"]
    assert ids(client.get("/api/v1/regions/", {"parent": "17"})) == ["17.01", "17.02"]
    detail = client.get("/api/v1/regions/17.01/")
    assert detail.status_code == 200
    assert detail.json() == {
        "code": "17.01",
        "name": "Kabupaten 17.01",
        "level": 2,
        "parent": "17",
        "timezone": "Asia/Jakarta",
        "is_remote": False,
    }


def test_region_filter_out_of_bounds_is_a_problem(api_world):
    response = APIClient().get("/api/v1/regions/", {"level": "9", "parent": "x"})
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 400 and sorted(body["errors"]) == ["level", "parent"]


def test_events_show_the_open_data_record_and_never_a_draft(api_world):
    from outreach.feeds import event_record

    client = APIClient()
    listed = client.get("/api/v1/events/")
    assert ids(listed) == [api_world.event.pk]
    assert listed.json()["results"][0] == event_record(api_world.event)
    assert client.get(f"/api/v1/events/{api_world.draft.pk}/").status_code == 404
    assert ids(client.get("/api/v1/events/", {"kab": "17.02"})) == []
    assert client.get("/api/v1/events/", {"metode": "nonsense"}).status_code == 400


def test_anonymous_gets_401_with_problem_on_every_private_resource(api_world):
    client = APIClient()
    for path in ("agencies", "meetings", "tasks", "risks"):
        response = client.get(f"/api/v1/{path}/")
        assert response.status_code == 401, path
        assert response["Content-Type"] == PROBLEM
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_unknown_and_malformed_keys_are_refused(api_world):
    for token in ("pk_nothere1_" + "x" * 43, "garbage", api_world.liaison_key.token + "x"):
        response = key_client(token).get("/api/v1/tasks/")
        assert response.status_code == 401, token


# --- scope: the web's rules -----------------------------------------------------------------------


def test_liaison_key_reads_as_the_agency_liaison(api_world):
    w = api_world
    client = key_client(w.liaison_key.token)
    assert ids(client.get("/api/v1/tasks/")) == [w.task.pk]
    assert client.get(f"/api/v1/tasks/{w.task_other.pk}/").status_code == 404
    assert ids(client.get("/api/v1/meetings/")) == [w.meeting.pk]
    assert client.get(f"/api/v1/meetings/{w.meeting_other.pk}/").status_code == 404
    assert ids(client.get("/api/v1/agencies/")) == [w.bawaslu.pk]
    assert ids(client.get("/api/v1/risks/")) == [w.risk.pk]
    assert client.get(f"/api/v1/risks/{w.risk_other.pk}/").status_code == 404


def test_kpu_key_reads_its_regency_only(api_world):
    w = api_world
    client = key_client(w.kpu_key.token)
    assert ids(client.get("/api/v1/tasks/")) == [w.task.pk]
    assert sorted(ids(client.get("/api/v1/agencies/"))) == sorted([w.kpu.pk, w.bawaslu.pk])
    assert client.get(f"/api/v1/agencies/{w.polres_other.pk}/").status_code == 404
    assert client.get(f"/api/v1/tasks/{w.task_other.pk}/").status_code == 404
    assert b"RAHASIA" not in client.get("/api/v1/meetings/", {"when": "all"}).content


def test_session_person_reads_as_on_the_web(api_world):
    client = APIClient()
    client.force_login(api_world.liaison)
    assert ids(client.get("/api/v1/tasks/")) == [api_world.task.pk]


def test_meeting_detail_has_invitations_and_answers(api_world):
    w = api_world
    response = key_client(w.liaison_key.token).get(f"/api/v1/meetings/{w.meeting.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["invited_agencies"] == sorted([w.kpu.pk, w.bawaslu.pk])
    assert {row["person"] for row in body["invitees"]} == {w.staff.full_name, w.liaison.full_name}
    assert body["responses"] == {"pending": 2, "accepted": 0, "declined": 0, "delegated": 0}


@pytest.mark.parametrize(
    "path,scope",
    [
        ("agencies", Scope.AGENCIES_READ),
        ("meetings", Scope.MEETINGS_READ),
        ("tasks", Scope.TASKS_READ),
        ("risks", Scope.RISKS_READ),
    ],
)
def test_each_read_needs_its_scope(api_world, path, scope):
    others = [s for s in Scope.values if not s.startswith(path)]
    without = make_key(api_world.bawaslu, scopes=others, name="tanpa")
    assert key_client(without.token).get(f"/api/v1/{path}/").status_code == 403
    with_scope = make_key(api_world.bawaslu, scopes=[scope], name="dengan")
    assert key_client(with_scope.token).get(f"/api/v1/{path}/").status_code == 200


def test_revoked_and_expired_keys_are_refused(api_world):
    import datetime as dt

    from django.utils import timezone

    from api.models import ApiKey
    from api.services.keys import api_key_revoke

    w = api_world
    api_key_revoke(actor=w.staff, key=w.liaison_key.key)
    assert key_client(w.liaison_key.token).get("/api/v1/tasks/").status_code == 401
    ApiKey.objects.filter(pk=w.kpu_key.key.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert key_client(w.kpu_key.token).get("/api/v1/tasks/").status_code == 401


# --- task status: the web's service -------------------------------------------------------------


def test_status_update_goes_through_the_task_service(api_world):
    w = api_world
    client = key_client(w.liaison_key.token)
    response = client.post(
        f"/api/v1/tasks/{w.task.pk}/status/",
        {"status": "at_risk", "progress": 40, "note": "Kotak suara belum tiba"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "at_risk" and response.json()["progress"] == 40
    entry = TaskUpdate.objects.get(task=w.task)
    assert (entry.author, entry.from_status, entry.to_status, entry.note) == (
        w.liaison_key.key.principal,
        TaskStatus.NOT_STARTED,
        TaskStatus.AT_RISK,
        "Kotak suara belum tiba",
    )


def test_status_update_validation_is_the_services(api_world):
    w = api_world
    response = key_client(w.liaison_key.token).post(
        f"/api/v1/tasks/{w.task.pk}/status/", {"status": "blocked"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["note"]


def test_status_update_denials(api_world):
    w = api_world
    read_only = make_key(w.bawaslu, scopes=[Scope.TASKS_READ], name="baca")
    body = {"status": "in_progress"}
    url = f"/api/v1/tasks/{w.task.pk}/status/"
    assert key_client(read_only.token).post(url, body, format="json").status_code == 403
    other = f"/api/v1/tasks/{w.task_other.pk}/status/"
    assert key_client(w.liaison_key.token).post(other, body, format="json").status_code == 404
    assert APIClient().post(url, body, format="json").status_code == 401
    assert TaskUpdate.objects.count() == 0


def test_status_update_with_idempotency_key_writes_once(api_world):
    w = api_world
    client = key_client(w.liaison_key.token)
    url = f"/api/v1/tasks/{w.task.pk}/status/"
    first = client.post(url, {"status": "in_progress", "progress": 10}, format="json",
                        HTTP_IDEMPOTENCY_KEY="satu")  # fmt: skip
    again = client.post(url, {"status": "in_progress", "progress": 10}, format="json",
                        HTTP_IDEMPOTENCY_KEY="satu")  # fmt: skip
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert TaskUpdate.objects.filter(task=w.task).count() == 1
    reused = client.post(url, {"status": "done"}, format="json", HTTP_IDEMPOTENCY_KEY="satu")
    assert reused.status_code == 422 and reused["Content-Type"] == PROBLEM
    assert TaskUpdate.objects.filter(task=w.task).count() == 1


# --- HTTP behaviour -----------------------------------------------------------------------------


def test_etag_answers_304_to_a_client_that_has_the_page(api_world):
    client = key_client(api_world.liaison_key.token)
    first = client.get("/api/v1/tasks/")
    etag = first["ETag"]
    assert client.get("/api/v1/tasks/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]


def test_pagination_is_a_cursor_with_a_bounded_limit(api_world, settings):
    settings.PILKADA_API_MAX_PAGE_SIZE = 1
    client = APIClient()
    first = client.get("/api/v1/regions/", {"parent": "17", "limit": "500"})
    assert ids(first) == ["17.01"]
    following = client.get(first.json()["next"])
    assert ids(following) == ["17.02"] and following.json()["next"] is None


def test_rate_limit_per_key_answers_429_with_retry_after(api_world, settings):
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], key="2/min")
    settings.REST_FRAMEWORK = dict(settings.REST_FRAMEWORK, DEFAULT_THROTTLE_RATES=rates)
    client = key_client(api_world.liaison_key.token)
    other = key_client(api_world.kpu_key.token)
    assert [client.get("/api/v1/tasks/").status_code for _ in range(3)] == [200, 200, 429]
    limited = client.get("/api/v1/tasks/")
    assert limited["Content-Type"] == PROBLEM and int(limited["Retry-After"]) > 0
    assert other.get("/api/v1/tasks/").status_code == 200


def test_key_use_is_recorded(api_world):
    key = api_world.liaison_key.key
    key_client(api_world.liaison_key.token).get("/api/v1/tasks/", REMOTE_ADDR="10.1.2.3")
    key.refresh_from_db()
    assert key.last_used_ip == "10.1.2.3" and key.last_used_at is not None


def test_schema_is_openapi_31_and_docs_come_from_the_portal(api_world):
    client = APIClient()
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["openapi"] == "3.1.0"
    for path in ("/api/v1/docs/", "/api/v1/redoc/"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert b"cdn." not in page.content and b"/static/drf_spectacular_sidecar/" in page.content
        assert "'unsafe-inline'" in page["Content-Security-Policy"]
    script = client.get("/api/v1/docs/", {"script": ""})
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/api/v1/"),
        ("get", "/api/v1/tidak-ada/"),
        ("post", "/api/v1/tasks/1/tidak-ada/"),
        ("delete", "/api/v1/regions"),
    ],
)
def test_an_address_without_a_resource_is_a_404_problem(api_world, method, path):
    response = getattr(APIClient(), method)(path)
    assert (response.status_code, response["Content-Type"]) == (404, "application/problem+json")
    assert response.json()["title"] == "Not found"
