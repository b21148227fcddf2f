"""Forms of readiness tasks: editing, the liaison's status update, import, checklist stamping."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from coordination.enums import TaskCategory, TaskPriority, TaskStatus
from coordination.forms.elections import StageChoiceField
from coordination.forms.people import RegionChoiceField
from coordination.models import Agency, Checklist, Election, ElectionStage, Region
from coordination.services.files import allowed_extensions_text
from coordination.services.task_csv import MAX_BYTES
from pilkada.common.bounds import BoundedModelMultipleChoiceField
from pilkada.common.xlsx import decode_table_upload


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Judul"), max_length=200)
    description = forms.CharField(label=_("Keterangan"), widget=forms.Textarea, required=False)
    category = forms.ChoiceField(label=_("Kategori"), choices=TaskCategory.choices)
    election = forms.ModelChoiceField(label=_("Pemilihan"), queryset=Election.objects.all())
    stage = StageChoiceField(
        label=_("Tahapan"), queryset=ElectionStage.objects.none(), required=False
    )
    region = RegionChoiceField(label=_("Wilayah"), queryset=Region.objects.none())
    agency = forms.ModelChoiceField(
        label=_("Lembaga penanggung jawab"), queryset=Agency.objects.none()
    )
    due_on = forms.DateField(label=_("Tenggat"), widget=forms.DateInput(attrs={"type": "date"}))
    priority = forms.ChoiceField(
        label=_("Prioritas"), choices=TaskPriority.choices, initial=TaskPriority.NORMAL
    )

    def __init__(self, *args, regions=None, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions if regions is not None else Region.objects.none()
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.none()
        self.fields["stage"].queryset = ElectionStage.objects.all()


class StatusUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=TaskStatus.choices, widget=forms.RadioSelect
    )
    progress = forms.IntegerField(
        label=_("Kemajuan (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 10}),
    )
    note = forms.CharField(
        label=_("Catatan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib bila berisiko atau terhambat."),
    )
    evidence_file = forms.FileField(
        label=_("Bukti (foto atau dokumen)"),
        required=False,
        # Formatted when shown, so the text follows the language of each request.
        help_text=lazy(
            lambda: _("Opsional. %(types)s.") % {"types": allowed_extensions_text()}, str
        )(),
    )
    evidence_url = forms.URLField(
        label=_("Tautan bukti"), required=False, max_length=500, assume_scheme="https"
    )


class TaskImportForm(forms.Form):
    election = forms.ModelChoiceField(label=_("Pemilihan"), queryset=Election.objects.all())
    file = forms.FileField(
        label=_("Berkas CSV atau Excel (XLSX)"),
        help_text=_(
            "CSV UTF-8 atau .xlsx (lembar pertama), paling besar 2 MB, paling banyak 5.000 baris."
        ),
    )

    def clean_file(self):
        """The file's text: too large, empty, binary or non-UTF-8 files are refused here."""
        return decode_table_upload(self.cleaned_data["file"], max_bytes=MAX_BYTES)


class StampForm(forms.Form):
    checklist = forms.ModelChoiceField(label=_("Daftar periksa"), queryset=Checklist.objects.all())
    # Every kabupaten/kota of the country is 514: a superuser may stamp them all at once.
    regions = BoundedModelMultipleChoiceField(
        label=_("Wilayah"),
        queryset=Region.objects.none(),
        max_values=600,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].queryset = regions if regions is not None else Region.objects.none()
