import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coordination.enums import AgencyKind
from coordination.models import Agency, Region
from coordination.services.agencies import agency_create


def test_agency_create_in_scope(regency_staff):
    agency = agency_create(
        actor=regency_staff,
        name=" Polres Satu ",
        kind=AgencyKind.POLRI,
        region=Region.objects.get(code="17.01"),
    )
    assert agency.name == "Polres Satu"


def test_agency_create_duplicate_name_in_region_is_refused(province_staff):
    region = Region.objects.get(code="17.01")
    agency_create(actor=province_staff, name="Polres Satu", kind=AgencyKind.POLRI, region=region)
    with pytest.raises(ValidationError):
        agency_create(
            actor=province_staff, name="POLRES SATU", kind=AgencyKind.POLRI, region=region
        )
    assert Agency.objects.filter(region=region).count() == 1 + 0  # KPU office of 17 is elsewhere


def test_agency_create_same_name_other_region_is_fine(province_staff):
    agency_create(
        actor=province_staff,
        name="Polres",
        kind=AgencyKind.POLRI,
        region=Region.objects.get(code="17.01"),
    )
    agency_create(
        actor=province_staff,
        name="Polres",
        kind=AgencyKind.POLRI,
        region=Region.objects.get(code="17.02"),
    )
    assert Agency.objects.filter(name="Polres").count() == 2


def test_agency_create_outside_scope_is_denied(regency_staff):
    with pytest.raises(PermissionDenied):
        agency_create(
            actor=regency_staff,
            name="Polres Dua",
            kind=AgencyKind.POLRI,
            region=Region.objects.get(code="17.02"),
        )
    assert not Agency.objects.filter(name="Polres Dua").exists()
