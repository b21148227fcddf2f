"""How much one request may ask for, so that no request can hold a worker.

- `bounded_formset_factory`: a formset takes at most `max_num` forms, and a management form that
  announces more is a form error (`validate_max`) with at most `max_num` forms built
  (`absolute_max`), instead of Django's default of a thousand more than `max_num`.
- `request_too_large`: the early refusal the site shell's middleware applies to every request,
  before any view builds or renders a form: a management form that announces more than
  PILKADA_MAX_FORMS forms, or one parameter repeated more than PILKADA_MAX_VALUES_PER_FIELD
  times. (Django itself refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS parameters in all.)
- `MaxValuesMixin` (and the two fields below): a multi-value field (ids of agencies, people,
  regions) with a most, checked before any value reaches the database, with a clear message.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.utils.translation import gettext_lazy as _

_COUNT_SUFFIXES = (f"-{TOTAL_FORM_COUNT}", f"-{INITIAL_FORM_COUNT}")


def bounded_formset_factory(form, *, max_num: int, extra: int = 0, **kwargs):
    """`formset_factory` with `max_num` as the hard limit: at most that many forms are built,
    and more announced is an error shown on the formset."""
    return forms.formset_factory(
        form, extra=extra, max_num=max_num, absolute_max=max_num, validate_max=True, **kwargs
    )


def request_too_large(request) -> str:
    """Why the request asks for too much ("" when it does not): checked on the query string and
    on a form body, before any view runs."""
    max_forms = settings.PILKADA_MAX_FORMS
    max_values = settings.PILKADA_MAX_VALUES_PER_FIELD
    sources = [request.GET]
    if request.method == "POST":
        sources.append(request.POST)
    for data in sources:
        for name, values in data.lists():
            if len(values) > max_values:
                return f"too many values for {name[:40]!r}"
            if name.endswith(_COUNT_SUFFIXES) and any(_above(v, max_forms) for v in values):
                return f"too many forms announced in {name[:40]!r}"
    return ""


def _above(value: str, limit: int) -> bool:
    digits = value.strip()
    # Compared as text first: a number with hundreds of digits is never converted.
    return digits.isascii() and digits.isdigit() and (len(digits) > 9 or int(digits) > limit)


class MaxValuesMixin:
    """A multi-value field that takes at most `max_values` distinct values (duplicates count
    once), refused with a message before the values are looked up."""

    default_max_values = 500

    def __init__(self, *args, max_values: int | None = None, **kwargs):
        self.max_values = max_values if max_values is not None else self.default_max_values
        super().__init__(*args, **kwargs)

    def clean(self, value):
        if isinstance(value, list | tuple):
            value = list(dict.fromkeys(value))
            if len(value) > self.max_values:
                raise ValidationError(
                    _("Paling banyak %(n)d pilihan."),
                    code="max_values",
                    params={"n": self.max_values},
                )
        return super().clean(value)


class BoundedMultipleChoiceField(MaxValuesMixin, forms.MultipleChoiceField):
    pass


class BoundedTypedMultipleChoiceField(MaxValuesMixin, forms.TypedMultipleChoiceField):
    pass


class BoundedModelMultipleChoiceField(MaxValuesMixin, forms.ModelMultipleChoiceField):
    pass
