"""Forms of the election timeline and of checklist templates."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from coordination.enums import AgencyKind, TaskCategory, TaskPriority
from coordination.models import ElectionStage
from pilkada.common.bounds import bounded_formset_factory

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _StagesByElection(ModelChoiceIterator):
    """Stages grouped under their election's name, so two elections' "Kampanye" differ."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for stage in self.queryset:
            groups.setdefault(stage.election.name, []).append(self.choice(stage))
        yield from groups.items()


class StageChoiceField(forms.ModelChoiceField):
    """Choose a stage: an <optgroup> per election (the queryset is ordered and joined here)."""

    iterator = _StagesByElection

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("Tanpa tahapan"))
        super().__init__(*args, **kwargs)

    def _set_queryset(self, queryset):
        super()._set_queryset(
            queryset.select_related("election").order_by(
                "election__voting_day", "election_id", "order", "starts_on"
            )
        )

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def label_from_instance(self, obj) -> str:
        return obj.name


class ElectionForm(forms.Form):
    name = forms.CharField(label=_("Nama pemilihan"), max_length=200)
    voting_day = forms.DateField(label=_("Hari pemungutan suara"), widget=DATE_WIDGET)
    is_active = forms.BooleanField(
        label=_("Aktif"),
        required=False,
        initial=True,
        help_text=_("Dasbor memakai pemilihan aktif yang terdekat."),
    )


class StageForm(forms.Form):
    name = forms.CharField(label=_("Nama tahapan"), max_length=200)
    starts_on = forms.DateField(label=_("Mulai"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Selesai"), widget=DATE_WIDGET)
    order = forms.IntegerField(
        label=_("Urutan"),
        min_value=0,
        max_value=32767,
        required=False,
        help_text=_("Kosongkan untuk menaruhnya sesudah tahapan terakhir."),
    )


class ChecklistForm(forms.Form):
    name = forms.CharField(label=_("Nama daftar periksa"), max_length=200)
    description = forms.CharField(
        label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class Relation:
    BEFORE = "before"
    AFTER = "after"
    CHOICES = [
        (BEFORE, _("sebelum hari pemungutan suara")),
        (AFTER, _("sesudah hari pemungutan suara")),
    ]


class ChecklistItemForm(forms.Form):
    """One template task. Its due date is a number of days before or after voting day."""

    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Judul"), max_length=200)
    # Initial values equal to what a browser posts for an untouched select, so a blank row
    # counts as unchanged and is skipped.
    category = forms.ChoiceField(
        label=_("Kategori"), choices=TaskCategory.choices, initial=TaskCategory.values[0]
    )
    agency_kind = forms.ChoiceField(
        label=_("Jenis lembaga penanggung jawab"),
        choices=AgencyKind.choices,
        initial=AgencyKind.values[0],
    )
    days = forms.IntegerField(label=_("Tenggat (hari)"), min_value=0, max_value=3650)
    relation = forms.ChoiceField(
        label=_("Terhadap"), choices=Relation.CHOICES, initial=Relation.BEFORE
    )
    stage = StageChoiceField(
        label=_("Tahapan"), queryset=ElectionStage.objects.none(), required=False
    )
    priority = forms.ChoiceField(
        label=_("Prioritas"), choices=TaskPriority.choices, initial=TaskPriority.NORMAL
    )
    description = forms.CharField(
        label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, stages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = (
            stages if stages is not None else ElectionStage.objects.none()
        )

    def item(self) -> dict:
        """The cleaned values in the shape `checklist_update` takes."""
        data = self.cleaned_data
        days = data["days"] if data["relation"] == Relation.BEFORE else -data["days"]
        return {
            "pk": data.get("pk"),
            "title": data["title"],
            "description": data.get("description", ""),
            "category": data["category"],
            "agency_kind": data["agency_kind"],
            "days_before_voting": days,
            "stage": data.get("stage"),
            "priority": data["priority"],
        }

    @staticmethod
    def initial_for(item) -> dict:
        before = item.days_before_voting >= 0
        return {
            "pk": item.pk,
            "title": item.title,
            "description": item.description,
            "category": item.category,
            "agency_kind": item.agency_kind,
            "days": abs(item.days_before_voting),
            "relation": Relation.BEFORE if before else Relation.AFTER,
            "stage": item.stage_id,
            "priority": item.priority,
        }


class BaseChecklistItemFormSet(forms.BaseFormSet):
    def __init__(self, *args, stages=None, **kwargs):
        self.stages = stages
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "stages": self.stages}

    def items(self) -> list[dict]:
        """The rows in order, in the shape `checklist_update` takes; untouched blank rows are
        skipped, and a removed row carries only its id."""
        rows = []
        for form in self.forms:
            if self._should_delete_form(form):
                if form.cleaned_data.get("pk"):
                    rows.append({"pk": form.cleaned_data["pk"], "delete": True})
                continue
            if not form.initial and not form.has_changed():
                continue
            rows.append(form.item())
        return rows


# A hundred tasks is a long checklist; more would also pass Django's limit of a thousand fields.
MAX_CHECKLIST_ITEMS = 100
ChecklistItemFormSet = bounded_formset_factory(
    ChecklistItemForm,
    formset=BaseChecklistItemFormSet,
    extra=3,
    can_delete=True,
    max_num=MAX_CHECKLIST_ITEMS,
)
