"""Account mail goes through the outbox: a request records a row and returns; the message is
built by the worker (here: eagerly after the commit) from allauth's templates, with its links
made again then, never stored."""

from allauth.core.context import request_context
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from coordination.enums import AgencyKind, DeliveryKind, DeliveryStatus, Role
from coordination.models import AccountMail, Delivery, Invitation, Region
from coordination.services.invitations import invitation_create, invitation_url
from tests.factories import DEFAULT_PASSWORD, AgencyFactory


def _reset(client, email: str):
    return client.post(reverse("account_reset_password"), {"email": email})


def test_password_reset_records_mail_and_sends_nothing_in_the_request(
    client, province_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _reset(client, "kpu.prov@uji.test")
    assert response.status_code == 302
    assert mail.outbox == []  # nothing left the request
    row = Delivery.objects.get()
    assert (row.kind, row.person, row.email, row.status) == (
        DeliveryKind.ACCOUNT,
        province_staff,
        "kpu.prov@uji.test",
        DeliveryStatus.QUEUED,
    )
    # No working link in the database: the builder makes it when it sends.
    stored = AccountMail.objects.get(delivery=row)
    assert stored.template == "account/email/password_reset_key"
    assert stored.context == {}

    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT
    (message,) = mail.outbox
    assert message.to == ["kpu.prov@uji.test"]
    assert message.subject == row.subject
    assert message.subject.startswith("[Portal Pilkada] ")
    assert message.extra_headers["Message-ID"] == row.message_id
    assert "/akun/password/reset/key/" in message.body


def test_password_reset_answers_alike_for_known_and_unknown_addresses(
    client, province_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = _reset(client, "kpu.prov@uji.test")
        unknown = _reset(client, "tidak.ada@uji.test")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert client.get(known["Location"]).content == client.get(unknown["Location"]).content
    # The unknown address gets no mail at all (nothing to reveal, nothing to abuse).
    assert [m.to for m in mail.outbox] == [["kpu.prov@uji.test"]]
    assert Delivery.objects.filter(email="tidak.ada@uji.test").count() == 0


def test_password_change_notice_goes_through_the_outbox(
    client, province_staff, django_capture_on_commit_callbacks
):
    client.force_login(province_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_change_password"),
            {
                "oldpassword": DEFAULT_PASSWORD,
                "password1": "Sandi-Baru-Kuat-2024",
                "password2": "Sandi-Baru-Kuat-2024",
            },
        )
    assert response.status_code == 302
    row = Delivery.objects.get(kind=DeliveryKind.ACCOUNT)
    assert row.account_mail.template == "account/email/password_changed"
    assert set(row.account_mail.context) == {"timestamp", "ip", "user_agent"}
    assert row.status == DeliveryStatus.SENT
    assert mail.outbox[0].to == ["kpu.prov@uji.test"]


def test_mfa_notices_go_through_the_outbox(province_staff, django_capture_on_commit_callbacks):
    from allauth.mfa.adapter import get_adapter

    request = RequestFactory().get("/akun/2fa/", REMOTE_ADDR="10.1.2.3")
    request.user = province_staff
    with request_context(request), django_capture_on_commit_callbacks(execute=True):
        get_adapter().send_notification_mail("mfa/email/totp_activated", province_staff)
    row = Delivery.objects.get(kind=DeliveryKind.ACCOUNT)
    assert (row.account_mail.template, row.account_mail.context["ip"]) == (
        "mfa/email/totp_activated",
        "10.1.2.3",
    )
    assert row.status == DeliveryStatus.SENT
    assert "10.1.2.3" in mail.outbox[0].body


def test_invitation_is_recorded_without_its_link_and_mailed_after_the_commit(
    province_staff, django_capture_on_commit_callbacks
):
    agency = AgencyFactory(kind=AgencyKind.POLRI, region=Region.objects.get(code="17.01"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation, token = invitation_create(
            actor=province_staff,
            email="baru@uji.test",
            full_name="Baru",
            agency=agency,
            role=Role.LIAISON,
        )
    row = Delivery.objects.get()
    assert (row.kind, row.person, row.email) == (
        DeliveryKind.ACCOUNT_INVITATION,
        None,
        "baru@uji.test",
    )
    assert row.account_mail.context == {"invitation_id": invitation.pk}
    assert token not in str(Invitation.objects.values().get())
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert invitation_url(token) in message.body
    assert message.extra_headers["Message-ID"] == Delivery.objects.get().message_id


def test_invitation_mail_is_skipped_once_accepted(
    province_staff, django_capture_on_commit_callbacks
):
    from coordination.notifications import sending

    agency = AgencyFactory(kind=AgencyKind.POLRI, region=Region.objects.get(code="17.01"))
    invitation, _token = invitation_create(
        actor=province_staff, email="x@uji.test", full_name="X", agency=agency, role=Role.LIAISON
    )
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=invitation.created_at)
    row = Delivery.objects.get()
    assert sending.delivery_send(delivery_id=row.pk).outcome == DeliveryStatus.SKIPPED
    row.refresh_from_db()
    assert row.last_error == "invitation revoked"


def test_a_new_address_is_confirmed_by_a_link_made_when_the_mail_is_sent(
    client, province_staff, django_capture_on_commit_callbacks
):
    from allauth.account.models import EmailAddress

    client.force_login(province_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_email"), {"action_add": "", "email": "alamat.baru@uji.test"}
        )
    assert response.status_code == 302
    row = Delivery.objects.get(email="alamat.baru@uji.test")
    assert row.account_mail.template == "account/email/email_confirmation"
    assert set(row.account_mail.context) == {"email_address_id"}
    (message,) = [m for m in mail.outbox if m.to == ["alamat.baru@uji.test"]]
    link = next(w for w in message.body.split() if "/akun/confirm-email/" in w)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    client.post(path)
    assert EmailAddress.objects.get(email="alamat.baru@uji.test").verified is True
