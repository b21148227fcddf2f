"""Accepting an invitation: the link from the mail leads here to set a password."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from coordination.forms.people import InvitationAcceptForm
from coordination.models import Person
from coordination.services.invitations import invitation_accept, invitation_find


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept_view(request, token: str):
    invitation = invitation_find(token=token)
    if invitation is None or not invitation.is_usable():
        return render(
            request, "coordination/invitations/invalid.html", status=410 if invitation else 404
        )
    existing = Person.objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        return _accept_for_existing(request, token, invitation, existing)
    form = InvitationAcceptForm(request.POST or None, initial={"full_name": invitation.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            person = invitation_accept(
                token=token,
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
            )
        except ValidationError as exc:
            # Password-policy messages belong to the password field.
            for message in exc.messages:
                form.add_error("password1", message)
        else:
            login(request, person, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Selamat datang! Akun Anda sudah aktif."))
            return redirect("coordination:staff_home")
    return render(
        request, "coordination/invitations/accept.html", {"form": form, "invitation": invitation}
    )


def _accept_for_existing(request, token, invitation, person):
    """Someone who already has an account confirms while logged in as that account."""
    if not request.user.is_authenticated or request.user.pk != person.pk:
        return render(
            request, "coordination/invitations/login_first.html", {"invitation": invitation}
        )
    if request.method == "POST":
        try:
            invitation_accept(token=token, password="")
        except ValidationError:
            return render(request, "coordination/invitations/invalid.html", status=410)
        messages.success(
            request, _("Anda kini terdaftar di %(agency)s.") % {"agency": invitation.agency.name}
        )
        return redirect("coordination:profile")
    return render(request, "coordination/invitations/confirm.html", {"invitation": invitation})
