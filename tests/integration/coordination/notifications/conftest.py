"""The notification tests' meeting (the real SMTP server and worker come from
tests/integration/services.py)."""

import pytest

from tests import factories


@pytest.fixture
def meeting(bengkulu):
    """A province meeting with nobody invited yet (the tests invite whom they need)."""
    return factories.MeetingFactory(region=bengkulu, title="Rakor Logistik")
