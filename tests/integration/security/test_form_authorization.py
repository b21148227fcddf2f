"""Authorization through every form field: for each form a role can post (tests/security/
forms.py), one choice, hidden or id field at a time gets a value outside the role's scope:
every listed value once, and then Hypothesis mixes them with any id, code or word, in one field
or two. The answer must be a clear refusal (a form error on the page, or 403/404) and the
database must not change.

`make test` runs a fixed, derandomized sample of the property (PILKADA_PROPERTY_EXAMPLES per
form, default 6); `make fuzz` runs more.
"""

import os

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.security.forms import CASES

EXAMPLES = int(os.environ.get("PILKADA_PROPERTY_EXAMPLES", "6"))
# Every table a form could write; the person table is left out (a login stamps last_login).
WATCHED = [
    "coordination.Meeting",
    "coordination.MeetingInvitee",
    "coordination.MeetingSeries",
    "coordination.MeetingReminder",
    "coordination.MeetingDocument",
    "coordination.ReadinessTask",
    "coordination.TaskUpdate",
    "coordination.Agency",
    "coordination.Membership",
    "coordination.Invitation",
    "coordination.Checklist",
    "coordination.ChecklistItem",
    "coordination.ReminderDefault",
    "coordination.Delivery",
    "coordination.Region",
    "outreach.OutreachEvent",
    "outreach.EventReport",
    "outreach.OutreachRequest",
    "insiden.Incident",
    "insiden.IncidentHistory",
]
CONTEXT_FORMS = (
    "form",
    "formset",
    "actions_formset",
    "rsvp_form",
    "attendance_form",
    "accept_form",
    "propose_form",
    "decline_form",
)
CONTEXT_REPORTS = ("report", "result")


def database_state() -> dict:
    return {
        name: list(apps.get_model(name).objects.order_by("pk").values_list()) for name in WATCHED
    }


def refusal(response) -> str:
    """What told the person no ("" when nothing did)."""
    if response.status_code in (403, 404):
        return str(response.status_code)
    context = response.context or {}
    for name in CONTEXT_FORMS:
        form = context.get(name) if name in context else None
        if form is None:
            continue
        if hasattr(form, "non_form_errors"):
            if form.total_error_count():
                return f"{name} errors"
        elif form.errors:
            return f"{name} errors: {sorted(form.errors)}"
    for name in CONTEXT_REPORTS:
        report = context.get(name) if name in context else None
        if report is not None and getattr(report, "errors", None):
            return f"{name} errors"
    if response.status_code == 302:
        errors = [m for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
        if errors:
            return "error message"
    return ""


def shown(value) -> str:
    if hasattr(value, "read"):
        value.seek(0)
        text = value.read().decode(errors="replace")
        value.seek(0)
        return f"<file {text!r}>"
    return repr(value)


def _post(client, world, case, body):
    client.force_login(world.people[case.role])
    return client.post(case.url(world), body)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_form_accepts_its_in_scope_body(client, world, case):
    """The bodies are valid: a refusal below comes from the replaced field, nothing else."""
    before = database_state()
    response = _post(client, world, case, case.body(world))
    # A redirect, or (checklist stamping) the page with what was made.
    assert response.status_code in (200, 302), case.name
    assert refusal(response) == "", case.name
    assert database_state() != before, f"{case.name}: the valid body changed nothing"


def _check(client, world, case, changes: dict) -> str:
    """The problem with posting the case's body changed by `changes` ("" when refused)."""
    body = {**case.body(world), **changes}
    client.force_login(world.people[case.role])
    before = database_state()
    response = client.post(case.url(world), body)
    shown_changes = ", ".join(f"{k}={shown(v)}" for k, v in changes.items())
    if response.status_code >= 500:
        return f"{case.name}: {shown_changes} answered {response.status_code}"
    if not refusal(response):
        return f"{case.name}: {shown_changes} was not refused ({response.status_code})"
    if database_state() != before:
        return f"{case.name}: {shown_changes} changed the database"
    return ""


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_out_of_scope_value_is_refused(client, world, case):
    problems = [
        _check(client, world, case, {field: value})
        for field, values in sorted(case.outside.items())
        for value in values(world)
    ]
    assert [p for p in problems if p] == []


# Values no row can have: ids beyond any key or below one, codes of provinces that do not
# exist, words that are no number. Each must be refused like an out-of-scope value.
NO_ID = (st.integers(min_value=10**12, max_value=2**63 - 1) | st.integers(max_value=0)).map(str)
NO_CODE = st.from_regex(r"9[0-9](\.[0-9]{2}){0,3}", fullmatch=True)
NO_WORD = st.text(min_size=1, max_size=30).filter(
    lambda t: not t.strip().replace(".", "").isdigit()
)


def _any_value(world, case, field):
    """An out-of-scope value of the field, or a value no row can have."""
    listed = case.outside[field](world)
    if any(hasattr(v, "read") for v in listed):
        return st.sampled_from(listed)  # a CSV: its rows are the listed variants
    if any(isinstance(v, list) for v in listed):
        return st.sampled_from(listed) | st.lists(NO_ID | NO_CODE, min_size=1, max_size=4)
    return st.sampled_from(listed) | NO_ID | NO_CODE | NO_WORD


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_out_of_scope_values_in_form_fields_are_refused(client, world, case, data):
    fields = data.draw(
        st.lists(st.sampled_from(sorted(case.outside)), min_size=1, max_size=2, unique=True),
        label="fields",
    )
    changes = {field: data.draw(_any_value(world, case, field), label=field) for field in fields}
    assert _check(client, world, case, changes) == ""
