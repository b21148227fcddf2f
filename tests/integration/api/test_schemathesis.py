"""Schemathesis against the API's own OpenAPI schema, in this process over WSGI: for every
operation, as anonymous, a liaison's key and a KPU key, generated requests never answer a 5xx,
and every answer (problems included) matches the schema: status code, content type and body.

Then the stateful phase: scenarios that follow the schema's OpenAPI links (a report to its
incident, its acknowledgement and status; a page of tasks or incidents to the first row and its
status update) as each key, under the same checks.

`make test` generates PILKADA_API_FUZZ_EXAMPLES (6) requests per operation and caller (and as
many scenarios), with a fixed seed; `make fuzz` many more with a fresh seed."""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.generation.stateful import run_state_machine_as_test
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("PILKADA_API_FUZZ_EXAMPLES", "6"))
FRESH_SEED = os.environ.get("PILKADA_FUZZ_SEED", "") == "random"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CALLERS = ["anonymous", "liaison_key", "kpu_key"]


@pytest.fixture
def schema_and_app(settings):
    """The schema, and the portal's WSGI application inside the test's transaction: as Django's
    test client does, the handler must not close the database connection after each request
    (and no test client may run meanwhile: it connects the closing again when it is done)."""
    from django.core import signals
    from django.db import close_old_connections

    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
    schema = _schema()
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schema, get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _schema():
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(response.json())


@pytest.mark.parametrize("caller", CALLERS)
def test_every_operation_answers_as_its_schema_says(api_world, caller, schema_and_app):
    schema, app = schema_and_app
    headers = {}
    if caller != "anonymous":
        headers["Authorization"] = f"Bearer {getattr(api_world, caller).token}"
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 18
    for operation in operations:

        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=not FRESH_SEED,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(app=app, headers=headers, checks=CHECKS)

        try:
            check()
        except Exception as exc:  # one report for every operation that failed
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert failures == [], "\n\n".join(failures)


@pytest.mark.parametrize("caller", ["liaison_key", "kpu_key"])
def test_stateful_scenarios_follow_the_links_of_incidents_and_tasks(
    api_world, caller, schema_and_app
):
    from insiden.services.incidents import incident_create

    schema, app = schema_and_app
    # An incident both keys read (routed to the Bawaslu of 17.01), for the links to lead to.
    incident_create(
        actor=None,
        title="Amplop di TPS 1",
        category="politik_uang",
        severity=3,
        occurred_at=api_world.task.updated_at,
        region=api_world.regency,
    )
    linked = schema.include(path_regex=r"^/api/v1/(incidents|tasks)/")
    # Valid requests, as in the run above (a path outside the URL table is Django's own 404).
    linked.config.generation.update(modes=["positive"])
    # Every link of the schema (api.rest.schema.LINKS) is a transition the scenarios may take.
    links = linked.statistic.transitions
    assert (links.total, links.selected) == (10, 10)
    headers = {"Authorization": f"Bearer {getattr(api_world, caller).token}"}
    answered = []

    class Scenarios(linked.as_state_machine()):
        # Each scenario in a savepoint rolled back at its end: every scenario starts from the
        # same data, so Hypothesis can replay one to shrink it.
        def setup(self):
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()

        def teardown(self):
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        def get_call_kwargs(self, case):
            return {"app": app, "headers": headers}

        def after_call(self, response, case):
            answered.append((case.operation.label, response.status_code))

        def validate_response(self, response, case, **kwargs):
            case.validate_response(response, checks=CHECKS)

    run_state_machine_as_test(
        Scenarios,
        settings=hypothesis_settings(
            max_examples=4 * EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            database=None,
            derandomize=not FRESH_SEED,
            suppress_health_check=list(HealthCheck),
        ),
    )
    assert answered
