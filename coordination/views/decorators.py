"""View guards that ask the permission predicates; denials answer 403 (or 404 for objects)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from coordination import permissions


def staff_area_required(view):
    """Logged in and holding a role somewhere (any agency), or a superuser."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not permissions.can_use_staff_area(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def kpu_staff_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not permissions.is_kpu_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
