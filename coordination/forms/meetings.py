"""Forms of meetings. Times are typed in the region's own zone (WIB, WITA or WIT)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coordination.enums import RSVP, MeetingKind, MeetingStatus, SeriesFrequency, TaskCategory
from coordination.forms.people import RegionChoiceField
from coordination.models import Agency, Person, Region
from coordination.notifications.reminders import (
    MAX_REMINDER_MINUTES,
    MAX_REMINDERS,
    clean_reminder_minutes,
    reminder_minutes_for_staff,
)
from coordination.services.files import allowed_extensions_text
from pilkada.common.bounds import (
    BoundedModelMultipleChoiceField,
    BoundedMultipleChoiceField,
    bounded_formset_factory,
)

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time without a zone; the form attaches the region's zone in clean()."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [LOCAL_FORMAT, "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)

    def to_python(self, value):
        result = super().to_python(value)
        # The base field made it aware in the server zone; keep only the typed wall-clock time.
        return timezone.make_naive(result) if result is not None else None


class ReminderMinutesField(forms.CharField):
    """Minutes before the start, typed as a list: "1440, 60" is 24 hours and 1 hour before."""

    default_error_messages = {
        "invalid": _("Tulis menit sebelum mulai sebagai angka dipisah koma, misalnya 1440, 60."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(m) for m in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        parts = [part for part in re.split(r"[\s,;]+", text) if part]
        if not all(part.isdigit() for part in parts):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return clean_reminder_minutes(parts) if parts else []


class AgencyChoiceField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name} ({obj.region.name})"


class PersonChoiceField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.full_name} <{obj.email}>"


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Judul"), max_length=200)
    region = RegionChoiceField(label=_("Wilayah"), queryset=Region.objects.none())
    organiser = forms.ModelChoiceField(label=_("Penyelenggara"), queryset=Agency.objects.none())
    starts_at = LocalDateTimeField(
        label=_("Mulai"), help_text=_("Waktu setempat wilayah rapat (WIB, WITA, atau WIT).")
    )
    ends_at = LocalDateTimeField(label=_("Selesai"))
    location = forms.CharField(label=_("Tempat (alamat)"), max_length=300, required=False)
    online_url = forms.URLField(
        label=_("Tautan rapat daring"), max_length=500, required=False, assume_scheme="https"
    )
    invited_agencies = AgencyChoiceField(
        label=_("Lembaga diundang"), queryset=Agency.objects.none()
    )
    invited_people = PersonChoiceField(
        label=_("Orang diundang (selain anggota lembaga)"),
        queryset=Person.objects.none(),
        required=False,
    )
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea, required=False)
    # Blank is not "no reminders": creating, it means the region's default; editing, the service
    # asks for at least one.
    reminder_offsets = ReminderMinutesField(
        label=_("Pengingat (menit sebelum mulai)"), required=False
    )
    record_as_held = forms.BooleanField(
        label=_("Catat sebagai rapat yang sudah terlaksana"), required=False
    )

    def __init__(self, *args, regions=None, agencies=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions if regions is not None else Region.objects.none()
        agencies = agencies if agencies is not None else Agency.objects.none()
        self.fields["organiser"].queryset = agencies
        self.fields["invited_agencies"].queryset = agencies
        self.fields["invited_people"].queryset = (
            people if people is not None else Person.objects.none()
        )
        self.fields["reminder_offsets"].help_text = _(
            "Dipisah koma, misalnya 1440, 60 untuk 24 jam dan 1 jam sebelum rapat; paling banyak "
            "%(n)d pengingat, paling lama %(days)d hari sebelum."
        ) % {"n": MAX_REMINDERS, "days": MAX_REMINDER_MINUTES // 1440}

    def clean(self):
        data = super().clean()
        region = data.get("region")
        if region is not None:
            zone = ZoneInfo(region.timezone)
            for key in ("starts_at", "ends_at"):
                value = data.get(key)
                if isinstance(value, datetime) and value.tzinfo is None:
                    data[key] = value.replace(tzinfo=zone)
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("record_as_held", None)
        data.pop("frequency", None)
        data.pop("until", None)
        return data


class MeetingCreateForm(MeetingForm):
    frequency = forms.ChoiceField(
        label=_("Berulang"),
        choices=[("", _("Tidak berulang")), *SeriesFrequency.choices],
        required=False,
    )
    until = forms.DateField(
        label=_("Berulang sampai"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Setiap pertemuan seri dapat diubah sendiri-sendiri sesudahnya."),
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("reminder_offsets", reminder_minutes_for_staff(user=user))
        super().__init__(*args, **kwargs)
        field = self.fields["reminder_offsets"]
        field.help_text = format_lazy(
            "{} {}",
            field.help_text,
            _("Bila dibiarkan atau dikosongkan, rapat memakai pengingat bawaan wilayah rapat."),
        )

    def clean(self):
        data = super().clean()
        if data.get("frequency") and not data.get("until"):
            self.add_error("until", _("Isi tanggal akhir seri."))
        if data.get("frequency") and data.get("record_as_held"):
            self.add_error("frequency", _("Rapat yang sudah terlaksana tidak dibuat berulang."))
        return data

    def create_kwargs(self) -> dict:
        """The arguments of `meeting_schedule`: "record as held" becomes the status, and offsets
        left as offered (or emptied) are dropped, so the meeting takes the default of its own
        region, which may differ from the one the form was prefilled for."""
        data = self.cleaned_data
        kwargs = self.service_kwargs()
        kwargs["status"] = MeetingStatus.HELD if data["record_as_held"] else MeetingStatus.SCHEDULED
        if not kwargs["reminder_offsets"] or "reminder_offsets" not in self.changed_data:
            kwargs.pop("reminder_offsets")
        if data.get("frequency"):
            kwargs.update(frequency=data["frequency"], until=data["until"])
        return kwargs


def local_initial(meeting) -> dict:
    """Initial values for editing, with times shown in the region's zone."""
    zone = ZoneInfo(meeting.region.timezone)
    return {
        "kind": meeting.kind,
        "title": meeting.title,
        "region": meeting.region,
        "organiser": meeting.organiser,
        "starts_at": timezone.localtime(meeting.starts_at, zone).replace(tzinfo=None),
        "ends_at": timezone.localtime(meeting.ends_at, zone).replace(tzinfo=None),
        "location": meeting.location,
        "online_url": meeting.online_url,
        "invited_agencies": list(meeting.invited_agencies.all()),
        "invited_people": list(
            Person.objects.filter(
                meeting_invites__meeting=meeting,
                meeting_invites__agency__isnull=True,
                meeting_invites__delegated_by__isnull=True,
            )
        ),
        "agenda": meeting.agenda,
        "reminder_offsets": list(meeting.reminder_offsets or []),
    }


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pembatalan"), max_length=300)


class RSVPForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Jawaban Anda"),
        choices=[(v, label) for v, label in RSVP.choices if v != RSVP.PENDING],
        widget=forms.RadioSelect,
    )
    delegate = forms.ModelChoiceField(
        label=_("Diwakilkan kepada"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Tidak diwakilkan"),
        help_text=_("Hanya bila memilih diwakilkan: rekan dari lembaga yang sama."),
    )

    def __init__(self, *args, colleagues=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = (
            colleagues if colleagues is not None else Person.objects.none()
        )

    def clean(self):
        data = super().clean()
        if data.get("response") == RSVP.DELEGATED and not data.get("delegate"):
            self.add_error("delegate", _("Pilih rekan yang mewakili."))
        return data


class AttendanceForm(forms.Form):
    present = BoundedMultipleChoiceField(
        label=pgettext_lazy("attendance", "Hadir"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, invitees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (str(row.person_id), f"{row.person.full_name} — {row.agency or ''}".rstrip(" —"))
            for row in invitees
        ]
        self.fields["present"].max_values = max(1, len(self.fields["present"].choices))


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Notulen"), widget=forms.Textarea(attrs={"rows": 10}))


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Lampiran"),
        # Formatted when shown, so the text follows the language of each request.
        help_text=lazy(
            lambda: (
                _("PDF, gambar, atau berkas perkantoran (%(types)s).")
                % {"types": allowed_extensions_text()}
            ),
            str,
        )(),
    )


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Tindak lanjut"), max_length=200)
    category = forms.ChoiceField(label=_("Kategori"), choices=TaskCategory.choices)
    agency = forms.ModelChoiceField(label=_("Penanggung jawab"), queryset=Agency.objects.none())
    due_on = forms.DateField(label=_("Tenggat"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.none()


ActionItemFormSet = bounded_formset_factory(ActionItemForm, extra=3, max_num=20)
