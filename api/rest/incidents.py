"""The incident desk in the API: the list and the page of an incident read through the desk's
selectors (its visibility rule: an incident the caller may not read answers 404), a report and a
status change through the desk's own services (`insiden.api`), asked the desk's predicates. A
key reports as a system of its agency (source "api"); a person's session as on the form."""

import hashlib
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action

from api import serializers as out
from api.models import ApiKey
from api.rest import filters
from api.rest.views import ID, IDEMPOTENCY_HEADER, ApiViewSet, client_of, idempotent, valid_params
from coordination.models import Agency, Region
from insiden import api as desk_api
from insiden import permissions as desk
from insiden.enums import UNACKNOWLEDGED, Source
from insiden.selectors.incidents import incident_for_detail, incidents_filtered


def _report_kwargs(data: dict) -> dict:
    """The service's arguments from a valid report: the region and the agency by their codes
    (unknown ones are the field's error), a time without offset in the region's zone."""
    region = Region.objects.filter(code=data["region"]).first()
    if region is None:
        raise ValidationError(
            {"region": _("Wilayah tidak ditemukan: %(v)s.") % {"v": data["region"]}}
        )
    kwargs = {
        "title": data["title"],
        "category": data["category"],
        "severity": data["severity"],
        "region": region,
        "tps_number": data.get("tps_number"),
        "description": data.get("description", ""),
        "visibility": data["visibility"],
    }
    when = data["occurred_at"]
    if timezone.is_naive(when):
        when = timezone.make_aware(when, ZoneInfo(region.timezone))
    kwargs["occurred_at"] = when
    if data.get("reporter_agency"):
        agency = Agency.objects.filter(pk=data["reporter_agency"], is_active=True).first()
        if agency is None:
            raise ValidationError({"reporter_agency": _("Anda bukan anggota lembaga ini.")})
        kwargs["reporter_agency"] = agency
    return kwargs


def _service_key(request) -> str | None:
    """The report's own key for the desk's service (one incident per key, even from two
    requests at once), made from the caller and its Idempotency-Key."""
    key = request.headers.get("Idempotency-Key")
    if not key:
        return None
    return hashlib.sha256(f"api|{client_of(request)}|{key}".encode()).hexdigest()


@extend_schema_view(
    list=extend_schema(parameters=[filters.IncidentFilter]),
    create=extend_schema(
        request=out.IncidentCreateSerializer,
        responses={201: out.IncidentSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    ),
)
class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Incidents the caller may read (terbatas and rahasia as on the desk); report one; change
    its status or acknowledge it where the desk allows the caller to."""

    resource = "incidents"
    serializer_class = out.IncidentSerializer
    lookup_value_regex = ID
    cursor_ordering = ("-created_at", "-id")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not desk.can_use_desk(request.user):
            raise PermissionDenied

    def get_queryset(self):
        data = valid_params(filters.IncidentFilter, self.request)
        return incidents_filtered(
            user=self.request.user, filters=data.filters(), now=timezone.now()
        ).prefetch_related("involved_agencies")

    def get_object(self):
        incident = incident_for_detail(user=self.request.user, pk=int(self.kwargs["pk"]))
        if incident is None:
            raise Http404
        return incident

    def create(self, request, *args, **kwargs):
        """Report an incident through the desk's service: routed to the agency that must act,
        which is told at once. With an Idempotency-Key a retry answers the first incident."""
        if not desk.can_report_incident(request.user):
            raise PermissionDenied
        report = out.IncidentCreateSerializer(data=request.data)
        report.is_valid(raise_exception=True)
        source = Source.API if isinstance(request.auth, ApiKey) else Source.MEMBER

        def run():
            incident = desk_api.incident_create(
                actor=request.user,
                source=source,
                idempotency_key=_service_key(request),
                **_report_kwargs(report.validated_data),
            )
            return status.HTTP_201_CREATED, out.IncidentSerializer(incident).data

        return idempotent(request, run)

    @extend_schema(
        request=out.IncidentStatusSerializer,
        responses={200: out.IncidentSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"], url_path="status")
    def status(self, request, pk=None):
        """One step of the incident's lifecycle, through the desk's service (its history, the
        situation room's counters, the escalation): only the steps the desk offers the caller."""
        incident = self.get_object()
        if not desk.allowed_statuses(request.user, incident):
            raise PermissionDenied
        change = out.IncidentStatusSerializer(data=request.data)
        change.is_valid(raise_exception=True)

        def run():
            changed = desk_api.incident_status_change(
                actor=request.user, incident=incident, **change.validated_data
            )
            return status.HTTP_200_OK, out.IncidentSerializer(changed).data

        return idempotent(request, run)

    @extend_schema(
        request=out.IncidentAcknowledgeSerializer,
        responses={200: out.IncidentSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @action(detail=True, methods=["post"], url_path="acknowledge")
    def acknowledge(self, request, pk=None):
        """The responsible agency takes the incident and its escalation stops. An incident that
        is already acknowledged stays as it is (a second call is harmless), as on the desk."""
        incident = self.get_object()
        if incident.status in UNACKNOWLEDGED and not desk.can_acknowledge_incident(
            request.user, incident
        ):
            raise PermissionDenied
        note = out.IncidentAcknowledgeSerializer(data=request.data)
        note.is_valid(raise_exception=True)

        def run():
            taken = desk_api.incident_acknowledge(
                actor=request.user, incident=incident, note=note.validated_data.get("note", "")
            )
            return status.HTTP_200_OK, out.IncidentSerializer(taken).data

        return idempotent(request, run)
