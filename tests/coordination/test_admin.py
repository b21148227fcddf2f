import pytest
from django.urls import reverse

from tests.factories import PersonFactory

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:coordination_region_changelist",
        "admin:coordination_person_changelist",
        "admin:coordination_person_add",
        "admin:coordination_agency_changelist",
        "admin:coordination_invitation_changelist",
        "admin:coordination_meeting_changelist",
    ],
)
def test_admin_pages_work_for_superusers(client, bengkulu, url_name):
    client.force_login(PersonFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse(url_name)).status_code == 200


def test_admin_is_closed_to_kpu_staff(client, province_staff):
    client.force_login(province_staff)
    response = client.get(reverse("admin:coordination_region_changelist"))
    assert response.status_code == 302
