"""Writes of webhooks: subscriptions, the events recorded with each change, and their fan-out
into one outbox row per (event, subscription).

How an event travels
1. A change to a meeting, task or risk saves its row, an incident is assigned to an agency or
   escalated (the incident desk's signals); the receiver in `api.signals` records a
   `WebhookEvent` in the same transaction (`event_record`), so an event exists exactly when its
   change does. After the commit a task fans it out.
2. `event_fan_out` (the task, or the sweep for an event whose task was lost) takes the event's
   row lock, builds the payload once (the resource as the API shows it), and for each active
   subscription to that type whose key may read the resource (the key's scope, and the web's
   predicate for the key's agency: `can_view_meeting`, `can_view_task`, `can_view_risk`,
   `can_view_incident`), and among the event's agencies when it names some, writes a
   `Delivery` on the `webhook` channel (key "<event>:<subscription>", unique) and a
   `WebhookMessage` beside it, then marks the event fanned out; all in one transaction, so a
   second fan-out finds it done and a crash leaves it to the sweep.
3. The outbox sends each row (`api.webhooks`): claimed once, sent, recorded as sent on the 2xx,
   retried with backoff while the event is useful, parked behind the endpoint's breaker.
"""

import base64
import datetime as dt
import ipaddress
import logging
import secrets
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api import permissions
from api.enums import EVENT_RESOURCE, WEBHOOK_CHANNEL, WEBHOOK_KIND, EventType
from api.models import ApiKey, WebhookEvent, WebhookMessage, WebhookSubscription
from api.services.keys import key_access
from coordination import permissions as core
from coordination.models import Delivery, Person
from coordination.notifications import outbox, sending

logger = logging.getLogger(__name__)
SECRET_OVERLAP = dt.timedelta(hours=24)


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def target_problem(url: str) -> str:
    """Why `url` cannot receive webhooks ("" when it can): https only, and no private or loopback
    address written in it (the address a name resolves to is checked again at send time)."""
    allow_private = settings.PILKADA_WEBHOOK_ALLOW_PRIVATE_TARGETS
    parts = urlsplit(url)
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        return _("Alamat penerima harus memakai https.")
    host = parts.hostname or ""
    if not host:
        return _("Alamat penerima tidak lengkap.")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith(".localhost"):
            return (
                "" if allow_private else _("Alamat penerima tidak boleh alamat lokal atau privat.")
            )
        return ""
    if not address.is_global and not allow_private:
        return _("Alamat penerima tidak boleh alamat lokal atau privat.")
    return ""


def _check(subscription: WebhookSubscription) -> None:
    errors: dict[str, list[str]] = {}
    key = subscription.api_key
    if not key.is_usable():
        errors["api_key"] = [_("Kunci ini sudah dicabut atau kedaluwarsa.")]
    problem = target_problem(subscription.url)
    if problem:
        errors["url"] = [problem]
    events = subscription.events
    if not events or set(events) - set(EVENT_RESOURCE):
        errors["events"] = [_("Pilih peristiwa yang tersedia.")]
    else:
        unreadable = sorted(
            {EVENT_RESOURCE[e] for e in events} - {s.split(":")[0] for s in key.scopes}
        )
        if unreadable:
            errors["events"] = [
                _("Kunci ini tidak boleh membaca: %(resources)s.")
                % {"resources": ", ".join(unreadable)}
            ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def subscription_create(
    *, actor: Person | None, api_key: ApiKey, url: str, events: list[str]
) -> WebhookSubscription:
    if actor is not None and not permissions.can_manage_api_key(actor, api_key):
        raise PermissionDenied(_("Kunci ini di luar kewenangan Anda."))
    subscription = WebhookSubscription(
        agency=api_key.agency,
        api_key=api_key,
        url=url.strip(),
        events=sorted(set(events)),
        secret=new_secret(),
        created_by=actor,
    )
    _check(subscription)
    subscription.save()
    return subscription


@transaction.atomic
def subscription_secret_rotate(
    *, actor: Person | None, subscription: WebhookSubscription
) -> WebhookSubscription:
    """A new secret; the old one still signs (beside it) for a day, so the receiver can switch."""
    if actor is not None and not permissions.can_manage_subscription(actor, subscription):
        raise PermissionDenied(_("Langganan ini di luar kewenangan Anda."))
    locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    locked.previous_secret = locked.secret
    locked.previous_secret_until = timezone.now() + SECRET_OVERLAP
    locked.secret = new_secret()
    locked.save(update_fields=["previous_secret", "previous_secret_until", "secret"])
    return locked


@transaction.atomic
def subscription_active_set(
    *, actor: Person | None, subscription: WebhookSubscription, active: bool, reason: str = ""
) -> WebhookSubscription:
    """Switch a subscription on (its failure count starts again) or off."""
    if actor is not None and not permissions.can_manage_subscription(actor, subscription):
        raise PermissionDenied(_("Langganan ini di luar kewenangan Anda."))
    locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if active:
        _check(locked)
    locked.is_active = active
    locked.disabled_at = None if active else timezone.now()
    locked.disabled_reason = "" if active else reason[:300]
    locked.consecutive_failures = 0
    locked.failing_since = None
    locked.save(
        update_fields=[
            "is_active", "disabled_at", "disabled_reason", "consecutive_failures", "failing_since",
        ]
    )  # fmt: skip
    return locked


# --- events -------------------------------------------------------------------------------------


def event_record(
    *, type: str, resource: str, object_id, agencies: list[int] | None = None
) -> WebhookEvent | None:
    """Record an event in the caller's transaction (None when nobody subscribes to anything).
    `agencies`: only their subscriptions hear it (an incident assigned to one agency)."""
    events = events_record(type=type, resource=resource, targets=[(object_id, agencies or [])])
    return events[0] if events else None


def events_record(*, type: str, resource: str, targets) -> list[WebhookEvent]:
    """Events of one type for many objects at once, `targets` = [(object id, agency ids)] (a
    batch of the incident escalation): one insert, one fan-out task each after the commit."""
    targets = list(targets)
    if not targets or not WebhookSubscription.objects.filter(is_active=True).exists():
        return []
    events = WebhookEvent.objects.bulk_create(
        [
            WebhookEvent(type=type, resource=resource, object_id=str(pk), agencies=sorted(agencies))
            for pk, agencies in targets
        ]
    )
    for event in events:
        transaction.on_commit(partial(fan_out_enqueue, event.pk))
    return events


FAN_OUT_TASK = "api.fan_out_event"


def fan_out_enqueue(event_id: int) -> None:
    # By name: the task module sits above the services (api/tasks.py).
    from celery import current_app

    try:
        current_app.tasks[FAN_OUT_TASK].apply_async(
            kwargs={"event_id": event_id}, retry_policy=sending.ENQUEUE_RETRY_POLICY
        )
    except Exception:  # the broker is down: the sweep fans the event out
        logger.exception("could not enqueue the fan-out of event %s", event_id)


def _resource(event: WebhookEvent):
    """The resource and who may read it: (object or None, payload, predicate)."""
    from api import serializers as out
    from coordination.selectors.meetings import (
        meeting_for_detail,
        meeting_invitee_rows,
        meeting_response_counts,
    )
    from coordination.selectors.readiness import task_for_detail
    from insiden import permissions as desk
    from insiden.models import Incident
    from kerawanan import permissions as register
    from kerawanan.models import Risk

    pk = int(event.object_id)
    if event.resource == "meetings":
        meeting = meeting_for_detail(pk=pk)
        if meeting is None:
            return None, None, None
        meeting.invitee_rows = list(meeting_invitee_rows(meeting=meeting))
        meeting.response_counts = meeting_response_counts(meeting=meeting)
        return meeting, out.MeetingDetailSerializer(meeting).data, core.can_view_meeting
    if event.resource == "tasks":
        task = task_for_detail(pk=pk)
        if task is None:
            return None, None, None
        return task, out.TaskSerializer(task).data, core.can_view_task
    if event.resource == "risks":
        risk = Risk.objects.select_related("region").filter(pk=pk).first()
        if risk is None:
            return None, None, None
        return risk, out.RiskSerializer(risk).data, register.can_view_risk
    if event.resource == "incidents":
        incident = (
            Incident.objects.select_related("region", "agency")
            .prefetch_related("involved_agencies")
            .filter(pk=pk)
            .first()
        )
        if incident is None:
            return None, None, None
        return incident, out.IncidentSerializer(incident).data, desk.can_view_incident
    return None, None, None


def _readers(event: WebhookEvent, obj, may_read) -> list[WebhookSubscription]:
    now = timezone.now()
    scope = f"{event.resource}:read"
    chosen = []
    for sub in WebhookSubscription.objects.filter(is_active=True).select_related(
        "api_key", "api_key__agency", "api_key__principal"
    ):
        key = sub.api_key
        if event.type not in sub.events or scope not in key.scopes or not key.is_usable(now):
            continue
        if event.agencies and sub.agency_id not in event.agencies:
            continue
        principal = key.principal
        core.assume_access(principal, key_access(key))
        if may_read(principal, obj):
            chosen.append(sub)
    return chosen


def event_fan_out(*, event_id: int) -> int:
    """One message per subscription that may read the event's resource; returns how many."""
    with transaction.atomic():
        event = (
            WebhookEvent.objects.select_for_update(skip_locked=True)
            .filter(pk=event_id, fanned_out_at__isnull=True)
            .first()
        )
        if event is None:
            return 0  # done already, or being done by another worker
        obj, payload, may_read = _resource(event)
        subscriptions = _readers(event, obj, may_read) if obj is not None else []
        event.payload = payload
        event.fanned_out_at = timezone.now()
        event.save(update_fields=["payload", "fanned_out_at"])
        return messages_create(event=event, subscriptions=subscriptions)


def messages_create(*, event: WebhookEvent, subscriptions) -> int:
    """The outbox rows and their messages (in the caller's transaction)."""
    subscriptions = list(subscriptions)
    if not subscriptions:
        return 0
    now = timezone.now()
    keys = {f"{event.pk}:{sub.pk}": sub for sub in subscriptions}
    outbox.rows_create(
        [
            Delivery(channel=WEBHOOK_CHANNEL, kind=WEBHOOK_KIND, key=key, next_attempt_at=now)
            for key in keys
        ]
    )
    rows = Delivery.objects.filter(
        channel=WEBHOOK_CHANNEL, kind=WEBHOOK_KIND, key__in=list(keys), person__isnull=True
    ).values_list("pk", "key")
    WebhookMessage.objects.bulk_create(
        [WebhookMessage(event=event, subscription=keys[key], delivery_id=pk) for pk, key in rows],
        ignore_conflicts=True,
    )
    return len(keys)


@transaction.atomic
def subscription_test_send(
    *, actor: Person | None, subscription: WebhookSubscription
) -> WebhookEvent:
    """The "send a test event" button: one `webhook.test` to this subscription only."""
    if actor is not None and not permissions.can_manage_subscription(actor, subscription):
        raise PermissionDenied(_("Langganan ini di luar kewenangan Anda."))
    now = timezone.now()
    event = WebhookEvent.objects.create(
        type=EventType.TEST,
        resource="subscriptions",
        object_id=str(subscription.pk),
        payload={"subscription": subscription.pk, "agency": subscription.agency_id},
        fanned_out_at=now,
    )
    messages_create(event=event, subscriptions=[subscription])
    return event


def events_sweep(*, older_than_seconds: int = 30, limit: int = 500) -> int:
    """Fan out events whose task was lost (the broker was down, a worker died)."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    ids = list(
        WebhookEvent.objects.filter(fanned_out_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for event_id in ids:
        event_fan_out(event_id=event_id)
    return len(ids)


# --- an endpoint that keeps failing ------------------------------------------------------------


def subscription_attempt_succeeded(*, subscription_id: int) -> None:
    WebhookSubscription.objects.filter(pk=subscription_id, consecutive_failures__gt=0).update(
        consecutive_failures=0, failing_since=None
    )


def subscription_attempt_failed(*, subscription_id: int, error: str) -> bool:
    """Count a failed attempt; switch the subscription off (and tell its owner) once its endpoint
    has failed PILKADA_WEBHOOK_DISABLE_AFTER_FAILURES times in a row over at least
    PILKADA_WEBHOOK_DISABLE_AFTER_HOURS. True when it was switched off now."""
    from api.enums import WEBHOOK_DISABLED_KIND

    now = timezone.now()
    with transaction.atomic():
        sub = (
            WebhookSubscription.objects.select_for_update()
            .filter(pk=subscription_id, is_active=True)
            .first()
        )
        if sub is None:
            return False
        sub.consecutive_failures += 1
        sub.failing_since = sub.failing_since or now
        fields = ["consecutive_failures", "failing_since"]
        since = dt.timedelta(hours=settings.PILKADA_WEBHOOK_DISABLE_AFTER_HOURS)
        disable = (
            sub.consecutive_failures >= settings.PILKADA_WEBHOOK_DISABLE_AFTER_FAILURES
            and now - sub.failing_since >= since
        )
        if disable:
            sub.is_active = False
            sub.disabled_at = now
            sub.disabled_reason = error[:300]
            fields += ["is_active", "disabled_at", "disabled_reason"]
        sub.save(update_fields=fields)
        if disable and sub.created_by_id is not None:
            owner = Person.objects.filter(pk=sub.created_by_id, is_active=True)
            outbox.deliveries_create(
                people=owner, kind=WEBHOOK_DISABLED_KIND, key=f"{sub.pk}@{now:%Y%m%dT%H%M%S}"
            )
        return disable
