"""The unit layer: one function, form or class at a time, in the test process, without the
database, another process or the network. A test that asks for the database belongs in
tests/integration/; asking for it here fails the collection (and pytest-django refuses any
database query of a test that did not ask)."""

from pathlib import Path

import pytest

from tests.conftest import mark_layer

DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    mark_layer(items, here, "unit")
    wrong = [
        item.nodeid
        for item in items
        if item.path.is_relative_to(here)
        and (
            item.get_closest_marker("django_db")
            or DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        )
    ]
    if wrong:
        raise pytest.UsageError(
            "unit tests use no database; move these to tests/integration/:\n  " + "\n  ".join(wrong)
        )
