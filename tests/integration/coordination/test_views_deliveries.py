import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coordination.enums import AgencyKind, DeliveryKind, DeliveryStatus
from coordination.models import Delivery, Region, ReminderDefault
from tests import factories


@pytest.fixture
def meeting(bengkulu):
    return factories.MeetingFactory(region=Region.objects.get(code="17.01"), title="Rakor Kab")


def _deliveries(meeting, count, **fields):
    people = [factories.PersonFactory() for _ in range(count)]
    fields.setdefault("status", DeliveryStatus.SENT)
    return [
        Delivery.objects.create(
            meeting=meeting,
            person=p,
            kind=DeliveryKind.INVITATION,
            key="s0",
            email=p.email,
            next_attempt_at=timezone.now(),
            **fields,
        )
        for p in people
    ]


def _url(meeting):
    return reverse("coordination:meeting_deliveries", args=[meeting.pk])


def test_delivery_log_url_path(meeting):
    assert _url(meeting) == f"/koordinasi/rapat/{meeting.pk}/pengiriman/"


@pytest.mark.parametrize("who", ["province_staff", "regency_staff"])
def test_delivery_log_shows_failures_to_staff_of_region(client, meeting, who, request):
    client.force_login(request.getfixturevalue(who))
    _deliveries(meeting, 2)
    (failed,) = _deliveries(
        meeting,
        1,
        status=DeliveryStatus.FAILED,
        attempts=5,
        last_error="SMTPDataError: (451, b'Mailbox busy')",
    )
    response = client.get(_url(meeting))
    assert response.status_code == 200
    body = response.content.decode()
    assert failed.email in body
    assert "SMTPDataError: (451, b&#x27;Mailbox busy&#x27;)" in body
    assert body.count('class="badge badge-ok"') == 2
    assert "Kirim ulang" in body

    response = client.get(_url(meeting), {"status": "failed"})
    assert list(response.context["page"].object_list) == [failed]


def test_delivery_log_denied_outside_region(client, meeting):
    other = factories.kpu_staff(Region.objects.get(code="17.02"))
    client.force_login(other)
    assert client.get(_url(meeting)).status_code == 404


def test_delivery_log_denied_to_liaison(client, meeting, bengkulu):
    agency = factories.AgencyFactory(kind=AgencyKind.BAWASLU, region=bengkulu)
    client.force_login(factories.liaison(agency))
    assert client.get(_url(meeting)).status_code == 403


def test_delivery_log_anonymous_redirected_to_login(client, meeting):
    response = client.get(_url(meeting))
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={_url(meeting)}"


def test_delivery_log_missing_meeting_404(client, province_staff):
    client.force_login(province_staff)
    assert client.get("/koordinasi/rapat/999999/pengiriman/").status_code == 404


def test_delivery_log_query_count_constant(
    client, meeting, regency_staff, django_assert_num_queries
):
    client.force_login(regency_staff)
    _deliveries(meeting, 2)
    assert client.get(_url(meeting)).status_code == 200  # warms the session
    with django_assert_num_queries(7):
        response = client.get(_url(meeting))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 2
    _deliveries(meeting, 30, status=DeliveryStatus.FAILED, last_error="x")
    with django_assert_num_queries(7):
        response = client.get(_url(meeting))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 32


def test_delivery_retry_requeues_failed(
    client, meeting, regency_staff, django_capture_on_commit_callbacks
):
    client.force_login(regency_staff)
    (failed,) = _deliveries(meeting, 1, status=DeliveryStatus.FAILED, attempts=5)
    url = reverse("coordination:meeting_delivery_retry", args=[meeting.pk, failed.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("sent", 1)
    assert len(mail.outbox) == 1


def test_delivery_retry_refused_outside_region_and_by_get(client, meeting):
    (failed,) = _deliveries(meeting, 1, status=DeliveryStatus.FAILED)
    url = reverse("coordination:meeting_delivery_retry", args=[meeting.pk, failed.pk])
    client.force_login(factories.kpu_staff(Region.objects.get(code="17.02")))
    assert client.post(url).status_code == 404
    client.force_login(factories.kpu_staff(Region.objects.get(code="17.01")))
    assert client.get(url).status_code == 405
    failed.refresh_from_db()
    assert failed.status == "failed"


def test_reminder_defaults_page_sets_region_default(client, regency_staff):
    client.force_login(regency_staff)
    url = reverse("coordination:reminder_defaults")
    response = client.get(url)
    assert response.status_code == 200
    assert "24 jam, 1 jam" in response.content.decode()
    response = client.post(url, {"region": "17.01", "minutes_before": ["4320", "60"]})
    assert response.status_code == 302
    assert ReminderDefault.objects.get(region_id="17.01").minutes_before == [4320, 60]


def test_reminder_defaults_page_rejects_other_region_and_empty_choice(client, regency_staff):
    client.force_login(regency_staff)
    url = reverse("coordination:reminder_defaults")
    response = client.post(url, {"region": "17", "minutes_before": ["60"]})
    assert response.status_code == 200
    assert response.context["form"].errors["region"]
    response = client.post(url, {"region": "17.01"})
    assert response.context["form"].errors["minutes_before"] == ["Pilih sedikitnya satu pengingat."]
    assert ReminderDefault.objects.count() == 0


def test_reminder_defaults_page_denied_to_liaison(client, bengkulu):
    agency = factories.AgencyFactory(kind=AgencyKind.POLRI, region=bengkulu)
    client.force_login(factories.liaison(agency))
    assert client.get(reverse("coordination:reminder_defaults")).status_code == 403


def test_digest_preference_turns_off_and_on(client, regency_staff):
    client.force_login(regency_staff)
    profile = client.get(reverse("coordination:profile")).content.decode()
    assert 'name="receives_digests" checked' in profile
    url = reverse("coordination:digest_preference")
    assert client.post(url, {}).status_code == 302
    regency_staff.refresh_from_db()
    assert regency_staff.receives_digests is False
    client.post(url, {"receives_digests": "on"})
    regency_staff.refresh_from_db()
    assert regency_staff.receives_digests is True


def test_digest_preference_needs_login_and_post(client, regency_staff):
    url = reverse("coordination:digest_preference")
    assert client.post(url).status_code == 302
    client.force_login(regency_staff)
    assert client.get(url).status_code == 405


def test_meeting_page_links_delivery_log_for_managers_only(
    client, meeting, regency_staff, bengkulu
):
    link = _url(meeting)
    client.force_login(regency_staff)
    page = client.get(reverse("coordination:meeting_detail", args=[meeting.pk]))
    assert link in page.content.decode()
    agency = factories.AgencyFactory(kind=AgencyKind.BAWASLU, region=bengkulu)
    liaison = factories.liaison(agency)
    meeting.invited_agencies.add(agency)
    client.force_login(liaison)
    page = client.get(reverse("coordination:meeting_detail", args=[meeting.pk]))
    assert page.status_code == 200
    assert link not in page.content.decode()


def test_reminder_defaults_link_only_for_kpu_staff(client, regency_staff, bawaslu_liaison):
    url = reverse("coordination:reminder_defaults")
    client.force_login(regency_staff)
    assert f'href="{url}"' in client.get(reverse("coordination:staff_home")).content.decode()
    assert f'href="{url}"' in client.get(reverse("coordination:meeting_list")).content.decode()
    client.force_login(bawaslu_liaison)
    assert f'href="{url}"' not in client.get(reverse("coordination:staff_home")).content.decode()
    assert f'href="{url}"' not in client.get(reverse("coordination:meeting_list")).content.decode()
