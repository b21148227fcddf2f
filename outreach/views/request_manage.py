"""Public outreach requests in the staff area: the list and the answers (accept, propose another
date, decline), for KPU staff of the desa's regency or province."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from outreach import permissions
from outreach.enums import COUNTED_REQUEST_STATUSES, RequestStatus
from outreach.forms.requests import AcceptForm, DeclineForm, ProposeForm
from outreach.selectors.requests import PENDING, managed_request_get, managed_requests
from outreach.services import requests as services
from pilkada.common.decorators import predicate_required
from pilkada.common.validation import apply_validation_error

PAGE_SIZE = 50


def _managed(request, pk: int):
    found = managed_request_get(user=request.user, pk=pk)
    if found is None:
        raise Http404  # another region's request: its id tells an outsider nothing
    return found


@predicate_required(permissions.can_manage_outreach)
@require_safe
def request_list(request):
    status = request.GET.get("status", PENDING)
    if status not in (PENDING, "semua", *COUNTED_REQUEST_STATUSES):
        status = PENDING
    page = Paginator(managed_requests(user=request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    statuses = [
        (PENDING, _("Perlu tanggapan")),
        *((s.value, s.label) for s in RequestStatus if s in COUNTED_REQUEST_STATUSES),
        ("semua", _("Semua")),
    ]
    return render(
        request,
        "outreach/requests/manage_list.html",
        {"page": page, "status": status, "statuses": statuses},
    )


def _detail(request, found, *, accept=None, propose=None, decline=None, status=200):
    pending = found.is_pending
    return render(
        request,
        "outreach/requests/manage_detail.html",
        {
            "req": found,
            "accept_form": accept
            or (AcceptForm(user=request.user, request=found) if pending else None),
            "propose_form": propose or (ProposeForm() if pending else None),
            "decline_form": decline or (DeclineForm() if pending else None),
        },
        status=status,
    )


@predicate_required(permissions.can_manage_outreach)
@require_safe
def request_detail(request, pk: int):
    return _detail(request, _managed(request, pk))


def _answer(request, found, form, key: str, call):
    """Validate `form`, call the service, redirect; errors go back onto the page."""
    if not found.is_pending:
        messages.error(request, _("Permintaan ini sudah ditanggapi atau ditutup."))
        return redirect("outreach:request_detail", pk=found.pk)
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            return result
    return _detail(request, found, **{key: form})


@predicate_required(permissions.can_manage_outreach)
@require_POST
def request_accept(request, pk: int):
    found = _managed(request, pk)
    form = AcceptForm(request.POST, user=request.user, request=found)

    def call(data):
        event = services.request_accept(
            actor=request.user,
            request=found,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            method=data["method"],
            organiser=data["organiser"],
            venue=data["venue"],
        )
        messages.success(
            request,
            _("Permintaan diterima. Draf kegiatan dibuat: lengkapi, lalu terbitkan."),
        )
        return redirect("outreach:manage_detail", pk=event.pk)

    return _answer(request, found, form, "accept", call)


@predicate_required(permissions.can_manage_outreach)
@require_POST
def request_propose(request, pk: int):
    found = _managed(request, pk)
    form = ProposeForm(request.POST)

    def call(data):
        services.request_propose(
            actor=request.user, request=found, date=data["date"], note=data["note"]
        )
        messages.success(request, _("Tanggal usulan dikirim ke pemohon."))
        return redirect("outreach:request_detail", pk=found.pk)

    return _answer(request, found, form, "propose", call)


@predicate_required(permissions.can_manage_outreach)
@require_POST
def request_decline(request, pk: int):
    found = _managed(request, pk)
    form = DeclineForm(request.POST)

    def call(data):
        services.request_decline(actor=request.user, request=found, reason=data["reason"])
        messages.success(request, _("Permintaan ditolak; pemohon diberi tahu alasannya."))
        return redirect("outreach:request_detail", pk=found.pk)

    return _answer(request, found, form, "decline", call)
