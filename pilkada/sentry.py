"""Error tracking with sentry-sdk, without personal data.

The portal holds names, e-mail addresses and phone numbers of officials, and citizens' reports;
none of it goes to the error tracker. The SDK is told not to collect it (no default PII, no request
bodies, no local variables of stack frames), and `scrub_event` removes what could still carry it:
cookies and authorisation headers, query strings (invitation and password-reset tokens), the
user (only the id stays), and any e-mail address or Indonesian phone number left in messages.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?:\+62|\b0)8[\d -]{7,14}\d")
KEPT_HEADERS = {"user-agent", "accept-language", "content-type", "content-length", "host"}
REDACTED = "[disaring]"


def _clean_text(value):
    if isinstance(value, str):
        return PHONE.sub(REDACTED, EMAIL.sub(REDACTED, value))
    return value


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """Remove personal data from an event before it is sent (sentry-sdk's before_send)."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers") or {}
        request["headers"] = {k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS}
        if "url" in request:
            request["url"] = _clean_text(request["url"].split("?", 1)[0])
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    if "message" in event:
        event["message"] = _clean_text(event["message"])
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        logentry["message"] = _clean_text(logentry.get("message"))
        logentry.pop("params", None)
    for exception in (event.get("exception") or {}).get("values", []):
        exception["value"] = _clean_text(exception.get("value"))
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        for crumb in breadcrumbs.get("values", []):
            crumb["message"] = _clean_text(crumb.get("message"))
            crumb.pop("data", None)  # SQL parameters, HTTP query strings
    return event


def sentry_init(*, dsn: str, environment: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        traces_sample_rate=0.0,
    )
