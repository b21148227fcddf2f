"""Schemathesis against the API's own OpenAPI schema, in this process over WSGI: for every
operation, as anonymous, a liaison's key and a KPU key, generated requests never answer a 5xx,
and every answer (problems included) matches the schema: status code, content type and body.

`make test` generates PILKADA_API_FUZZ_EXAMPLES (6) requests per operation and caller, with a
fixed seed; `make fuzz` many more with a fresh seed."""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
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
