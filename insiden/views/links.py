"""An incident's links: the risk it realises (linked or recorded) and readiness tasks."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from insiden import permissions
from insiden.forms.incidents import RiskCreateForm, RiskLinkForm, TaskForm
from insiden.services.links import (
    incident_risk_create,
    incident_risk_link,
    incident_task_create,
    task_agencies,
)
from insiden.views.common import incident_or_404
from kerawanan import api as kerawanan_api
from kerawanan.models import IkpDimension
from pilkada.common.decorators import predicate_required
from pilkada.common.validation import apply_validation_error

# The risks offered for a link: the region's own, graver first; enough for a select.
RISK_CHOICES = 200


@predicate_required(permissions.can_use_desk)
@require_http_methods(["GET", "HEAD", "POST"])
def risk_view(request, pk: int):
    incident = incident_or_404(request, pk)
    if not permissions.can_link_risk(request.user, incident):
        raise PermissionDenied
    risks = kerawanan_api.risks_visible_to(request.user, region=incident.regency_id).order_by(
        "-level", "title", "pk"
    )
    risk_ids = list(risks.values_list("pk", flat=True)[:RISK_CHOICES])
    if incident.risk_id:
        risk_ids.append(incident.risk_id)
    choices = kerawanan_api.risks_visible_to(request.user).filter(pk__in=risk_ids)
    posted = request.POST if request.method == "POST" else None
    creating = posted is not None and "create" in posted
    link_form = RiskLinkForm(
        None if creating else posted, risks=choices, initial={"risk": incident.risk_id}
    )
    create_form = RiskCreateForm(
        posted if creating else None,
        owners=kerawanan_api.owner_agencies(request.user),
        ikp_choices=kerawanan_api.ikp_choices(),
        dimensions=IkpDimension.objects.filter(is_active=True),
        initial={"owner": incident.agency_id},
    )
    if posted is not None and not creating and link_form.is_valid():
        try:
            incident_risk_link(
                actor=request.user, incident=incident, risk=link_form.cleaned_data["risk"]
            )
        except ValidationError as exc:
            apply_validation_error(link_form, exc)
        else:
            messages.success(request, _("Tautan kerawanan disimpan."))
            return redirect("insiden:incident_detail", pk=incident.pk)
    if creating and create_form.is_valid():
        data = create_form.cleaned_data
        try:
            incident_risk_create(
                actor=request.user,
                incident=incident,
                owner=data["owner"],
                dimension=data["dimension"],
                subdimension=data["subdimension"],
                likelihood=data["likelihood"],
                impact=data["impact"],
            )
        except ValidationError as exc:
            apply_validation_error(create_form, exc)
        except PermissionDenied:
            create_form.add_error(None, _("Anda tidak dapat mencatat kerawanan lembaga ini."))
        else:
            messages.success(request, _("Kerawanan dicatat dan ditautkan."))
            return redirect("insiden:incident_detail", pk=incident.pk)
    return render(
        request,
        "insiden/risk.html",
        {"incident": incident, "link_form": link_form, "create_form": create_form},
        status=400 if posted is not None else 200,
    )


@predicate_required(permissions.can_use_desk)
@require_http_methods(["GET", "HEAD", "POST"])
def task_view(request, pk: int):
    incident = incident_or_404(request, pk)
    if not permissions.can_create_incident_task(request.user, incident):
        raise PermissionDenied
    posted = request.POST if request.method == "POST" else None
    form = TaskForm(
        posted,
        agencies=task_agencies(incident),
        initial={
            "title": incident.title,
            "agency": incident.agency_id,
            "due_on": timezone.localdate() + timedelta(days=1),
        },
    )
    if posted is not None and form.is_valid():
        try:
            task = incident_task_create(actor=request.user, incident=incident, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Tugas dibuat untuk %(a)s.") % {"a": task.agency.name})
            return redirect("insiden:incident_detail", pk=incident.pk)
    return render(
        request,
        "insiden/task.html",
        {"incident": incident, "form": form},
        status=400 if posted is not None else 200,
    )
