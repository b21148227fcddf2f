"""The schema and its two documentation pages, served by the portal itself (the sidecar's
Swagger UI and Redoc files, no CDN), with templates that carry no inline script: Swagger UI's
start script is a request of its own (drf-spectacular's split view). Both libraries set styles
from script, so their pages allow inline styles (and Redoc's search worker from a blob:)."""

from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from api.rest.access import ScopedAccess


class SchemaView(SpectacularAPIView):
    resource, public = "schema", True
    permission_classes = [ScopedAccess]


@method_decorator(csp_update({"style-src": ["'unsafe-inline'"]}), name="dispatch")
class SwaggerView(SpectacularSwaggerSplitView):
    resource, public = "docs", True
    permission_classes = [ScopedAccess]
    template_name = "api/docs/swagger.html"


@method_decorator(
    csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]}),
    name="dispatch",
)
class RedocView(SpectacularRedocView):
    resource, public = "docs", True
    permission_classes = [ScopedAccess]
    template_name = "api/docs/redoc.html"
