"""The staff home and a person's own page (their agencies and roles)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from coordination import permissions
from coordination.extensions import PROFILE_SECTIONS, contributions
from coordination.selectors.people import memberships_of


@login_required
@require_safe
def staff_home(request):
    access = permissions.access_for(request.user)
    return render(
        request,
        "coordination/staff_home.html",
        {
            "access": access,
            "memberships": memberships_of(person=request.user),
        },
    )


@login_required
@require_safe
def profile(request):
    return render(
        request,
        "coordination/profile.html",
        {
            "memberships": memberships_of(person=request.user),
            "extension_sections": contributions(PROFILE_SECTIONS, user=request.user),
        },
    )
