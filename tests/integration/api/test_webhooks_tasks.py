"""Task events for the agencies' systems: "task.assigned" to the agency a task is created for or
reassigned to (and to no other), and "task.due_soon" once per task and due date, however often
and from however many beats the hourly job runs."""

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from api.enums import EventType
from api.models import WebhookEvent, WebhookMessage
from api.services.due_soon import due_soon_record
from api.services.webhooks import subscription_create
from coordination.enums import TaskStatus
from tests import factories
from tests.integration.api.conftest import make_key


def _subscribe(key, url, events):
    return subscription_create(actor=None, api_key=key, url=url, events=events)


def _types(receiver) -> list[tuple[str, int]]:
    bodies = [json.loads(r.body) for r in receiver.requests]
    return sorted((body["type"], body["data"]["id"]) for body in bodies)


def _heard(subscription) -> list[int]:
    messages = WebhookMessage.objects.filter(subscription=subscription).select_related("event")
    return sorted(int(m.event.object_id) for m in messages)


def test_a_task_created_or_reassigned_is_heard_by_the_agency_that_holds_it(
    api_world, receiver, django_capture_on_commit_callbacks
):
    w = api_world
    polres_key = make_key(w.polres_other, name="Polres")
    bawaslu_sub = _subscribe(w.liaison_key.key, receiver.url + "?b", [EventType.TASK_ASSIGNED])
    polres_sub = _subscribe(polres_key.key, receiver.url + "?p", [EventType.TASK_ASSIGNED])
    with django_capture_on_commit_callbacks(execute=True):
        task = factories.ReadinessTaskFactory(
            region=w.other_regency, agency=w.polres_other, election=w.task.election
        )
    assert _types(receiver) == [("task.assigned", task.pk)]
    assert _heard(polres_sub) == [task.pk] and _heard(bawaslu_sub) == []

    # A change that keeps the agency says nothing new; a reassignment tells the new agency.
    with django_capture_on_commit_callbacks(execute=True):
        task.title = "Judul baru"
        task.save()
    assert receiver.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        w.task.agency = w.polres_other
        w.task.save()
    assert _types(receiver) == sorted([("task.assigned", task.pk), ("task.assigned", w.task.pk)])
    assert _heard(polres_sub) == sorted([task.pk, w.task.pk]) and _heard(bawaslu_sub) == []


@pytest.mark.django_db(transaction=True)
def test_due_soon_once_per_task_and_due_date_even_from_two_beats(
    api_world, receiver, django_capture_on_commit_callbacks, settings
):
    w = api_world
    settings.PILKADA_WEBHOOK_DUE_SOON_DAYS = 3
    _subscribe(w.liaison_key.key, receiver.url, [EventType.TASK_DUE_SOON])
    today = timezone.localdate()
    soon = factories.ReadinessTaskFactory(
        region=w.regency, agency=w.bawaslu, election=w.task.election, due_on=today + timedelta(2)
    )
    factories.ReadinessTaskFactory(  # done: nothing to announce
        region=w.regency, agency=w.bawaslu, election=w.task.election,
        due_on=today + timedelta(1), status=TaskStatus.DONE,
    )  # fmt: skip
    factories.ReadinessTaskFactory(  # not soon yet
        region=w.regency, agency=w.bawaslu, election=w.task.election, due_on=today + timedelta(9)
    )
    w.task.due_on = today + timedelta(20)
    w.task.save()
    errors = []

    def beat():
        try:
            due_soon_record(today=today)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    due_soon_record(today=today)
    due_soon_record(today=today)  # the next hour's run: nothing new
    assert errors == []
    assert _types(receiver) == [("task.due_soon", soon.pk)]
    assert WebhookEvent.objects.filter(type=EventType.TASK_DUE_SOON).count() == 1

    # The date moves: the agency hears of the new date once.
    soon.due_on = today + timedelta(3)
    soon.save()
    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert WebhookEvent.objects.filter(type=EventType.TASK_DUE_SOON).count() == 2
    assert _types(receiver) == [("task.due_soon", soon.pk)] * 2  # one per date, none doubled
