"""Errors as RFC 9457 problem details (`application/problem+json`): a type, a title, the status,
a detail for people, and for invalid input the messages per field (`errors`). A service's
ValidationError (the same messages the web form shows) becomes a 400 here."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM = "application/problem+json"
TITLES = {
    400: "Invalid request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    415: "Unsupported media type",
    422: "Idempotency key reused",
    429: "Too many requests",
}


def problem_response(status_code: int, detail: str, *, errors=None, headers=None) -> Response:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = Response(body, status=status_code, headers=headers)
    response.content_type = PROBLEM
    return response


def _field_errors(data) -> dict:
    if isinstance(data, dict):
        return {
            str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in data.items()
        }
    return {"non_field_errors": [str(m) for m in (data if isinstance(data, list) else [data])]}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return problem_response(
            status.HTTP_400_BAD_REQUEST, "The request did not pass validation.", errors=errors
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    errors = None
    if isinstance(exc, exceptions.ValidationError):
        detail = "The request did not pass validation."
        errors = _field_errors(exc.detail)
    else:
        detail = str(getattr(exc, "detail", "")) or TITLES.get(response.status_code, "Error")
    headers = {
        k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate", "Allow")
    }
    return problem_response(response.status_code, detail, errors=errors, headers=headers)
