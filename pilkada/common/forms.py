"""Helpers for showing a service's ValidationError on the form the person filled in."""

from django import forms
from django.core.exceptions import ValidationError


def apply_validation_error(form: forms.Form, exc: ValidationError) -> None:
    """Attach errors to their fields when the form has them, otherwise to the whole form.

    The form keeps everything the person typed, so nothing is lost when a service refuses.
    """
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)
