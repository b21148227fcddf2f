"""The delivery kinds of webhooks, registered with the outbox (coordination.notifications):

- `webhook_event`: one event for one subscription, on the `webhook` channel. The message is the
  Standard Webhooks body `{"type", "timestamp", "data"}` with its three headers; `webhook-id`
  is the same on every attempt, so a receiver that got it twice can tell. It is retried while
  useful (PILKADA_WEBHOOK_USEFUL_HOURS after the event) and skipped once its subscription was
  switched off or no longer asks for the type.
- `webhook_disabled`: the mail telling a subscription's owner that it was switched off.
"""

import datetime as dt
import json
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from standardwebhooks.webhooks import Webhook

from api.enums import WEBHOOK_CHANNEL, WEBHOOK_DISABLED_KIND, WEBHOOK_KIND, EventType
from api.models import WebhookSubscription
from coordination.notifications import registry
from coordination.notifications.channels import EMAIL
from coordination.notifications.mail import email_message


@dataclass(frozen=True)
class WebhookRequest:
    subscription_id: int
    url: str
    body: bytes
    headers: dict[str, str]


def signature(
    subscription: WebhookSubscription, *, msg_id: str, when: dt.datetime, body: str
) -> str:
    """`v1,<base64>` with the current secret, and with the previous one while it still counts."""
    secrets_ = [subscription.secret]
    if subscription.previous_secret and (subscription.previous_secret_until or when) > when:
        secrets_.append(subscription.previous_secret)
    return " ".join(Webhook(s).sign(msg_id, when, body) for s in secrets_)


def build_request(delivery) -> WebhookRequest:
    message = delivery.webhook_message
    event, subscription = message.event, message.subscription
    body = json.dumps(
        {
            "type": event.type,
            "timestamp": event.created_at.astimezone(dt.UTC).isoformat(),
            "data": event.payload,
        },
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    now = timezone.now()
    msg_id = message.webhook_id
    delivery.subject = f"{event.type} {event.resource}:{event.object_id}"[:300]
    return WebhookRequest(
        subscription_id=subscription.pk,
        url=subscription.url,
        body=body.encode(),
        headers={
            "Content-Type": "application/json",
            "User-Agent": "PilkadaPortal-Webhooks/1",
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signature(subscription, msg_id=msg_id, when=now, body=body),
        },
    )


def obsolete(delivery, now) -> str:
    message = delivery.webhook_message
    subscription, event = message.subscription, message.event
    if not subscription.is_active:
        return "subscription switched off"
    if event.type != EventType.TEST and event.type not in subscription.events:
        return "subscription no longer asks for this event"
    return ""


def useful_until(delivery) -> dt.datetime:
    return delivery.created_at + dt.timedelta(hours=settings.PILKADA_WEBHOOK_USEFUL_HOURS)


def _event_detail(delivery) -> str:
    return delivery.subject


registry.register(
    registry.Kind(
        value=WEBHOOK_KIND,
        label=gettext_lazy("Webhook"),
        builders={WEBHOOK_CHANNEL: build_request},
        obsolete=obsolete,
        related=("webhook_message__event", "webhook_message__subscription"),
        useful_until=useful_until,
        language=lambda delivery: settings.LANGUAGE_CODE,
    )
)


def build_disabled_mail(delivery):
    pk = int(delivery.key.split("@")[0])
    subscription = WebhookSubscription.objects.select_related("agency").get(pk=pk)
    context = {
        "subscription": subscription,
        "url": settings.SITE_URL + f"/integrasi/webhook/{subscription.pk}/",
    }
    subject = _("Webhook dinonaktifkan: %(url)s") % {"url": subscription.url[:120]}
    return email_message(
        delivery,
        subject=subject,
        text=render_to_string("api/mail/webhook_disabled.txt", context),
        html=render_to_string("api/mail/webhook_disabled.html", context),
    )


registry.register(
    registry.Kind(
        value=WEBHOOK_DISABLED_KIND,
        label=gettext_lazy("Webhook dinonaktifkan"),
        builders={EMAIL: build_disabled_mail},
    )
)
