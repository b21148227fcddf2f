import pytest

from tests import factories


@pytest.fixture
def event(bengkulu):
    return factories.outreach_event("17.01.01.2001", title="Forum warga Desa Satu")


@pytest.fixture
def draft(bengkulu):
    return factories.outreach_event("17.01.02.2001", status="draft", title="Rahasia draf")
