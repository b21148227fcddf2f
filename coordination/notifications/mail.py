"""What every delivered mail has in common: the envelope, a stable Message-ID, the headers.

Kinds (`meetings.py`, `digests.py`, other apps' modules) render their own subject and bodies and
call `email_message` to wrap them.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import translation
from django.utils.translation import ngettext


def message_id(delivery) -> str:
    # The same for every attempt, so a resend after a lost worker is recognisably one message.
    domain = urlsplit(settings.SITE_URL).hostname or "pilkada.localhost"
    return f"<delivery-{delivery.pk}@{domain}>"


def email_message(delivery, *, subject: str, text: str, html: str) -> EmailMultiAlternatives:
    """The message for `delivery` (to its address, in the active language); records the subject
    and Message-ID on the row for the delivery log."""
    delivery.subject = subject[:300]
    delivery.message_id = message_id(delivery)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.email],
        reply_to=[settings.PILKADA_REPLY_TO] if settings.PILKADA_REPLY_TO else None,
        headers={
            "Message-ID": delivery.message_id,
            "Auto-Submitted": "auto-generated",
            "Content-Language": translation.get_language(),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def lead_time(minutes: int) -> str:
    """'24 jam', '1 hari 2 jam', '30 menit'."""
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days and (hours or mins or days != 1):
        parts.append(ngettext("%(n)d hari", "%(n)d hari", days) % {"n": days})
    elif days:
        hours += 24
    if hours:
        parts.append(ngettext("%(n)d jam", "%(n)d jam", hours) % {"n": hours})
    if mins:
        parts.append(ngettext("%(n)d menit", "%(n)d menit", mins) % {"n": mins})
    return " ".join(parts)
