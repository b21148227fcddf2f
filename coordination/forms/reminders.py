from django import forms
from django.utils.translation import gettext_lazy as _

from pilkada.common.bounds import BoundedTypedMultipleChoiceField

# Offsets offered for the default; a meeting can still be given others.
REMINDER_CHOICES = [
    (10080, _("1 minggu sebelum")),
    (4320, _("3 hari sebelum")),
    (1440, _("1 hari (24 jam) sebelum")),
    (180, _("3 jam sebelum")),
    (60, _("1 jam sebelum")),
    (30, _("30 menit sebelum")),
    (15, _("15 menit sebelum")),
]


class ReminderDefaultForm(forms.Form):
    region = forms.ChoiceField(label=_("Wilayah"))
    minutes_before = BoundedTypedMultipleChoiceField(
        label=_("Pengingat untuk rapat baru"),
        choices=REMINDER_CHOICES,
        coerce=int,
        max_values=len(REMINDER_CHOICES),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pilih sedikitnya satu pengingat.")},
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(region.pk, region.name) for region in regions]
