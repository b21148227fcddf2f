"""The integration layer: tests through the database (PostgreSQL in CI), views, services,
Celery in the test process, and, where behaviour depends on them, a real worker process, Redis and
an SMTP server on loopback (the fixtures of tests/integration/services.py, imported below).

The fixtures below are the small test world the tests share: province 17 with regencies 17.01
and 17.02 (each with two districts of two villages), its KPU staff, agencies and liaisons.
"""

from pathlib import Path

import pytest

from coordination.enums import AgencyKind
from coordination.models import Agency, Region
from tests import factories
from tests.conftest import mark_layer
from tests.integration.services import (  # noqa: F401  (fixtures for every integration test)
    broken_broker,
    celery_worker_process,
    smtp_server,
    smtp_settings,
    worker_database_url,
)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    mark_layer(items, Path(__file__).parent, "integration")


@pytest.fixture
def bengkulu(db):
    """A small province 17 with two regencies, each with two districts of two villages."""
    return factories.region_tree("17")


@pytest.fixture
def regency(bengkulu):
    return Region.objects.get(code="17.01")


@pytest.fixture
def other_regency(bengkulu):
    return Region.objects.get(code="17.02")


@pytest.fixture
def province_staff(bengkulu):
    return factories.kpu_staff(bengkulu, email="kpu.prov@uji.test")


@pytest.fixture
def regency_staff(regency):
    return factories.kpu_staff(regency, email="kpu.kab@uji.test")


@pytest.fixture
def kpu_province(province_staff):
    return Agency.objects.get(kind=AgencyKind.KPU, region_id="17")


@pytest.fixture
def kpu_regency(regency_staff):
    return Agency.objects.get(kind=AgencyKind.KPU, region_id="17.01")


@pytest.fixture
def bawaslu(regency):
    return factories.AgencyFactory(name="Bawaslu 17.01", kind=AgencyKind.BAWASLU, region=regency)


@pytest.fixture
def polres(regency):
    return factories.AgencyFactory(name="Polres 17.01", kind=AgencyKind.POLRI, region=regency)


@pytest.fixture
def polres_other(other_regency):
    return factories.AgencyFactory(name="Polres 17.02", kind=AgencyKind.POLRI, region=other_regency)


@pytest.fixture
def bawaslu_liaison(bawaslu):
    return factories.liaison(bawaslu, email="bawaslu@uji.test", full_name="Siti Bawaslu")


@pytest.fixture
def bawaslu_colleague(bawaslu):
    return factories.liaison(bawaslu, email="bawaslu2@uji.test", full_name="Budi Bawaslu")


@pytest.fixture
def polres_liaison(polres_other):
    return factories.liaison(polres_other, email="polres@uji.test", full_name="Andi Polres")


@pytest.fixture
def nobody(db):
    return factories.PersonFactory(email="nobody@uji.test", full_name="Tanpa Peran")


@pytest.fixture
def superuser(db):
    person = factories.PersonFactory(email="root@uji.test", full_name="Super")
    person.is_superuser = True
    person.is_staff = True
    person.save(update_fields=["is_superuser", "is_staff"])
    return person


@pytest.fixture
def election(db):
    return factories.ElectionFactory()
