"""Agencies and their people: KPU staff register agencies and invite people into them."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from coordination import permissions
from coordination.enums import AgencyKind
from coordination.forms.people import AgencyForm, InvitationForm
from coordination.models import Agency
from coordination.selectors.people import (
    agencies_manageable_by,
    agencies_visible_to,
    agency_members,
    agency_pending_invitations,
)
from coordination.selectors.regions import regions_manageable_by
from coordination.services.agencies import agency_create
from coordination.services.invitations import invitation_create
from pilkada.common.decorators import predicate_required
from pilkada.common.params import query_text
from pilkada.common.validation import apply_validation_error

PAGE_SIZE = 50


@predicate_required(permissions.can_use_staff_area)
@require_safe
def agency_list(request):
    agencies = agencies_visible_to(user=request.user).order_by("region_id", "kind", "name")
    kind = request.GET.get("kind", "")
    if kind in AgencyKind.values:
        agencies = agencies.filter(kind=kind)
    query = query_text(request.GET.get("q"))
    if query:
        agencies = agencies.filter(name__icontains=query)
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "coordination/agencies/list.html",
        {
            "page": page,
            "kinds": AgencyKind.choices,
            "kind": kind,
            "q": query,
            "can_create": permissions.can_create_agency(request.user),
        },
    )


@predicate_required(permissions.can_use_staff_area)
@require_safe
def agency_detail(request, pk: int):
    agency = get_object_or_404(Agency.objects.select_related("region"), pk=pk)
    if not permissions.can_view_agency(request.user, agency):
        # 404 rather than 403: the id of another agency says nothing to an outsider.
        raise Http404
    can_manage = permissions.can_manage_agency(request.user, agency)
    return render(
        request,
        "coordination/agencies/detail.html",
        {
            "agency": agency,
            "members": agency_members(agency=agency),
            "invitations": agency_pending_invitations(agency=agency) if can_manage else [],
            "can_manage": can_manage,
        },
    )


@predicate_required(permissions.can_create_agency)
@require_http_methods(["GET", "HEAD", "POST"])
def agency_create_view(request):
    regions = regions_manageable_by(user=request.user)
    form = AgencyForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            agency = agency_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied:
            form.add_error("region", _("Wilayah ini di luar kewenangan Anda."))
        else:
            messages.success(request, _("Lembaga %(name)s terdaftar.") % {"name": agency.name})
            return redirect("coordination:agency_detail", pk=agency.pk)
    return render(request, "coordination/agencies/form.html", {"form": form})


@predicate_required(permissions.can_invite_people)
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_create_view(request):
    agencies = agencies_manageable_by(user=request.user).order_by("region_id", "name")
    initial = {}
    if request.GET.get("agency"):
        initial["agency"] = request.GET["agency"]
    form = InvitationForm(request.POST or None, agencies=agencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = invitation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied:
            form.add_error("agency", _("Anda tidak berwenang mengundang ke lembaga ini."))
        else:
            messages.success(
                request,
                _("Undangan dikirim ke %(email)s. Tautannya berlaku %(days)s hari.")
                % {"email": invitation.email, "days": settings.PILKADA_INVITATION_DAYS},
            )
            return redirect("coordination:agency_detail", pk=invitation.agency_id)
    return render(request, "coordination/agencies/invite.html", {"form": form})
