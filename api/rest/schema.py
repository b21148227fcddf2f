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
