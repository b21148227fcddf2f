"""Mail to the person who asked for a sosialisasi, through the notification outbox.

One delivery kind, `outreach_request`, rows without a person (the requester has no account):
the key names the request and the step (`request-<id>:confirm`, `:confirmed`, `:proposed-<n>`,
`:accepted`, `:declined`), so each step is mailed once however often it is asked for. The
message is built from the request as it is when the worker sends it, with links made then
(`outreach.tokens`), never stored. Registered in `OutreachConfig.ready()`.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy

from coordination.models import Delivery
from coordination.notifications.channels import EMAIL
from coordination.notifications.mail import email_message
from coordination.notifications.outbox import rows_create
from coordination.notifications.registry import Kind, register
from outreach.enums import RequestStatus
from outreach.models import OutreachRequest
from outreach.tokens import request_token

KIND = "outreach_request"
STEPS = ("confirm", "confirmed", "proposed", "accepted", "declined")
# An answer that could not be mailed within a week is stale news; the follow page has it.
MAIL_USEFUL = timedelta(days=7)


def _key(request: OutreachRequest, step: str) -> str:
    if step == "proposed":
        return f"request-{request.pk}:proposed-{request.proposals}"
    return f"request-{request.pk}:{step}"


def key_prefix(request_id: int) -> str:
    return f"request-{request_id}:"


def request_mail_queue(*, request: OutreachRequest, step: str) -> list[int]:
    """Record the mail of `step` to the requester; it is sent after the commit."""
    if step not in STEPS:
        raise ValueError(step)
    if not request.email:
        return []
    return rows_create(
        [
            Delivery(
                person=None,
                channel=EMAIL,
                kind=KIND,
                key=_key(request, step),
                email=request.email,
                next_attempt_at=request.updated_at,
            )
        ]
    )


def _parse(delivery) -> tuple[OutreachRequest | None, str]:
    ident, _sep, step = delivery.key.removeprefix("request-").partition(":")
    request = (
        OutreachRequest.objects.select_related("region__parent__parent", "event__region")
        .filter(pk=int(ident) if ident.isdigit() else 0)
        .first()
    )
    return request, step.split("-")[0]


def _url(name: str, token: str) -> str:
    return settings.SITE_URL + reverse(name, args=[token])


SUBJECTS = {
    "confirm": gettext_lazy("Konfirmasi permintaan sosialisasi Anda"),
    "confirmed": gettext_lazy("Permintaan sosialisasi Anda kami terima"),
    "proposed": gettext_lazy("KPU mengusulkan tanggal lain untuk sosialisasi"),
    "accepted": gettext_lazy("Permintaan sosialisasi Anda diterima"),
    "declined": gettext_lazy("Permintaan sosialisasi Anda tidak dapat dipenuhi"),
}


def _build(delivery):
    request, step = _parse(delivery)
    context = {
        "request": request,
        "step": step,
        "village": request.region,
        "follow_url": _url("outreach:request_follow", request_token(request, "follow")),
        "confirm_hours": settings.OUTREACH_REQUEST_CONFIRM_HOURS,
        "retention_days": settings.OUTREACH_REQUEST_RETENTION_DAYS,
    }
    if step == "confirm":
        context["confirm_url"] = _url("outreach:request_confirm", request_token(request, "confirm"))
    subject = f"{SUBJECTS[step]}: {request.region.name}"
    return email_message(
        delivery,
        subject=subject,
        text=render_to_string("outreach/mail/request.txt", context),
        html=render_to_string("outreach/mail/request.html", context),
    )


def _obsolete(delivery, now: datetime) -> str:
    request, step = _parse(delivery)
    if request is None:
        return "request deleted"
    if request.contact_purged_at is not None or not request.email:
        return "contact data erased"
    if step == "confirm":
        if request.status != RequestStatus.UNCONFIRMED:
            return "already confirmed or withdrawn"
        if request.confirm_before <= now:
            return "confirmation link expired"
    return ""


def _useful_until(delivery) -> datetime:
    request, step = _parse(delivery)
    if request is not None and step == "confirm":
        return request.confirm_before
    return delivery.created_at + MAIL_USEFUL


def _language(delivery) -> str:
    request, _step = _parse(delivery)
    return request.language if request is not None else settings.LANGUAGE_CODE


def _detail(delivery) -> str:
    step = delivery.key.partition(":")[2].split("-")[0]
    return str(SUBJECTS.get(step, ""))


register(
    Kind(
        value=KIND,
        label=gettext_lazy("Permintaan sosialisasi"),
        builders={EMAIL: _build},
        obsolete=_obsolete,
        useful_until=_useful_until,
        language=_language,
        detail=_detail,
    )
)


def contact_erase_from_log(*, requests: list[OutreachRequest]) -> int:
    """The delivery log keeps each message's address: erased with the request's contact data
    (by the rows' exact keys, answered by the outbox's unique index)."""
    keys = []
    for request in requests:
        prefix = key_prefix(request.pk)
        keys += [prefix + step for step in STEPS if step != "proposed"]
        keys += [f"{prefix}proposed-{n}" for n in range(1, request.proposals + 1)]
    if not keys:
        return 0
    return (
        Delivery.objects.filter(kind=KIND, channel=EMAIL, key__in=keys, person__isnull=True)
        .exclude(email="")
        .update(email="")
    )
