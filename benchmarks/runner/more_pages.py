"""Pages added to the measured list for the second national-scale round (issue #14): the meeting
lists, the agency scorecards, the liaison's history feed, the home page, and the public calendar's
later pages. Kept apart from pages.py so other additions do not collide with these."""

from collections.abc import Callable

from benchmarks.runner.pages import Picks, Request, url


def more_page_requests(picks: Picks) -> list[tuple[str, str, str, Callable[[], Request]]]:
    def province_staff():
        return picks.staff_of(picks.busiest_province)

    return [
        ("home", "Home page (template, no database)", "home", lambda: Request(url("home"))),
        (
            "calendar_list_page2",
            "Public calendar, list, second page",
            "outreach:calendar",
            lambda: Request(url("outreach:calendar", query="page=2")),
        ),
        (
            "meeting_list_superuser",
            "Meeting list, upcoming (superuser: every meeting)",
            "coordination:meeting_list",
            lambda: Request(url("coordination:meeting_list"), user=picks.national_admin),
        ),
        (
            "meeting_list_province",
            "Meeting list, upcoming (province KPU staff)",
            "coordination:meeting_list",
            lambda: Request(url("coordination:meeting_list"), user=province_staff()),
        ),
        (
            "meeting_list_past",
            "Meeting list, past (province KPU staff)",
            "coordination:meeting_list",
            lambda: Request(
                url("coordination:meeting_list", query="when=past"), user=province_staff()
            ),
        ),
        (
            "dashboard_agencies",
            "Agency scorecards of a province (KPU staff)",
            "coordination:dashboard_agencies",
            lambda: Request(url("coordination:dashboard_agencies"), user=province_staff()),
        ),
        (
            "dashboard_national_filtered",
            "Readiness dashboard, national summary, overdue Polri tasks (administrator)",
            "coordination:dashboard",
            lambda: Request(
                url("coordination:dashboard", query="agency_kind=polri&overdue=1"),
                user=picks.national_admin,
            ),
        ),
    ]
