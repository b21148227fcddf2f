import pytest
from django.urls import reverse

from coordination.enums import AgencyKind, Role
from coordination.models import Agency, Invitation, Region
from coordination.services.invitations import invitation_create
from tests.factories import DEFAULT_PASSWORD, AgencyFactory, PersonFactory

INVALID_CHOICE = (
    "Masukkan pilihan yang valid. Pilihan tersebut bukan salah satu dari pilihan yang tersedia."
)


def _login(client, email, password=DEFAULT_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_login_by_email_leads_to_staff_home(client, province_staff):
    response = _login(client, "kpu.prov@uji.test")
    assert response.status_code == 302
    assert response["Location"] == reverse("coordination:staff_home")


def test_login_wrong_password_keeps_the_email_and_says_why(client, province_staff):
    response = _login(client, "kpu.prov@uji.test", "salah")
    assert response.status_code == 200
    assert b'value="kpu.prov@uji.test"' in response.content
    assert response.context["form"].errors == {
        "__all__": ["Alamat e-mail dan/atau kata sandi yang anda masukkan tidak benar."]
    }


def test_login_to_inactive_account_is_refused(client, db):
    PersonFactory(email="nonaktif@uji.test", is_active=False)
    response = _login(client, "nonaktif@uji.test")
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"] == reverse("account_inactive")


def test_login_failures_are_rate_limited(client, province_staff):
    for _ in range(5):
        _login(client, "kpu.prov@uji.test", "salah")
    response = _login(client, "kpu.prov@uji.test", DEFAULT_PASSWORD)
    # Even the right password is refused while the limit lasts, with a message on the form.
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "__all__": ["Terlalu banyak percobaan masuk yang gagal. Coba lagi nanti."]
    }


def test_kpu_staff_without_totp_is_sent_to_setup_when_required(client, province_staff, settings):
    settings.PILKADA_REQUIRE_MFA_FOR_KPU_STAFF = True
    _login(client, "kpu.prov@uji.test")
    response = client.get(reverse("coordination:staff_home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # The setup page stays reachable (allauth first asks for the password again).
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    # The QR code to scan, as an image of the page.
    assert f'src="{response.context["totp_svg_data_uri"]}"' in response.content.decode()


def test_liaison_is_not_forced_to_use_totp(client, bengkulu, settings):
    settings.PILKADA_REQUIRE_MFA_FOR_KPU_STAFF = True
    agency = AgencyFactory(kind=AgencyKind.BAWASLU, region=bengkulu)
    person = PersonFactory()
    person.memberships.create(agency=agency, role=Role.LIAISON)
    client.force_login(person)
    assert client.get(reverse("coordination:staff_home")).status_code == 200


def test_profile_lists_agencies_and_roles(client, regency_staff):
    client.force_login(regency_staff)
    response = client.get(reverse("coordination:profile"))
    assert response.status_code == 200
    assert "KPU Kabupaten 17.01" in response.content.decode()
    assert "Staf KPU" in response.content.decode()


def test_agency_create_duplicate_shows_error_and_keeps_input(client, province_staff):
    client.force_login(province_staff)
    data = {
        "name": "Polres Satu",
        "kind": AgencyKind.POLRI,
        "region": "17.01",
        "phone": "0736-1234",
    }
    assert client.post(reverse("coordination:agency_create"), data).status_code == 302
    response = client.post(reverse("coordination:agency_create"), {**data, "name": "polres satu"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "__all__": ["Lembaga dengan nama ini sudah ada di wilayah tersebut."]
    }
    assert b'value="polres satu"' in response.content
    assert b'value="0736-1234"' in response.content
    assert Agency.objects.filter(name__iexact="polres satu").count() == 1


def test_agency_create_outside_scope_is_a_form_error(client, regency_staff):
    client.force_login(regency_staff)
    response = client.post(
        reverse("coordination:agency_create"),
        {"name": "Polres Dua", "kind": AgencyKind.POLRI, "region": "17.02"},
    )
    assert response.status_code == 200
    # Regions outside the person's scope are not among the choices.
    assert response.context["form"].errors == {"region": [INVALID_CHOICE]}
    assert not Agency.objects.filter(name="Polres Dua").exists()


@pytest.mark.parametrize(
    "url_name", ["coordination:agency_create", "coordination:invitation_create"]
)
def test_staff_pages_are_denied_to_liaisons_and_anonymous(client, bengkulu, url_name):
    assert client.get(reverse(url_name)).status_code == 302  # to login
    person = PersonFactory()
    person.memberships.create(
        agency=AgencyFactory(kind=AgencyKind.BAWASLU, region=bengkulu), role=Role.LIAISON
    )
    client.force_login(person)
    assert client.get(reverse(url_name)).status_code == 403


def test_agency_detail_of_another_agency_is_404_for_liaison(client, bengkulu):
    own = AgencyFactory(kind=AgencyKind.BAWASLU, region=bengkulu)
    other = AgencyFactory(kind=AgencyKind.POLRI, region=bengkulu)
    person = PersonFactory()
    person.memberships.create(agency=own, role=Role.LIAISON)
    client.force_login(person)
    assert client.get(reverse("coordination:agency_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("coordination:agency_detail", args=[other.pk])).status_code == 404


def test_invite_into_agency_outside_scope_is_refused(client, regency_staff):
    other = AgencyFactory(kind=AgencyKind.POLRI, region=Region.objects.get(code="17.02"))
    client.force_login(regency_staff)
    response = client.post(
        reverse("coordination:invitation_create"),
        {"full_name": "X", "email": "x@uji.test", "agency": other.pk, "role": Role.LIAISON},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"agency": [INVALID_CHOICE]}
    assert not Invitation.objects.exists()


def test_invitation_link_sets_password_and_logs_in(client, province_staff):
    agency = AgencyFactory(kind=AgencyKind.POLRI, region=Region.objects.get(code="17.01"))
    _, token = invitation_create(
        actor=province_staff,
        email="baru@uji.test",
        full_name="Baru",
        agency=agency,
        role=Role.LIAISON,
    )
    url = reverse("coordination:invitation_accept", args=[token])
    assert client.get(url).status_code == 200
    response = client.post(url, {"full_name": "Baru", "password1": "abc", "password2": "abc"})
    assert response.status_code == 200  # too short: stays on the form
    assert response.context["form"].errors == {
        "password1": [
            "Kata sandi terlalu pendek. Harus mengandung setidaknya 8 karakter.",
            "Kata sandi ini terlalu umum.",
        ]
    }
    assert b'value="Baru"' in response.content
    response = client.post(
        url,
        {"full_name": "Baru", "password1": "Rahasia-Kuat-2024", "password2": "Rahasia-Kuat-2024"},
    )
    assert response.status_code == 302
    assert client.get(reverse("coordination:staff_home")).status_code == 200
    # Used once: the link is now invalid.
    client.logout()
    assert client.get(url).status_code == 410


def test_unknown_invitation_link_is_404_with_explanation(client, db):
    response = client.get(reverse("coordination:invitation_accept", args=["tidak-ada"]))
    assert response.status_code == 404
    assert "Undangan tidak berlaku" in response.content.decode()


def test_login_page_offers_no_sign_up(client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert reverse("account_signup") not in html
    assert reverse("account_reset_password") in html


def test_password_reset_mails_a_working_link(
    client, province_staff, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "kpu.prov@uji.test"})
    assert len(mail.outbox) == 1
    link = next(word for word in mail.outbox[0].body.split() if "/akun/password/reset/key/" in word)
    path = (
        link.split("127.0.0.1:8000", 1)[-1]
        if "127.0.0.1:8000" in link
        else link.split("testserver")[-1]
    )
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_url, {"password1": "Baru-Sekali-2024", "password2": "Baru-Sekali-2024"}
    )
    assert response.status_code == 302
    province_staff.refresh_from_db()
    assert province_staff.check_password("Baru-Sekali-2024")


def test_logout_is_a_post(client, province_staff):
    client.force_login(province_staff)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_agency_invitation_expiry_shown_in_the_agency_zone(client, db):
    """An agency in a WITA province reads the expiry in WITA, not in the server's WIB."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from tests import factories

    province = factories.region_tree("73", regencies=1, districts=1, villages=1,
                                     timezone_name="Asia/Makassar")  # fmt: skip
    staff = factories.kpu_staff(province)
    agency = AgencyFactory(kind=AgencyKind.BAWASLU, region=province)
    invitation, _ = invitation_create(
        actor=staff, email="baru@uji.test", full_name="Baru", agency=agency, role=Role.LIAISON
    )
    invitation.expires_at = dt.datetime(2030, 1, 2, 16, 30, tzinfo=dt.UTC)
    invitation.save(update_fields=["expires_at"])
    client.force_login(staff)
    response = client.get(reverse("coordination:agency_detail", args=[agency.pk]))
    local = invitation.expires_at.astimezone(ZoneInfo("Asia/Makassar"))
    assert local.hour == 0
    assert "Kamis, 3 Januari 2030, 00.30 WITA" in response.content.decode()
