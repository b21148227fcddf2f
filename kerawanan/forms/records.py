"""Forms around a risk: a mitigation task, linking an existing task, a meeting agenda, the import
and the IKP taxonomy."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination.enums import TaskCategory, TaskPriority
from kerawanan.enums import DEFAULT_TASK_CATEGORY, TASK_CATEGORY_FOR
from kerawanan.forms.choices import owner_agencies
from kerawanan.models import IkpDimension, Risk
from kerawanan.services.imports import MAX_BYTES
from kerawanan.services.mitigations import PRIORITY_FOR_LEVEL, mitigation_agencies

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _agency_label(agency) -> str:
    return f"{agency.name} ({agency.region.name})"


class MitigationForm(forms.Form):
    title = forms.CharField(label=_("Judul tugas"), max_length=200)
    agency = forms.ModelChoiceField(label=_("Lembaga penanggung jawab"), queryset=None)
    due_on = forms.DateField(label=_("Tenggat"), widget=DATE_WIDGET)
    category = forms.ChoiceField(label=_("Kategori tugas"), choices=TaskCategory.choices)
    priority = forms.ChoiceField(label=_("Prioritas"), choices=TaskPriority.choices)
    description = forms.CharField(
        label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, data=None, *, risk: Risk, **kwargs):
        today = timezone.localdate()
        initial = {
            "title": (_("Mitigasi: %(title)s") % {"title": risk.title})[:200],
            "category": TASK_CATEGORY_FOR.get(risk.category, DEFAULT_TASK_CATEGORY),
            "priority": PRIORITY_FOR_LEVEL.get(risk.level, TaskPriority.NORMAL),
            "due_on": risk.review_on if risk.review_on and risk.review_on > today else None,
        }
        initial["due_on"] = initial["due_on"] or today + timedelta(days=7)
        super().__init__(data, initial=initial, **kwargs)
        self.fields["agency"].queryset = mitigation_agencies(risk=risk)
        self.fields["agency"].label_from_instance = _agency_label


class LinkTaskForm(forms.Form):
    task = forms.IntegerField(
        label=_("Nomor tugas kesiapan"),
        min_value=1,
        max_value=10**15,
        help_text=_("Nomor pada alamat halaman tugas, misalnya 42 untuk /koordinasi/tugas/42/."),
    )


class AgendaForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Rapat"), queryset=None)

    def __init__(self, data=None, *, meetings, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: (
            f"{m.title} ({timezone.localtime(m.starts_at):%d-%m-%Y %H:%M})"
        )


class ImportForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Lembaga pemilik"),
        queryset=None,
        help_text=_("Semua kerawanan dalam berkas dicatat atas nama lembaga ini."),
    )
    file = forms.FileField(
        label=_("Berkas CSV atau XLSX"),
        help_text=_("Paling besar %(kb)s KB; baris pertama berisi nama kolom.")
        % {"kb": MAX_BYTES // 1024},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, data=None, files=None, *, user, **kwargs):
        super().__init__(data, files, **kwargs)
        self.fields["owner"].queryset = owner_agencies(user)
        self.fields["owner"].label_from_instance = _agency_label


class DimensionForm(forms.Form):
    name = forms.CharField(label=_("Nama"), max_length=120)
    parent = forms.ModelChoiceField(
        label=_("Di bawah dimensi"),
        queryset=IkpDimension.objects.filter(parent__isnull=True).order_by("order", "name"),
        required=False,
        empty_label=_("— dimensi utama —"),
    )
    order = forms.IntegerField(label=_("Urutan"), min_value=0, max_value=1000, initial=0)
    is_active = forms.BooleanField(label=_("Dipakai"), required=False, initial=True)
