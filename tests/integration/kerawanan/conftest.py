"""A small province 17 (regencies 17.01 and 17.02) with the agencies and people the register's
tests ask about, and helpers that record risks through the service."""

import pytest

from coordination.enums import AgencyKind
from coordination.models import Agency, Region
from kerawanan.enums import RiskCategory, RiskSource, Visibility
from kerawanan.models import IkpDimension
from kerawanan.services.risks import risk_create
from kerawanan.services.taxonomy import dimensions_seed
from tests import factories

VILLAGE = "17.01.01.2001"


@pytest.fixture(autouse=True)
def _ikp_taxonomy(db):
    # The migration's rows are gone after any transactional test (its flush empties every
    # table), so each test here asks for the taxonomy again.
    dimensions_seed()


@pytest.fixture
def dimension(db):
    return IkpDimension.objects.get(name="Penyelenggaraan pemilu", parent=None)


@pytest.fixture
def subdimension(dimension):
    return IkpDimension.objects.get(name="Pelaksanaan pemungutan suara", parent=dimension)


@pytest.fixture
def agencies(bengkulu):
    own, other = Region.objects.get(code="17.01"), Region.objects.get(code="17.02")
    made = {
        "bawaslu": factories.AgencyFactory(
            name="Bawaslu Kab 17.01", kind=AgencyKind.BAWASLU, region=own
        ),
        "polres": factories.AgencyFactory(name="Polres 17.01", kind=AgencyKind.POLRI, region=own),
        "kodim": factories.AgencyFactory(name="Kodim 17.01", kind=AgencyKind.TNI, region=own),
        "bawaslu_prov": factories.AgencyFactory(
            name="Bawaslu Provinsi 17", kind=AgencyKind.BAWASLU, region=bengkulu
        ),
        "polres_other": factories.AgencyFactory(
            name="Polres 17.02", kind=AgencyKind.POLRI, region=other
        ),
    }
    return made


@pytest.fixture
def people(agencies, bengkulu, superuser_person):
    own, other = Region.objects.get(code="17.01"), Region.objects.get(code="17.02")
    return {
        "superuser": superuser_person,
        "province_staff": factories.kpu_staff(bengkulu, email="kpu.prov@uji.test"),
        "regency_staff": factories.kpu_staff(own, email="kpu.kab1@uji.test"),
        "other_regency_staff": factories.kpu_staff(other, email="kpu.kab2@uji.test"),
        "owner_liaison": factories.liaison(agencies["bawaslu"], email="bawaslu1@uji.test"),
        "acting_liaison": factories.liaison(agencies["polres"], email="polres1@uji.test"),
        "local_liaison": factories.liaison(agencies["kodim"], email="kodim1@uji.test"),
        "above_liaison": factories.liaison(agencies["bawaslu_prov"], email="bawaslu.prov@uji.test"),
        "unrelated_liaison": factories.liaison(agencies["polres_other"], email="polres2@uji.test"),
        "nobody": factories.PersonFactory(email="nobody@uji.test"),
    }


@pytest.fixture
def superuser_person(db):
    person = factories.PersonFactory(email="root@uji.test", full_name="Super")
    person.is_superuser = True
    person.save(update_fields=["is_superuser"])
    return person


@pytest.fixture
def make_risk(agencies, dimension, subdimension):
    """A risk recorded by the system in a village of 17.01, owned by Bawaslu 17.01 and to be
    acted on by Polres 17.01, unless told otherwise."""

    def make(**fields):
        values = {
            "title": "Kerawanan uji",
            "category": RiskCategory.LOGISTICS,
            "dimension": dimension,
            "subdimension": subdimension,
            "likelihood": 4,
            "impact": 4,
            "source": RiskSource.IKP,
            "region": Region.objects.get(code=VILLAGE),
            "owner": agencies["bawaslu"],
            "acting_agencies": [agencies["polres"]],
            "visibility": Visibility.RESTRICTED,
        }
        values.update(fields)
        return risk_create(actor=None, **values)

    return make


@pytest.fixture
def kpu_regency(people):
    return Agency.objects.get(kind=AgencyKind.KPU, region_id="17.01")
