"""Server-side time and SQL query count of each page, in process through the Django test Client.

Each page is named by its URL name; a page whose URL name does not resolve on this branch is
reported as not available rather than replaced by something else. The cache is emptied first, so
the first request of each page is a cold one; then come the warm runs (whatever the page caches is
in the cache) and the uncached runs (the cache is emptied before each request).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.apps import apps
from django.core.cache import cache
from django.db import connection, reset_queries
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from benchmarks.data.national import BENCH_EMAIL_DOMAIN
from benchmarks.runner.stats import median, percentile
from coordination.enums import AgencyKind, Role, TaskStatus
from coordination.models import Agency, Membership, Person, ReadinessTask

HOST = "127.0.0.1"


class NotAvailable(Exception):
    """The page (or the data it needs) is not on this branch."""


@dataclass
class Request:
    path: str
    user: Person | None = None
    method: str = "get"
    data: Callable[[int], dict] | None = None  # POST body for run number n
    expect: tuple[int, ...] = (200,)
    prepare: Callable[[], None] | None = None  # run before each request, not timed
    headers: dict[str, str] | None = None  # WSGI environ keys, e.g. HTTP_AUTHORIZATION


@dataclass
class PageResult:
    key: str
    label: str
    url_name: str
    path: str = ""
    available: bool = True
    reason: str = ""
    cold_ms: float = 0.0
    cold_queries: int = 0
    warm_queries: int = 0
    median_ms: float = 0.0
    p95_ms: float = 0.0
    uncached_median_ms: float = 0.0
    uncached_p95_ms: float = 0.0
    uncached_best_ms: float = 0.0
    runs: int = 0
    samples: list[float] = field(default_factory=list, repr=False)
    uncached_samples: list[float] = field(default_factory=list, repr=False)


def empty_caches() -> None:
    """The shared cache, and the copies of bodies public pages keep in this process."""
    cache.clear()
    try:
        from outreach.http import local_bodies_clear
    except ImportError:
        return
    local_bodies_clear()


def url(name: str, *args, query: str = "") -> str:
    try:
        path = reverse(name, args=args)
    except NoReverseMatch as exc:
        raise NotAvailable(f"URL name `{name}` is not on this branch") from exc
    return f"{path}?{query}" if query else path


class Picks:
    """The concrete regions, events, people and tasks the pages are measured with.

    Chosen by size (the busiest kabupaten, the agency with the most tasks) so each page shows
    the worst realistic case of the dataset, and deterministically for a given dataset.
    """

    @cached_property
    def event_model(self):
        try:
            return apps.get_model("outreach", "OutreachEvent")
        except LookupError as exc:
            raise NotAvailable("the outreach models are not on this branch") from exc

    @cached_property
    def busiest_regency(self) -> str:
        row = (
            self.event_model.objects.exclude(regency_code="")
            .values("regency_code")
            .annotate(n=Count("id"))
            .order_by("-n", "regency_code")
            .first()
        )
        if row is None:
            raise NotAvailable("no outreach events in the database")
        return row["regency_code"]

    @cached_property
    def event(self):
        events = self.event_model.objects.filter(status="published").order_by("starts_at", "id")
        event = events.filter(local_date__gte=timezone.localdate()).first() or events.first()
        if event is None:
            raise NotAvailable("no published outreach event")
        return event

    @cached_property
    def task_agency(self) -> Agency:
        agency = (
            Agency.objects.exclude(kind=AgencyKind.KPU)
            .annotate(n=Count("readiness_tasks"))
            .order_by("-n", "id")
            .first()
        )
        if agency is None:
            raise NotAvailable("no agencies (run bench_data first)")
        return agency

    @cached_property
    def liaison(self) -> Person:
        membership = (
            Membership.objects.filter(agency=self.task_agency, role=Role.LIAISON)
            .select_related("person")
            .first()
        )
        if membership is None:
            raise NotAvailable("no liaison (run bench_data first)")
        return membership.person

    @cached_property
    def task(self) -> ReadinessTask:
        task = (
            self.task_agency.readiness_tasks.exclude(status=TaskStatus.DONE).order_by("id").first()
        )
        if task is None:
            raise NotAvailable("no open readiness task")
        return task

    def staff_of(self, region_code: str) -> Person:
        membership = (
            Membership.objects.filter(
                agency__region_id=region_code, agency__kind=AgencyKind.KPU, role=Role.KPU_STAFF
            )
            .select_related("person")
            .order_by("id")
            .first()
        )
        if membership is None:
            raise NotAvailable(f"no KPU staff for region {region_code}")
        return membership.person

    @cached_property
    def busiest_province(self) -> str:
        row = (
            ReadinessTask.objects.values("region__code")
            .order_by()
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        return (row or {"region__code": "17"})["region__code"][:2]

    @cached_property
    def national_admin(self) -> Person:
        person, _ = Person.objects.get_or_create(
            email=f"nasional@{BENCH_EMAIL_DOMAIN}",
            defaults={
                "full_name": "Admin Nasional (benchmark)",
                "password": "!bench-no-password",
                "is_superuser": True,
                "is_staff": True,
            },
        )
        return person


def _status_update_body(run: int) -> dict:
    # Alternate so every post is a real change that lands in the history.
    if run % 2:
        return {"status": TaskStatus.AT_RISK, "progress": 40, "note": f"Benchmark {run}"}
    return {"status": TaskStatus.IN_PROGRESS, "progress": 45, "note": f"Benchmark {run}"}


def _publish_elsewhere() -> None:
    """What any publication does to the public caches: a new counter, so every feed's body is
    rebuilt (the events' own cached entries stay)."""
    from django.db import transaction

    from outreach.services.publication import publication_bump

    with transaction.atomic():
        publication_bump()


def page_requests(picks: Picks) -> list[tuple[str, str, str, Callable[[], Request]]]:
    """(key, label, URL name, request builder) of every measured page."""
    today = timezone.localdate()

    def regency() -> str:
        return picks.busiest_regency

    return [
        (
            "trivial",
            "Trivial view (reference: middleware only)",
            "robots_txt",
            lambda: Request(url("robots_txt")),
        ),
        (
            "calendar_month",
            "Public calendar, month",
            "outreach:calendar_month",
            lambda: Request(url("outreach:calendar_month", today.year, today.month)),
        ),
        (
            "calendar_list",
            "Public calendar, list",
            "outreach:calendar",
            lambda: Request(url("outreach:calendar")),
        ),
        (
            "calendar_filtered",
            "Public calendar, list filtered by kabupaten and method",
            "outreach:calendar",
            lambda: Request(url("outreach:calendar", query=f"kab={regency()}&metode=forum_warga")),
        ),
        (
            "event_page",
            "Event page",
            "outreach:event_detail",
            lambda: Request(url("outreach:event_detail", picks.event.pk, picks.event.slug)),
        ),
        (
            "region_feed",
            "iCalendar feed of one kabupaten",
            "outreach:region_feed_ics",
            lambda: Request(url("outreach:region_feed_ics", regency())),
        ),
        (
            "region_feed_republished",
            "iCalendar feed of one kabupaten, after a publication elsewhere",
            "outreach:region_feed_ics",
            lambda: Request(url("outreach:region_feed_ics", regency()), prepare=_publish_elsewhere),
        ),
        (
            "coverage_regency",
            "Coverage of one kabupaten (KPU staff)",
            "outreach:coverage_regency",
            lambda: Request(
                url("outreach:coverage_regency", regency()), user=picks.staff_of(regency()[:2])
            ),
        ),
        (
            "dashboard_province",
            "Readiness dashboard, province (KPU staff)",
            "coordination:dashboard",
            lambda: Request(
                url("coordination:dashboard"), user=picks.staff_of(picks.busiest_province)
            ),
        ),
        (
            "dashboard_national",
            "Readiness dashboard, national summary (administrator)",
            "coordination:dashboard",
            lambda: Request(url("coordination:dashboard"), user=picks.national_admin),
        ),
        (
            "task_list",
            "Task list of a liaison",
            "coordination:task_list",
            lambda: Request(url("coordination:task_list"), user=picks.liaison),
        ),
        (
            "task_status_update",
            "Task status update (POST)",
            "coordination:task_detail",
            lambda: Request(
                url("coordination:task_detail", picks.task.pk),
                user=picks.liaison,
                method="post",
                data=_status_update_body,
                expect=(302,),
            ),
        ),
    ]


def measure_pages(
    *,
    runs: int,
    log: Callable[[str], None],
    only: set[str] = frozenset(),
    more: tuple[Callable[[Picks], list], ...] = (),
) -> list[PageResult]:
    """Every page, or the pages named in `only` (their keys) and the trivial view. `more` adds
    the pages of other apps (each a function of the picks, as `risks.risk_page_requests`), so
    their modules build on this one without this one importing them."""
    picks = Picks()
    empty_caches()
    results = []
    for key, label, url_name, build in all_page_requests(picks, more):
        if only and key not in only | {"trivial"}:
            continue
        results.append(measure_page(key, label, url_name, build, runs=runs, log=log))
    return results


def all_page_requests(picks: Picks, more: tuple[Callable[[Picks], list], ...] = ()) -> list:
    return page_requests(picks) + [page for pages in more for page in pages(picks)]


def measure_page(
    key: str,
    label: str,
    url_name: str,
    build: Callable[[], Request],
    *,
    runs: int,
    log: Callable[[str], None],
) -> PageResult:
    """One page: a cold request, `runs` warm ones, `runs` with the cache emptied before each."""
    result = PageResult(key=key, label=label, url_name=url_name)
    try:
        request = build()
    except NotAvailable as exc:
        result.available, result.reason = False, str(exc)
        log(f"{label}: not available ({exc})")
        return result
    result.path = request.path
    client = Client(HTTP_HOST=HOST, **(request.headers or {}))
    if request.user is not None:
        client.force_login(request.user)
    send = getattr(client, request.method)

    def once(run: int) -> tuple[float, int]:
        """(ms, SQL queries) of one request; `prepare` is neither timed nor counted."""
        if request.prepare is not None:
            request.prepare()
        # The log keeps the last 9,000 queries: once full, a capture by position sees none.
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            if request.data is not None:
                response = send(request.path, request.data(run))
            else:
                response = send(request.path)
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code not in request.expect:
            raise NotAvailable(f"answered {response.status_code} at {request.path}")
        return elapsed, len(queries.captured_queries)

    try:
        result.cold_ms, result.cold_queries = once(0)
        for run in range(1, runs + 1):
            result.samples.append(once(run)[0])
        # The same request with an empty cache each time: what a filter combination or a
        # page nobody asked for since the last publication costs.
        for run in range(runs + 1, 2 * runs + 1):
            empty_caches()
            result.uncached_samples.append(once(run)[0])
        result.warm_queries = once(2 * runs + 1)[1]
    except NotAvailable as exc:
        result.available, result.reason = False, str(exc)
        log(f"{label}: failed ({exc})")
        return result
    result.runs = len(result.samples)
    result.median_ms = median(result.samples)
    result.p95_ms = percentile(result.samples, 0.95)
    result.uncached_median_ms = median(result.uncached_samples)
    result.uncached_p95_ms = percentile(result.uncached_samples, 0.95)
    result.uncached_best_ms = min(result.uncached_samples)
    log(
        f"{label}: median {result.median_ms:.1f} ms, p95 {result.p95_ms:.1f} ms; "
        f"uncached median {result.uncached_median_ms:.1f} ms, "
        f"p95 {result.uncached_p95_ms:.1f} ms; "
        f"queries {result.cold_queries} cold / {result.warm_queries} warm"
    )
    return result
