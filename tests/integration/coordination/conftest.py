"""A meeting and a task of regency 17.01, the objects most coordination tests act on."""

import pytest

from tests import factories


@pytest.fixture
def meeting(regency, kpu_regency, bawaslu, bawaslu_liaison):
    """A meeting organised by KPU 17.01 with its KPU and Bawaslu 17.01 (and so its liaison)
    invited."""
    return factories.meeting(region=regency, organiser=kpu_regency, invited=[kpu_regency, bawaslu])


@pytest.fixture
def task(regency, bawaslu):
    """A readiness task of Bawaslu 17.01."""
    return factories.ReadinessTaskFactory(region=regency, agency=bawaslu, title="Gudang siap")
