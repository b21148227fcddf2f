"""Places where other apps add to coordination's pages and mail, without coordination importing
them: an app registers a provider for a slot in its `AppConfig.ready()`, and coordination asks
every registered provider when it builds the page or the digest.

Slots and what their providers are called with (each returns None when it has nothing to add):

- `DASHBOARD_REGION_COLUMNS`: `provider(*, user, region_codes)` -> `DashboardColumn`, one column
  of the readiness dashboard's "other registers" table (a value per row region: kabupaten/kota
  for province staff, kecamatan for regency staff), scoped to what `user` may see. One query per
  provider, whatever the number of rows.
- `MEETING_SECTIONS`: `provider(*, user, meeting)` -> `Section`, a block on the meeting page
  (rendered from `template` with `context`), scoped to what `user` may see.
- `TASK_SECTIONS`: `provider(*, user, task)` -> `Section`, a block on the readiness task page
  (a mitigation task links back to the risk it mitigates), scoped to what `user` may see.
- `DIGEST_DAILY_RECIPIENTS`: `provider(*, zone, today)` -> ids of people (liaisons in agencies of
  that time zone) who have something from the app today, so they get a daily digest even without
  a readiness task to mention.
- `DIGEST_DAILY_SECTIONS`: `provider(*, person, today)` -> `Section`, a block of a liaison's
  daily digest (`template` without extension: it is rendered with `.txt` and with `.html`).
- `DIGEST_WEEKLY_SECTIONS`: the same for the KPU staff's weekly summary.
- `PROFILE_SECTIONS`: `provider(*, user)` -> `Section`, a block on a person's own profile page
  (the chat accounts they linked and where their notifications go).

A section makes the digest worth sending even when the readiness tasks alone would not.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

DASHBOARD_REGION_COLUMNS = "dashboard.region_columns"
MEETING_SECTIONS = "meeting.sections"
TASK_SECTIONS = "task.sections"
DIGEST_DAILY_RECIPIENTS = "digest.daily_recipients"
DIGEST_DAILY_SECTIONS = "digest.daily_sections"
DIGEST_WEEKLY_SECTIONS = "digest.weekly_sections"
PROFILE_SECTIONS = "profile.sections"

SLOTS = (
    DASHBOARD_REGION_COLUMNS,
    MEETING_SECTIONS,
    TASK_SECTIONS,
    DIGEST_DAILY_RECIPIENTS,
    DIGEST_DAILY_SECTIONS,
    DIGEST_WEEKLY_SECTIONS,
    PROFILE_SECTIONS,
)


@dataclass(frozen=True)
class DashboardColumn:
    label: str
    # Region code -> (value shown, link to the filtered list or "").
    cells: dict[str, tuple[object, str]]
    help_text: str = ""


@dataclass(frozen=True)
class Section:
    template: str
    context: dict = field(default_factory=dict)


_PROVIDERS: dict[str, list[Callable]] = defaultdict(list)


def contribute(slot: str, provider: Callable) -> Callable:
    """Register `provider` for `slot` (once; registering it again changes nothing)."""
    if slot not in SLOTS:
        raise ValueError(f"unknown extension slot {slot!r}")
    if provider not in _PROVIDERS[slot]:
        _PROVIDERS[slot].append(provider)
    return provider


def contributions(slot: str, **kwargs) -> list:
    """What every provider of `slot` adds (providers with nothing to say are left out)."""
    results = (provider(**kwargs) for provider in _PROVIDERS[slot])
    return [result for result in results if result is not None]
