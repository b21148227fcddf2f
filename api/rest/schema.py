"""The OpenAPI schema's view of the API: every operation documents its problem answers."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse

from api.serializers import ProblemSerializer


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        problem = OpenApiResponse(ProblemSerializer, description="Problem details (RFC 9457)")
        codes = ["400", "401", "403", "404", "406", "429"]
        if self.method not in ("GET", "HEAD"):
            codes += ["405", "415", "422"]
        else:
            codes += ["405"]
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    problem, code, media_types=["application/problem+json"]
                )
        return responses


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.rest.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An agency's API key (pk_...), made by KPU staff in the portal.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.rest.authentication.SessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


def _links(expression: str, *operations: str) -> dict:
    return {
        "".join(part.title() for part in op.split("_")): {
            "operationId": op,
            "parameters": {"id": expression},
        }
        for op in operations
    }


# OpenAPI links: from a report to the incident and its actions, from a page of a list to its
# first row and what may be done to it. A client may follow them; the stateful phase of the
# schemathesis run does (tests/integration/api/test_schemathesis.py).
LINKS = {
    ("/api/v1/incidents/", "post", "201"): _links(
        "$response.body#/id",
        "incidents_retrieve",
        "incidents_acknowledge_create",
        "incidents_status_create",
    ),
    ("/api/v1/incidents/", "get", "200"): _links(
        "$response.body#/results/0/id", "incidents_retrieve", "incidents_status_create"
    ),
    ("/api/v1/incidents/{id}/", "get", "200"): _links(
        "$response.body#/id", "incidents_acknowledge_create", "incidents_status_create"
    ),
    ("/api/v1/tasks/", "get", "200"): _links(
        "$response.body#/results/0/id", "tasks_retrieve", "tasks_status_create"
    ),
    ("/api/v1/tasks/{id}/", "get", "200"): _links("$response.body#/id", "tasks_status_create"),
}


def add_links(result, generator, request, public):
    """drf-spectacular's postprocessing hook (SPECTACULAR_SETTINGS) that writes LINKS."""
    for (path, method, code), links in LINKS.items():
        operation = result.get("paths", {}).get(path, {}).get(method)
        if operation is not None and code in operation.get("responses", {}):
            operation["responses"][code]["links"] = links
    return result
