"""The integration API in `bench_run`: the readiness task list and the incident list read with an
agency's API key (cursor pagination; the task list's and the desk's selectors for the key's
agency), at the busiest places of the dataset, beside the web pages they mirror."""

import datetime as dt
from collections.abc import Callable

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from benchmarks.data.national.constants import BENCH_EMAIL_DOMAIN
from benchmarks.runner.pages import NotAvailable, Picks, Request, url
from coordination.enums import AgencyKind
from coordination.models import Agency, Person

_TOKENS: dict[tuple[str, int], str] = {}


def _token(agency: Agency) -> str:
    """A read key of `agency`, made once per database. Its account is renamed into the dataset's
    mail domain, so `bench_data` still counts every account as its own (and its TRUNCATE ...
    CASCADE takes the key along with the agencies)."""
    from api.enums import Scope
    from api.services.keys import api_key_create

    cache_key = (connection.settings_dict["NAME"], agency.pk)
    if cache_key not in _TOKENS:
        new = api_key_create(
            actor=None,
            agency=agency,
            name="bench",
            scopes=[Scope.TASKS_READ, Scope.INCIDENTS_READ],
            expires_at=timezone.now() + dt.timedelta(days=1),
        )
        Person.objects.filter(pk=new.key.principal_id).update(
            email=f"kunci-{new.key.prefix}@{BENCH_EMAIL_DOMAIN}"
        )
        _TOKENS[cache_key] = new.token
    return _TOKENS[cache_key]


def _with_key(path: str, agency: Agency) -> Request:
    return Request(path, headers={"HTTP_AUTHORIZATION": f"Bearer {_token(agency)}"})


def _busiest_incident_agency() -> Agency:
    from insiden.models import Incident

    row = Incident.objects.values("agency").annotate(n=Count("pk")).order_by("-n", "agency").first()
    if row is None:
        raise NotAvailable("no incidents in the database (bench_data makes them)")
    return Agency.objects.get(pk=row["agency"])


def _province_kpu_of(agency: Agency) -> Agency:
    kpu = Agency.objects.filter(kind=AgencyKind.KPU, region_id=agency.region_id[:2]).first()
    if kpu is None:
        raise NotAvailable(f"no KPU office of province {agency.region_id[:2]}")
    return kpu


def api_page_requests(picks: Picks) -> list[tuple[str, str, str, Callable[[], Request]]]:
    def busiest() -> Agency:
        return _busiest_incident_agency()

    return [
        (
            "api_task_list",
            "API: task list with the key of the agency with the most tasks",
            "api:task-list",
            lambda: _with_key(url("api:task-list"), picks.task_agency),
        ),
        (
            "api_incident_list_agency",
            "API: incident list with the key of the agency with the most incidents",
            "api:incident-list",
            lambda: _with_key(url("api:incident-list"), busiest()),
        ),
        (
            "api_incident_list_province",
            "API: incident list with the key of that province's KPU office",
            "api:incident-list",
            lambda: _with_key(url("api:incident-list"), _province_kpu_of(busiest())),
        ),
        (
            "api_incident_list_filtered",
            "API: open incidents of one kabupaten (province KPU key)",
            "api:incident-list",
            lambda: _with_key(
                url("api:incident-list", query=f"region={busiest().region_id[:5]}&open=true"),
                _province_kpu_of(busiest()),
            ),
        ),
    ]
