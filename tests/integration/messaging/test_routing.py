"""Where a message goes: each person's choice per topic, made in the one place every producer
goes through (`outbox.deliveries_create`): email by default, both for urgent topics (incident
escalations), Telegram only while an account is linked, email for kinds without a topic."""

from django.urls import reverse
from django.utils import timezone

from coordination.enums import DeliveryKind
from coordination.models import Delivery
from coordination.notifications import outbox, registry
from coordination.notifications.accounts import account_mail_queue
from coordination.notifications.meetings import meeting_created
from messaging.models import ChannelPreference
from messaging.services import preferences_set
from tests import factories
from tests.integration.messaging import kinds
from tests.integration.messaging.conftest import link


def _channels(**filters) -> list[tuple[str, str]]:
    rows = Delivery.objects.filter(**filters).order_by("person__email", "channel")
    return list(rows.values_list("person__email", "channel"))


def test_defaults_email_for_meetings_both_for_urgent_topics(telegram_on, bengkulu, meeting):
    linked, unlinked = (
        factories.PersonFactory(email="a@uji.test"),
        factories.PersonFactory(email="b@uji.test"),
    )
    link(linked)
    factories.invite(meeting, linked, unlinked)
    meeting_created(meeting=meeting)
    assert _channels(kind=DeliveryKind.INVITATION) == [
        ("a@uji.test", "email"),
        ("b@uji.test", "email"),
    ]

    outbox.deliveries_create(meeting=meeting, people=[linked, unlinked], kind=kinds.KIND, key="e1")
    assert _channels(kind=kinds.KIND) == [
        ("a@uji.test", "email"), ("a@uji.test", "telegram"), ("b@uji.test", "email"),
    ]  # fmt: skip


def test_a_chosen_channel_applies_to_every_kind_of_its_topic(telegram_on, bengkulu, meeting):
    person = factories.kpu_staff(bengkulu, email="c@uji.test")
    link(person)
    preferences_set(
        actor=person,
        choices={registry.MEETINGS: ["telegram"], registry.REMINDERS: ["email", "telegram"],
                 registry.INCIDENTS: ["email"]},
    )  # fmt: skip
    for kind, key in ((DeliveryKind.INVITATION, "s0"), (DeliveryKind.UPDATE, "s1"),
                      (DeliveryKind.REMINDER, "60m@x"), (kinds.KIND, "e1"),
                      (DeliveryKind.DIGEST_DAILY, "2026-12-01")):  # fmt: skip
        meeting_arg = None if kind == DeliveryKind.DIGEST_DAILY else meeting
        outbox.deliveries_create(meeting=meeting_arg, people=[person], kind=kind, key=key)
    rows = sorted(Delivery.objects.values_list("kind", "channel"))
    assert rows == [
        ("digest_daily", "email"),
        ("invitation", "telegram"),
        ("reminder", "email"),
        ("reminder", "telegram"),
        ("uji_tindakan", "email"),
        ("update", "telegram"),
    ]


def test_email_rows_of_a_producer_that_writes_rows_itself_are_routed(telegram_on, bengkulu):
    """A producer that builds its rows and calls `rows_create` (the incident escalation does:
    one email row per recipient) gets each person's channels all the same."""
    linked, plain = (
        factories.PersonFactory(email="f@uji.test"),
        factories.PersonFactory(email="g@uji.test"),
    )
    link(linked)
    now = timezone.now()
    rows = [
        Delivery(person=p, channel="email", kind=kinds.KIND, key="i1.r0.l0", email=p.email,
                 next_attempt_at=now)
        for p in (linked, plain)
    ]  # fmt: skip
    ids = outbox.rows_create(rows)
    assert len(ids) == 3
    assert _channels() == [
        ("f@uji.test", "email"),
        ("f@uji.test", "telegram"),
        ("g@uji.test", "email"),
    ]
    assert Delivery.objects.get(channel="telegram").email == ""
    assert outbox.rows_create(rows) == sorted(ids)  # a second call is a no-op
    assert Delivery.objects.count() == 3


def test_telegram_chosen_but_not_linked_goes_by_email(telegram_on, bengkulu, meeting):
    person = factories.kpu_staff(bengkulu, email="d@uji.test")
    link(person)
    preferences_set(actor=person, choices={registry.MEETINGS: ["telegram"]})
    person.chat_links.update(is_active=False)
    outbox.deliveries_create(
        meeting=meeting, people=[person], kind=DeliveryKind.INVITATION, key="s0"
    )
    assert _channels() == [("d@uji.test", "email")]


def test_account_mail_goes_by_email_whatever_was_chosen(telegram_on, bengkulu):
    person = factories.kpu_staff(bengkulu, email="e@uji.test")
    link(person)
    for topic in registry.TOPICS:
        ChannelPreference.objects.create(person=person, topic=topic, channels=["telegram"])
    account_mail_queue(template="account/email/password_changed", email=person.email, person=person)
    assert [channel for _e, channel in _channels()] == ["email"]


def test_the_router_reads_two_queries_for_any_number_of_people(
    telegram_on, bengkulu, meeting, django_assert_num_queries
):
    people = [factories.PersonFactory() for _ in range(6)]
    for person in people[:3]:
        link(person)
    preferences_set(actor=factories.kpu_staff(bengkulu), choices={registry.MEETINGS: ["email"]})
    from messaging.selectors import channels_for

    with django_assert_num_queries(2):
        routes = channels_for([p.pk for p in people[:2]], DeliveryKind.INVITATION)
    with django_assert_num_queries(2):
        routes = channels_for([p.pk for p in people], kinds.KIND)
    assert [routes.get(p.pk) for p in people] == [("email", "telegram")] * 3 + [("email",)] * 3


def test_the_settings_page_stores_the_choices(client, telegram_on, bengkulu):
    person = factories.kpu_staff(bengkulu)
    client.force_login(person)
    page = client.get(reverse("messaging:settings")).content.decode()
    assert "Penugasan dan eskalasi insiden" in page
    response = client.post(
        reverse("messaging:settings"),
        {"meetings": "both", "reminders": "telegram", "digests": "email", "incidents": "both"},
    )
    assert response.status_code == 302
    assert dict(ChannelPreference.objects.values_list("topic", "channels")) == {
        "meetings": ["email", "telegram"],
        "reminders": ["telegram"],
        "digests": ["email"],
        "incidents": ["email", "telegram"],
    }
    bad = client.post(reverse("messaging:settings"), {"meetings": "whatsapp"})
    assert bad.status_code == 400
