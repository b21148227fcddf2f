"""The IKP taxonomy page: province KPU staff add, rename, reorder and retire dimensions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kerawanan import permissions
from kerawanan.forms.records import DimensionForm
from kerawanan.models import IkpDimension
from kerawanan.services.taxonomy import dimension_create, dimension_update
from pilkada.common.decorators import predicate_required
from pilkada.common.validation import apply_validation_error


@predicate_required(permissions.can_manage_taxonomy)
@require_http_methods(["GET", "POST"])
def dimension_list(request):
    form = DimensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dimension_create(
                actor=request.user, name=data["name"], parent=data["parent"], order=data["order"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Dimensi disimpan."))
            return redirect("kerawanan:dimension_list")
    dimensions = (
        IkpDimension.objects.filter(parent__isnull=True)
        .prefetch_related("children")
        .order_by("order", "name")
    )
    return render(
        request,
        "kerawanan/dimensions.html",
        {"dimensions": dimensions, "form": form},
        status=400 if form.errors else 200,
    )


@predicate_required(permissions.can_manage_taxonomy)
@require_http_methods(["GET", "POST"])
def dimension_edit(request, pk: int):
    dimension = get_object_or_404(IkpDimension, pk=pk)
    initial = {
        "name": dimension.name,
        "parent": dimension.parent_id,
        "order": dimension.order,
        "is_active": dimension.is_active,
    }
    form = DimensionForm(request.POST or None, initial=initial)
    form.fields["parent"].disabled = True  # moving a dimension would change old risks' meaning
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dimension_update(
                actor=request.user,
                dimension=dimension,
                name=data["name"],
                order=data["order"],
                is_active=data["is_active"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Dimensi disimpan."))
            return redirect("kerawanan:dimension_list")
    return render(
        request,
        "kerawanan/dimension_form.html",
        {"dimension": dimension, "form": form},
        status=400 if form.errors else 200,
    )
