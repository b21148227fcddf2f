"""Shareable addresses: a filter form sent without JavaScript puts every field into the URL,
empty or not (`?kab=17.02&segmen=&dari=&sampai=&q=`); a shared link should carry only what was
chosen."""

from functools import wraps
from urllib.parse import urlencode

from django.http import HttpResponseRedirect


def drop_empty_parameters(view):
    """Redirect (302) a GET with empty query parameters to the same address without them."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method in ("GET", "HEAD") and request.GET:
            pairs = [(k, v) for k, values in request.GET.lists() for v in values]
            kept = [(k, v) for k, v in pairs if v.strip()]
            if len(kept) != len(pairs):
                query = urlencode(kept)
                return HttpResponseRedirect(request.path + ("?" + query if query else ""))
        return view(request, *args, **kwargs)

    return wrapped
