"""Import of risks from CSV or XLSX, and the downloadable templates in both formats."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kerawanan import permissions
from kerawanan.enums import RiskCategory, RiskSource, RiskStatus, Visibility
from kerawanan.forms.records import ImportForm
from kerawanan.models import IkpDimension
from kerawanan.services.imports import (
    COLUMNS,
    REQUIRED,
    read_risk_file,
    risks_import,
    template_rows,
)
from pilkada.common.decorators import predicate_required
from pilkada.common.xlsx import table_response


@predicate_required(permissions.can_import_risks)
@require_http_methods(["GET", "POST"])
def import_view(request):
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_risk_file(form.cleaned_data["file"])
            report = risks_import(actor=request.user, owner=form.cleaned_data["owner"], rows=rows)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            if report.ok:
                messages.success(request, _("%(n)s kerawanan diimpor.") % {"n": report.created})
                return redirect("kerawanan:risk_list")
    return render(
        request,
        "kerawanan/import.html",
        {
            "form": form,
            "report": report,
            "columns": COLUMNS,
            "required": REQUIRED,
            "categories": RiskCategory.choices,
            "sources": RiskSource.choices,
            "visibilities": Visibility.choices,
            "statuses": RiskStatus.choices,
            "dimensions": IkpDimension.objects.filter(parent__isnull=True, is_active=True)
            .prefetch_related("children")
            .order_by("order", "name"),
        },
        status=400 if request.method == "POST" else 200,
    )


@predicate_required(permissions.can_import_risks)
@require_GET
def import_template_view(request, kind: str):
    if kind not in ("csv", "xlsx"):
        raise Http404
    rows = [COLUMNS, *template_rows()]
    return table_response(kind, "templat-kerawanan", rows, sheet_title=_("Kerawanan"))
