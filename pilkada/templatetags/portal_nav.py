"""Marks the navigation link of the section the person is in (aria-current), for every reader."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_current(context, url: str, exact: bool = False) -> str:
    request = context.get("request")
    if request is None:
        return ""
    path = request.path
    here = path == url if exact else path == url or path.startswith(url.rstrip("/") + "/")
    return mark_safe(' aria-current="page"') if here else ""  # noqa: S308 - a constant


@register.filter
def webcal(url: str) -> str:
    """The same address with the webcal: scheme, which phones open as "subscribe to calendar"."""
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return "webcal://" + url[len(scheme) :]
    return url
