"""The election timeline and checklist templates: KPU staff read them, province staff and
superusers set them up (a new deployment configures its own election here)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from coordination import permissions
from coordination.forms.elections import (
    ChecklistForm,
    ChecklistItemForm,
    ChecklistItemFormSet,
    ElectionForm,
    StageForm,
)
from coordination.models import Checklist, Election, ElectionStage
from coordination.services.elections import (
    checklist_create,
    checklist_update,
    election_create,
    election_update,
    stage_create,
    stage_update,
)
from pilkada.common.decorators import predicate_required
from pilkada.common.validation import apply_validation_error


@predicate_required(permissions.can_view_elections)
@require_safe
def election_list(request):
    elections = Election.objects.annotate(
        stage_count=Count("stages", distinct=True),
        checklist_count=Count("checklists", distinct=True),
    ).order_by("-voting_day")
    return render(
        request,
        "coordination/elections/list.html",
        {
            "elections": elections,
            "can_manage": permissions.can_manage_elections(request.user),
        },
    )


@predicate_required(permissions.can_view_elections)
@require_safe
def election_detail(request, pk: int):
    election = get_object_or_404(Election, pk=pk)
    return render(
        request,
        "coordination/elections/detail.html",
        {
            "election": election,
            "stages": election.stages.order_by("order", "starts_on"),
            "checklists": election.checklists.annotate(item_count=Count("items")).order_by("name"),
            "can_manage": permissions.can_manage_elections(request.user),
        },
    )


@predicate_required(permissions.can_manage_elections)
@require_http_methods(["GET", "HEAD", "POST"])
def election_create_view(request):
    form = ElectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            election = election_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Pemilihan tersimpan. Tambahkan tahapannya."))
            return redirect("coordination:election_detail", pk=election.pk)
    return _form_page(request, form, title=_("Pemilihan baru"), back=None)


@predicate_required(permissions.can_manage_elections)
@require_http_methods(["GET", "HEAD", "POST"])
def election_edit_view(request, pk: int):
    election = get_object_or_404(Election, pk=pk)
    initial = {"name": election.name, "voting_day": election.voting_day}
    initial["is_active"] = election.is_active
    form = ElectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            election_update(actor=request.user, election=election, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Pemilihan tersimpan."))
            return redirect("coordination:election_detail", pk=election.pk)
    return _form_page(request, form, title=_("Ubah pemilihan"), back=election)


@predicate_required(permissions.can_manage_elections)
@require_http_methods(["GET", "HEAD", "POST"])
def stage_create_view(request, pk: int):
    election = get_object_or_404(Election, pk=pk)
    form = StageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            stage_create(actor=request.user, election=election, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Tahapan tersimpan."))
            return redirect("coordination:election_detail", pk=election.pk)
    return _form_page(request, form, title=_("Tahapan baru"), back=election)


@predicate_required(permissions.can_manage_elections)
@require_http_methods(["GET", "HEAD", "POST"])
def stage_edit_view(request, pk: int):
    stage = get_object_or_404(ElectionStage.objects.select_related("election"), pk=pk)
    initial = {
        "name": stage.name,
        "starts_on": stage.starts_on,
        "ends_on": stage.ends_on,
        "order": stage.order,
    }
    form = StageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["order"] is None:
            data["order"] = stage.order
        try:
            stage_update(actor=request.user, stage=stage, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Tahapan tersimpan."))
            return redirect("coordination:election_detail", pk=stage.election_id)
    return _form_page(request, form, title=_("Ubah tahapan"), back=stage.election)


def _form_page(request, form, *, title: str, back: Election | None):
    return render(
        request,
        "coordination/elections/form.html",
        {"form": form, "title": title, "election": back},
        status=400 if form.is_bound else 200,
    )


# --- checklists -----------------------------------------------------------------------------


@predicate_required(permissions.can_view_elections)
@require_safe
def checklist_detail(request, pk: int):
    checklist = get_object_or_404(Checklist.objects.select_related("election", "created_by"), pk=pk)
    return render(
        request,
        "coordination/checklists/detail.html",
        {
            "checklist": checklist,
            "items": checklist.items.select_related("stage").order_by("order", "pk"),
            "can_manage": permissions.can_manage_elections(request.user),
            "can_stamp": permissions.is_kpu_staff(request.user),
        },
    )


@predicate_required(permissions.can_manage_elections)
@require_http_methods(["GET", "HEAD", "POST"])
def checklist_create_view(request, pk: int):
    election = get_object_or_404(Election, pk=pk)
    return _checklist_form(request, election=election, checklist=None)


@predicate_required(permissions.can_manage_elections)
@require_http_methods(["GET", "HEAD", "POST"])
def checklist_edit_view(request, pk: int):
    checklist = get_object_or_404(Checklist.objects.select_related("election"), pk=pk)
    return _checklist_form(request, election=checklist.election, checklist=checklist)


def _checklist_form(request, *, election: Election, checklist: Checklist | None):
    stages = election.stages.order_by("order", "starts_on")
    if checklist is None:
        initial, items_initial = {}, []
    else:
        initial = {"name": checklist.name, "description": checklist.description}
        items_initial = [
            ChecklistItemForm.initial_for(item) for item in checklist.items.order_by("order")
        ]
    data = request.POST if request.method == "POST" else None
    form = ChecklistForm(data, initial=initial)
    formset = ChecklistItemFormSet(data, initial=items_initial, prefix="items", stages=stages)
    if data is not None and form.is_valid() and formset.is_valid():
        fields = {**form.cleaned_data, "items": formset.items()}
        try:
            if checklist is None:
                checklist = checklist_create(actor=request.user, election=election, **fields)
            else:
                checklist_update(actor=request.user, checklist=checklist, **fields)
        except ValidationError as exc:
            # Item problems name their item and show above the form.
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Daftar periksa tersimpan."))
            return redirect("coordination:checklist_detail", pk=checklist.pk)
    return render(
        request,
        "coordination/checklists/form.html",
        {"form": form, "formset": formset, "election": election, "checklist": checklist},
        status=400 if data is not None else 200,
    )
