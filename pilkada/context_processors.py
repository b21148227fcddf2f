from django.conf import settings

from coordination import permissions


def portal(request) -> dict:
    """What the base layout needs on every page: the person's access (lazily) and the site URL."""
    user = getattr(request, "user", None)
    return {
        "portal_access": (lambda: permissions.access_for(user)),
        "SITE_URL": settings.SITE_URL,
    }
