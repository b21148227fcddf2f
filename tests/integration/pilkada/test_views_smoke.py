import pytest
from django.urls import reverse


@pytest.mark.parametrize("name", ["home", "about_data", "account_login"])
def test_public_page_renders(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200


def test_staff_home_requires_login(client, db):
    response = client.get(reverse("coordination:staff_home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/koordinasi/"


def test_staff_home_for_province_staff(client, province_staff):
    client.force_login(province_staff)
    response = client.get(reverse("coordination:staff_home"))
    assert response.status_code == 200
    assert b"KPU Provinsi 17" in response.content
