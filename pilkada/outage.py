"""What a request gets while the database is unreachable (a failover, a restart): a plain 503.

Django turns any unhandled exception into its 500 page. A lost database is not a bug in the
page but a passing outage, so the answer is 503 with Retry-After (load balancers and nginx's
`proxy_cache_use_stale http_503` know what that means) and a page that needs neither the
database nor a template context. Every other error keeps the ordinary 500 page.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 30

# psycopg reports a server that is gone, restarting or refusing connections as one of these.
DATABASE_DOWN = (OperationalError, InterfaceError)


def database_down(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, DATABASE_DOWN):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


@requires_csrf_token
def server_error(request, template_name: str = "500.html"):
    """handler500: 503 when the failure was the database, else the usual 500 page."""
    if database_down(sys.exc_info()[1]):
        body = loader.get_template("503.html").render()
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponseServerError(loader.get_template(template_name).render())
