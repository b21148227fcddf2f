"""Validation errors, from a service's checks to the form the person filled in."""

from django import forms
from django.core.exceptions import ValidationError


def full_clean_or_raise(obj, errors: dict[str, list], **full_clean_kwargs) -> None:
    """Run the model's own validation after the service's checks and raise one ValidationError
    with both, each message on its field, so a form shows every problem at once."""
    try:
        obj.full_clean(**full_clean_kwargs)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


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
