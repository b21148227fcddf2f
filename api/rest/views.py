"""The resources of /api/v1/. Each list and each object is read through the selector the web
page uses, for the caller's rights (a person's, or a key's agency's: `api.rest.authentication`):
an object the caller may not read answers 404 as a missing one does, as on the web."""

import json

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as out
from api.models import ApiKey
from api.rest import filters
from api.rest.problems import problem_response
from api.services.idempotency import KeyInvalid, KeyReused, fingerprint_of, idempotent_run
from coordination import api as coordination_api
from coordination import permissions as core
from coordination.enums import RegionLevel
from coordination.models import Region
from coordination.selectors.meetings import (
    meeting_for_detail,
    meeting_invitee_rows,
    meeting_response_counts,
    meetings_filtered,
    meetings_for_list,
)
from coordination.selectors.people import agencies_visible_to
from coordination.selectors.readiness import task_for_detail, tasks_filtered
from kerawanan import permissions as register
from kerawanan.selectors.risks import risk_for_detail, risks_filtered
from outreach.forms.calendar import CalendarFilterForm
from outreach.selectors.events import open_data_events, public_event_get

ID = r"[0-9]{1,18}"
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Send the same key again to get the first answer instead of a second write.",
)


def valid_params(serializer_class, request):
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer


class ApiViewSet(viewsets.GenericViewSet):
    """ETag on every read (304 to a client that has it), and no shared caching."""

    resource = ""
    public = False
    cursor_ordering: tuple[str, ...] = ("id",)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, private=True, no_cache=True)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response.render()
            set_response_etag(response)
            response = get_conditional_response(
                request, etag=response.headers["ETag"], response=response
            )
        return response


@extend_schema_view(list=extend_schema(parameters=[filters.RegionFilter]))
class RegionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """The region hierarchy (provinces, regencies, districts, villages): open to everyone."""

    resource, public = "regions", True
    serializer_class = out.RegionSerializer
    lookup_field = "code"
    lookup_value_regex = r"[0-9.]{2,13}"
    cursor_ordering = ("code",)

    def get_queryset(self):
        if self.action != "list":
            return Region.objects.all()
        data = valid_params(filters.RegionFilter, self.request).validated_data
        qs = Region.objects.all()
        if data.get("parent"):
            qs = qs.filter(parent_id=data["parent"])
        if data.get("level"):
            qs = qs.filter(level=data["level"])
        elif not data.get("parent"):
            qs = qs.filter(level=RegionLevel.PROVINCE)
        return qs


@extend_schema_view(list=extend_schema(parameters=[filters.EventFilter]))
class EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Public outreach events, with the fields and filters of the open-data feeds."""

    resource, public = "events", True
    serializer_class = out.EventSerializer
    lookup_value_regex = ID
    cursor_ordering = ("starts_at", "id")

    def get_queryset(self):
        form = CalendarFilterForm(self.request.query_params)
        valid_params(filters.EventFilter, self.request)
        if not form.is_valid():
            raise ValidationError(form.errors)
        return open_data_events(filters=form.filters())

    def get_object(self):
        event = public_event_get(pk=int(self.kwargs["pk"]))
        if event is None:
            raise Http404
        return event


@extend_schema_view(list=extend_schema(parameters=[filters.AgencyFilter]))
class AgencyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Agencies the caller sees: all of their KPU regions, and their own."""

    resource = "agencies"
    serializer_class = out.AgencySerializer
    lookup_value_regex = ID

    def get_queryset(self):
        qs = agencies_visible_to(user=self.request.user)
        if self.action == "list":
            data = valid_params(filters.AgencyFilter, self.request).validated_data
            if data.get("region"):
                qs = qs.filter(core.subtree_q([data["region"]]))
            if data.get("kind"):
                qs = qs.filter(kind=data["kind"])
        return qs


@extend_schema_view(
    list=extend_schema(parameters=[filters.MeetingFilter]),
    retrieve=extend_schema(responses=out.MeetingDetailSerializer),
)
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Meetings the caller may see, each with its invitations and their answers."""

    resource = "meetings"
    serializer_class = out.MeetingSerializer
    lookup_value_regex = ID

    @property
    def cursor_ordering(self):
        if self.request.query_params.get("when") == "past":
            return ("-starts_at", "-id")
        return ("starts_at", "id")

    def get_queryset(self):
        data = valid_params(filters.MeetingFilter, self.request).validated_data
        return meetings_filtered(
            user=self.request.user,
            when=data.get("when", "upcoming"),
            kind=data.get("kind", ""),
            region=data.get("region", ""),
            q=" ".join(data.get("q", "").split()),
        )

    def list(self, request, *args, **kwargs):
        # As the web list does: a page of ids in the list's order, then the page's meetings with
        # their region, organiser, counts and agencies (a constant number of queries).
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        meetings = meetings_for_list(ids=[meeting.pk for meeting in page])
        return self.get_paginated_response(self.get_serializer(meetings, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        meeting = meeting_for_detail(pk=int(kwargs["pk"]))
        if meeting is None or not core.can_view_meeting(request.user, meeting):
            raise Http404
        meeting.invitee_rows = list(meeting_invitee_rows(meeting=meeting))
        meeting.response_counts = meeting_response_counts(meeting=meeting)
        return Response(out.MeetingDetailSerializer(meeting).data)


@extend_schema_view(list=extend_schema(parameters=[filters.TaskFilter]))
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Readiness tasks the caller may see; their status is updated as on the task page."""

    resource = "tasks"
    serializer_class = out.TaskSerializer
    lookup_value_regex = ID
    cursor_ordering = ("due_on", "id")

    def get_queryset(self):
        data = valid_params(filters.TaskFilter, self.request)
        return tasks_filtered(user=self.request.user, filters=data.filters())

    def get_object(self):
        task = task_for_detail(pk=int(self.kwargs["pk"]))
        if task is None or not core.can_view_task(self.request.user, task):
            raise Http404
        return task

    @extend_schema(
        request=out.TaskStatusSerializer,
        responses={200: out.TaskSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"], url_path="status")
    def status(self, request, pk=None):
        """Set the status, progress and note, through the same service as the task page (the
        history entry, the permission check, the readiness figures)."""
        task = self.get_object()
        if not core.can_update_task(request.user, task):
            raise PermissionDenied
        update = out.TaskStatusSerializer(data=request.data)
        update.is_valid(raise_exception=True)

        def run():
            coordination_api.task_status_update(
                actor=request.user, task=task, **update.validated_data
            )
            return status.HTTP_200_OK, out.TaskSerializer(task).data

        return idempotent(request, run)


@extend_schema_view(list=extend_schema(parameters=[filters.RiskFilter]))
class RiskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Risks of the register the caller may read (the register's own visibility rules)."""

    resource = "risks"
    serializer_class = out.RiskSerializer
    lookup_value_regex = ID

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not register.can_use_register(request.user):
            raise PermissionDenied

    def get_queryset(self):
        data = valid_params(filters.RiskFilter, self.request)
        return risks_filtered(user=self.request.user, filters=data.filters())

    def get_object(self):
        risk = risk_for_detail(user=self.request.user, pk=int(self.kwargs["pk"]))
        if risk is None:
            raise Http404
        return risk


def client_of(request) -> str:
    if isinstance(request.auth, ApiKey):
        return f"key:{request.auth.pk}"
    return f"person:{request.user.pk}"


def idempotent(request, run) -> Response:
    """Run a write once per Idempotency-Key (when the header is sent)."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        code, body = run()
        return Response(body, status=code)
    body = json.dumps(request.data, sort_keys=True, default=str).encode()
    fingerprint = fingerprint_of(method=request.method, path=request.path, body=body)
    try:
        outcome = idempotent_run(
            client=client_of(request), key=key, fingerprint=fingerprint, run=run
        )
    except KeyInvalid:
        return problem_response(400, "Idempotency-Key must be 1 to 255 printable ASCII characters.")
    except KeyReused:
        return problem_response(422, "This Idempotency-Key was used with a different request.")
    response = Response(outcome.body, status=outcome.status_code)
    if outcome.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any address under /api/v1/ that names no resource: a 404 problem document like the API's
    other errors, not the site's HTML page (a client parses one format)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request, *args, **kwargs):
        raise NotFound("No resource at this address; see /api/v1/docs/.")

    post = put = patch = delete = options = get
