"""The one DRF permission class: public resources for everyone, the others for people with a
staff area (by session) or keys holding the resource's scope. What each caller may see inside a
resource is decided by the same selectors and predicates as the web pages (the views)."""

from rest_framework import permissions

from api.models import ApiKey
from coordination import permissions as core

READ, WRITE = "read", "write"


def needed_scope(view, request) -> str:
    action = READ if request.method in permissions.SAFE_METHODS else WRITE
    return f"{view.resource}:{action}"


class ScopedAccess(permissions.BasePermission):
    """`view.resource` names the resource ("tasks"); `view.public` opens it to everyone."""

    def has_permission(self, request, view) -> bool:
        if getattr(view, "public", False):
            return request.method in permissions.SAFE_METHODS
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        if isinstance(request.auth, ApiKey):
            return needed_scope(view, request) in request.auth.scopes
        return core.can_use_staff_area(user)
