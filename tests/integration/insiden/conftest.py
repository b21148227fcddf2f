"""A small province 17 (regencies 17.01 and 17.02, each with two districts of two villages) with
the agencies routing and escalation name, the people whose rights the tests ask about, and a
helper that reports an incident through the service."""

from datetime import UTC, datetime

import pytest

from coordination.enums import AgencyKind
from coordination.models import Agency, Region
from insiden.enums import Severity
from insiden.services.incidents import incident_create
from tests import factories

VILLAGE = "17.01.01.2001"
T0 = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 08:00 WIB on a voting day


@pytest.fixture
def desk(bengkulu):
    own, other = Region.objects.get(code="17.01"), Region.objects.get(code="17.02")
    staff_province = factories.kpu_staff(bengkulu, email="kpu.prov@uji.test")
    staff_own = factories.kpu_staff(own, email="kpu.kab1@uji.test")
    staff_other = factories.kpu_staff(other, email="kpu.kab2@uji.test")
    agencies = {
        "kpu_prov": Agency.objects.get(kind=AgencyKind.KPU, region=bengkulu),
        "kpu": Agency.objects.get(kind=AgencyKind.KPU, region=own),
        "kpu_other": Agency.objects.get(kind=AgencyKind.KPU, region=other),
        "polres": factories.AgencyFactory(name="Polres 17.01", kind=AgencyKind.POLRI, region=own),
        "polres_other": factories.AgencyFactory(
            name="Polres 17.02", kind=AgencyKind.POLRI, region=other
        ),
        "polda": factories.AgencyFactory(name="Polda 17", kind=AgencyKind.POLRI, region=bengkulu),
        "bawaslu": factories.AgencyFactory(
            name="Bawaslu 17.01", kind=AgencyKind.BAWASLU, region=own
        ),
        "bawaslu_prov": factories.AgencyFactory(
            name="Bawaslu 17", kind=AgencyKind.BAWASLU, region=bengkulu
        ),
        "pemda": factories.AgencyFactory(name="Pemkab 17.01", kind=AgencyKind.PEMDA, region=own),
    }
    people = {
        "province_staff": staff_province,
        "regency_staff": staff_own,
        "other_regency_staff": staff_other,
        "polres_liaison": factories.liaison(agencies["polres"], email="polres1@uji.test"),
        "polres_other_liaison": factories.liaison(
            agencies["polres_other"], email="polres2@uji.test"
        ),
        "polda_liaison": factories.liaison(agencies["polda"], email="polda@uji.test"),
        "bawaslu_liaison": factories.liaison(agencies["bawaslu"], email="bawaslu1@uji.test"),
        "bawaslu_prov_liaison": factories.liaison(
            agencies["bawaslu_prov"], email="bawaslu.prov@uji.test"
        ),
        "pemda_liaison": factories.liaison(agencies["pemda"], email="pemda@uji.test"),
        "nobody": factories.PersonFactory(email="nobody@uji.test"),
    }
    superuser = factories.PersonFactory(email="root@uji.test")
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    people["superuser"] = superuser
    return {"agencies": agencies, "people": people}


@pytest.fixture
def report(desk):
    """Report an incident (by the system unless `actor` is given) in a village of 17.01."""

    def make(**fields):
        values = {
            "actor": None,
            "title": "Kerumunan di TPS 3",
            "category": "keamanan",
            "severity": Severity.HIGH,
            "occurred_at": T0,
            "region": Region.objects.get(code=VILLAGE),
            "tps_number": 3,
            "now": T0,
        }
        values.update(fields)
        return incident_create(**values)

    return make
