"""The view guard: a view names the permission predicate it needs, as pretalx views name theirs.

    @predicate_required(permissions.can_view_dashboard)
    def dashboard_view(request): ...

The predicate takes the user and answers yes or no; a view that needs an object loads it and asks
the object's predicate itself (denying with 404 where the object's existence is private). The
same predicates hide buttons in templates, so a page never offers what the server refuses.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def predicate_required(predicate: Callable[[object], bool]):
    """Login required (a redirect to the login page), then 403 unless `predicate(user)`."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_predicate = predicate
        return wrapped

    return decorator
