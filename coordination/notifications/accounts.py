"""Account mail through the outbox: password resets, address confirmations and security notices
(what django-allauth sends, handed over by `coordination.adapters.AccountAdapter`), and the
invitations KPU staff send to join the portal.

A request that causes account mail only records a row (a `Delivery` and its `AccountMail`) and
returns: it never waits on the SMTP server and never fails because of it, and a password reset
answers the same whether the address has an account or not (an unknown address records
nothing, ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS is off). A worker builds the message from allauth's own
templates (or the invitation's) and sends it with the outbox's guarantees.

Links that open an account are made again when the message is built, never stored: a reset
link from allauth's token generator (valid PASSWORD_RESET_TIMEOUT from the moment it is built),
a confirmation key from allauth's HMAC, an invitation's token from `invitation_token` (an HMAC of
the invitation under SECRET_KEY, whose hash the invitation row keeps).
"""

import hashlib
import uuid
from datetime import datetime, timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from coordination.enums import DeliveryKind
from coordination.models import AccountMail, Delivery, Invitation, Person
from coordination.notifications.channels import EMAIL
from coordination.notifications.mail import email_message, message_id
from coordination.notifications.outbox import rows_create
from coordination.notifications.registry import Kind, register

RESET = "account/email/password_reset_key"
CONFIRMATIONS = ("account/email/email_confirmation", "account/email/email_confirmation_signup")
INVITATION = "coordination/mail/invitation"
# A reset link, a confirmation or a notice that could not go out within a day is asked for again
# (or stale news) by then.
ACCOUNT_MAIL_USEFUL = timedelta(days=1)
# What a request's context may carry into the row: plain values only. Secrets and objects
# (the request, the user, links with tokens) are made again by the builder.
_NOT_STORED = {"request", "user", "current_site", "email", "key", "code", "uid"}
_NOT_STORED_SUFFIXES = ("_url",)
_DATETIME = "datetime:"


def account_mail_queue(
    *, template: str, email: str, person: Person | None, context: dict | None = None
) -> int | None:
    """Record one account mail (allauth's `template` prefix) to `email`; sent after the commit.
    Returns the delivery's id."""
    return _queue(
        kind=DeliveryKind.ACCOUNT,
        key=f"{template.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}",
        template=template,
        email=email,
        person=person,
        context=_storable(context or {}),
    )


def invitation_mail_queue(*, invitation: Invitation, language: str) -> int | None:
    """Record the mail that carries an invitation's link (one per invitation)."""
    return _queue(
        kind=DeliveryKind.ACCOUNT_INVITATION,
        key=f"invitation-{invitation.pk}",
        template=INVITATION,
        email=invitation.email,
        person=None,
        context={"invitation_id": invitation.pk},
        language=language,
    )


@transaction.atomic
def _queue(*, kind, key, template, email, person, context, language="") -> int | None:
    row = Delivery(
        person=person,
        channel=EMAIL,
        kind=kind,
        key=key[:100],
        email=email,
        next_attempt_at=timezone.now(),
    )
    ids = rows_create([row])
    if not ids:
        return None  # already recorded (the same invitation twice)
    AccountMail.objects.get_or_create(
        delivery_id=ids[0],
        defaults={
            "template": template,
            "language": language or translation.get_language() or settings.LANGUAGE_CODE,
            "context": context,
        },
    )
    return ids[0]


def _storable(context: dict) -> dict:
    stored = {}
    for name, value in context.items():
        if name in _NOT_STORED or name.endswith(_NOT_STORED_SUFFIXES):
            continue
        if isinstance(value, datetime):
            stored[name] = _DATETIME + value.isoformat()
        elif isinstance(value, str | int | float | bool) or value is None:
            stored[name] = value
    return stored


def _restored(context: dict) -> dict:
    return {
        name: (
            datetime.fromisoformat(value.removeprefix(_DATETIME))
            if isinstance(value, str) and value.startswith(_DATETIME)
            else value
        )
        for name, value in context.items()
    }


# --- invitation links ---------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    """The invitation's secret: an HMAC under SECRET_KEY of what makes the invitation unique.
    The row keeps only its hash (`token_hash`), so the database alone opens nothing."""
    value = f"{invitation.pk}:{invitation.email}:{invitation.created_at.isoformat()}"
    return salted_hmac("pilkada.invitation", value, algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("coordination:invitation_accept", args=[token])


# --- building -----------------------------------------------------------------------------------


def _site():
    host = urlsplit(settings.SITE_URL).netloc or "pilkada.localhost"
    # What allauth's templates read from `current_site` (a RequestSite in a request).
    return SimpleNamespace(name=host, domain=host)


def _secrets(template: str, delivery: Delivery, context: dict) -> dict:
    from allauth.account import app_settings
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str

    person = delivery.person
    if template == RESET:
        token = app_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(person)
        uid = user_pk_to_url_str(person)
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": uid, "key": token})
        return {"uid": uid, "key": token, "password_reset_url": settings.SITE_URL + path}
    if template in CONFIRMATIONS:
        address = EmailAddress.objects.get(pk=context["email_address_id"])
        key = EmailConfirmationHMAC(address).key
        path = reverse("account_confirm_email", args=[key])
        return {"key": key, "activate_url": settings.SITE_URL + path}
    return {}


def _build_account(delivery: Delivery):
    from allauth.account.adapter import get_adapter

    mail = delivery.account_mail
    context = _restored(mail.context)
    context.update(
        {
            "user": delivery.person,
            "email": delivery.email,
            "current_site": _site(),
            **_secrets(mail.template, delivery, context),
        }
    )
    delivery.message_id = message_id(delivery)
    message = get_adapter().render_mail(
        mail.template,
        delivery.email,
        context,
        headers={
            "Message-ID": delivery.message_id,
            "Auto-Submitted": "auto-generated",
            "Content-Language": translation.get_language(),
        },
    )
    delivery.subject = message.subject[:300]
    return message


def _build_invitation(delivery: Delivery):
    invitation = Invitation.objects.select_related("agency").get(
        pk=delivery.account_mail.context["invitation_id"]
    )
    context = {
        "invitation": invitation,
        "url": invitation_url(invitation_token(invitation)),
        "days": settings.PILKADA_INVITATION_DAYS,
    }
    subject = _("Undangan bergabung di Portal Pilkada: %(agency)s") % {
        "agency": invitation.agency.name
    }
    return email_message(
        delivery,
        subject=subject,
        text=render_to_string("coordination/mail/invitation.txt", context),
        html=render_to_string("coordination/mail/invitation.html", context),
    )


# --- the kinds ----------------------------------------------------------------------------------


def _account_obsolete(delivery: Delivery, now: datetime) -> str:
    person = delivery.person
    if person is not None and not person.is_active:
        return "account deactivated"
    if delivery.account_mail.template in CONFIRMATIONS:
        from allauth.account.models import EmailAddress

        address_id = delivery.account_mail.context.get("email_address_id")
        if not EmailAddress.objects.filter(pk=address_id, verified=False).exists():
            return "address already confirmed or removed"
    return ""


def _invitation_obsolete(delivery: Delivery, now: datetime) -> str:
    invitation = Invitation.objects.filter(
        pk=delivery.account_mail.context.get("invitation_id")
    ).first()
    if invitation is None:
        return "invitation deleted"
    if invitation.accepted_at is not None:
        return "invitation already accepted"
    if invitation.revoked_at is not None:
        return "invitation revoked"
    if invitation.expires_at <= now:
        return "invitation expired"
    return ""


def _invitation_useful_until(delivery: Delivery) -> datetime:
    invitation = Invitation.objects.filter(
        pk=delivery.account_mail.context.get("invitation_id")
    ).first()
    return invitation.expires_at if invitation else delivery.created_at


register(
    Kind(
        value=DeliveryKind.ACCOUNT.value,
        label=DeliveryKind.ACCOUNT.label,
        builders={EMAIL: _build_account},
        obsolete=_account_obsolete,
        related=("account_mail",),
        useful_until=lambda delivery: delivery.created_at + ACCOUNT_MAIL_USEFUL,
        language=lambda delivery: delivery.account_mail.language,
    )
)
register(
    Kind(
        value=DeliveryKind.ACCOUNT_INVITATION.value,
        label=DeliveryKind.ACCOUNT_INVITATION.label,
        builders={EMAIL: _build_invitation},
        obsolete=_invitation_obsolete,
        related=("account_mail",),
        # An invitation's link is worth mailing as long as it works.
        useful_until=_invitation_useful_until,
        language=lambda delivery: delivery.account_mail.language,
    )
)
