"""How the API shows each resource (and what a webhook event carries): plain read-only
serializers over the rows the selectors return. Public outreach events are shown with the very
fields of the open-data feeds (`outreach.feeds.event_record`)."""

from rest_framework import serializers

from coordination.enums import (
    RSVP,
    AgencyKind,
    MeetingKind,
    MeetingStatus,
    RegionLevel,
    TaskCategory,
    TaskPriority,
    TaskStatus,
)
from coordination.models import Agency, Meeting, MeetingInvitee, ReadinessTask, Region
from insiden.enums import MAX_TPS_NUMBER
from insiden.enums import Category as IncidentCategory
from insiden.enums import Severity as IncidentSeverity
from insiden.enums import Source as IncidentSource
from insiden.enums import Status as IncidentStatus
from insiden.enums import Visibility as IncidentVisibility
from insiden.models import Incident
from kerawanan.enums import RiskCategory, RiskSource, RiskStatus, Visibility
from kerawanan.models import Risk
from outreach.feeds import event_record


class RegionSerializer(serializers.ModelSerializer):
    level = serializers.ChoiceField(choices=RegionLevel.choices)
    parent = serializers.CharField(source="parent_id", allow_null=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "timezone", "is_remote"]


class AgencySerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=AgencyKind.choices)
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")

    class Meta:
        model = Agency
        fields = [
            "id", "name", "short_name", "kind", "region", "region_name",
            "email", "phone", "website", "is_active",
        ]  # fmt: skip


class InviteeSerializer(serializers.ModelSerializer):
    person = serializers.CharField(source="person.full_name")
    agency = serializers.IntegerField(source="agency_id", allow_null=True)
    response = serializers.ChoiceField(choices=RSVP.choices)
    delegate = serializers.SerializerMethodField()

    class Meta:
        model = MeetingInvitee
        fields = ["person", "agency", "response", "responded_at", "delegate", "attended"]

    def get_delegate(self, row) -> str | None:
        return row.delegate.full_name if row.delegate_id else None


class MeetingSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    status = serializers.ChoiceField(choices=MeetingStatus.choices)
    region = serializers.CharField(source="region_id")
    organiser = serializers.IntegerField(source="organiser_id")
    invited_agencies = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id", "uid", "title", "kind", "status", "region", "organiser", "starts_at",
            "ends_at", "location", "online_url", "agenda", "invited_agencies",
            "cancel_reason", "sequence", "updated_at",
        ]  # fmt: skip

    def get_invited_agencies(self, meeting) -> list[int]:
        return sorted(agency.pk for agency in meeting.invited_agencies.all())


class MeetingDetailSerializer(MeetingSerializer):
    """A meeting with its invitations and their answers, as its page shows them."""

    invitees = InviteeSerializer(many=True, source="invitee_rows")
    responses = serializers.DictField(child=serializers.IntegerField(), source="response_counts")

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "invitees", "responses"]


class TaskSerializer(serializers.ModelSerializer):
    category = serializers.ChoiceField(choices=TaskCategory.choices)
    priority = serializers.ChoiceField(choices=TaskPriority.choices)
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    region = serializers.CharField(source="region_id")
    agency = serializers.IntegerField(source="agency_id")
    election = serializers.IntegerField(source="election_id")
    stage = serializers.IntegerField(source="stage_id", allow_null=True)
    meeting = serializers.IntegerField(source="meeting_id", allow_null=True)

    class Meta:
        model = ReadinessTask
        fields = [
            "id", "title", "description", "category", "priority", "status", "progress",
            "region", "agency", "election", "stage", "meeting", "due_on", "updated_at",
        ]  # fmt: skip


class TaskStatusSerializer(serializers.Serializer):
    """A status update, as the task page's form sends it (the service checks the rest)."""

    status = serializers.ChoiceField(choices=TaskStatus.choices)
    progress = serializers.IntegerField(required=False, min_value=0, max_value=100)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    evidence_url = serializers.URLField(required=False, allow_blank=True, max_length=500)


class RiskSerializer(serializers.ModelSerializer):
    category = serializers.ChoiceField(choices=RiskCategory.choices)
    source = serializers.ChoiceField(choices=RiskSource.choices)
    status = serializers.ChoiceField(choices=RiskStatus.choices)
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    region = serializers.CharField(source="region_id")
    owner = serializers.IntegerField(source="owner_id")
    dimension = serializers.IntegerField(source="dimension_id")
    subdimension = serializers.IntegerField(source="subdimension_id", allow_null=True)
    tps_numbers = serializers.ListField(child=serializers.IntegerField())

    class Meta:
        model = Risk
        fields = [
            "id", "title", "description", "category", "dimension", "subdimension",
            "likelihood", "impact", "level", "source", "region", "tps_numbers", "owner",
            "status", "visibility", "review_on", "updated_at",
        ]  # fmt: skip


class IncidentSerializer(serializers.ModelSerializer):
    """An incident as the desk shows it to whoever may read it: never the reporter's person or
    contact, nor a linked risk (which the reader may not be allowed to see)."""

    category = serializers.ChoiceField(choices=IncidentCategory.choices)
    severity = serializers.ChoiceField(choices=IncidentSeverity.choices)
    status = serializers.ChoiceField(choices=IncidentStatus.choices)
    visibility = serializers.ChoiceField(choices=IncidentVisibility.choices)
    source = serializers.ChoiceField(choices=IncidentSource.choices)
    region = serializers.CharField(source="region_id")
    regency = serializers.CharField(source="regency_id")
    agency = serializers.IntegerField(source="agency_id")
    agency_name = serializers.CharField(source="agency.name")
    reporter_agency = serializers.IntegerField(source="reporter_agency_id", allow_null=True)
    involved_agencies = serializers.SerializerMethodField()
    duplicate_of = serializers.IntegerField(source="duplicate_of_id", allow_null=True)

    class Meta:
        model = Incident
        fields = [
            "id", "title", "description", "category", "severity", "status", "visibility",
            "occurred_at", "region", "regency", "tps_number", "agency", "agency_name",
            "involved_agencies", "source", "reporter_agency", "ack_due_at", "acknowledged_at",
            "resolved_at", "escalation_level", "duplicate_of", "created_at", "updated_at",
        ]  # fmt: skip

    def get_involved_agencies(self, incident) -> list[int]:
        return sorted(agency.pk for agency in incident.involved_agencies.all())


class LocalDateTimeField(serializers.DateTimeField):
    """A time with its offset, or without one: then it is the region's local time, as on the
    report form (the view makes it aware once the region is known)."""

    def enforce_timezone(self, value):
        return value if value.tzinfo is None else super().enforce_timezone(value)


class IncidentCreateSerializer(serializers.Serializer):
    """A report, with the fields of the desk's report form (photos are added on the web page);
    the service checks the rest, as it does for the form."""

    title = serializers.CharField(max_length=140)
    category = serializers.ChoiceField(choices=IncidentCategory.choices)
    severity = serializers.ChoiceField(choices=IncidentSeverity.choices)
    region = serializers.RegexField(
        r"^\d{2}\.\d{2}(\.\d{2}(\.\d{4})?)?$",
        help_text="A regency, district or village code (17.01, 17.01.01, 17.01.01.2001).",
    )
    tps_number = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_TPS_NUMBER
    )
    occurred_at = LocalDateTimeField(
        help_text="ISO 8601; without an offset it is the region's local time."
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    visibility = serializers.ChoiceField(
        choices=IncidentVisibility.choices, required=False, default=IncidentVisibility.RESTRICTED
    )
    reporter_agency = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**62
    )


class IncidentStatusSerializer(serializers.Serializer):
    """A step of the lifecycle, as the incident page's status form sends it."""

    status = serializers.ChoiceField(choices=IncidentStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class IncidentAcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class EventSerializer(serializers.Serializer):
    """A public outreach event, field for field as in the open-data feeds."""

    id = serializers.IntegerField()
    uid = serializers.CharField()
    url = serializers.URLField()
    title = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    method = serializers.CharField()
    method_label = serializers.CharField()
    face_to_face = serializers.BooleanField()
    segments = serializers.ListField(child=serializers.CharField())
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    regency = serializers.CharField()
    district = serializers.CharField()
    village = serializers.CharField()
    venue = serializers.CharField()
    channel = serializers.CharField()
    online_url = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    timezone = serializers.CharField()
    organiser = serializers.CharField()
    partners = serializers.ListField(child=serializers.CharField())
    participants = serializers.IntegerField(allow_null=True)
    women = serializers.IntegerField(allow_null=True)
    people_with_disabilities = serializers.IntegerField(allow_null=True)
    first_time_voters = serializers.IntegerField(allow_null=True)
    sequence = serializers.IntegerField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, instance):
        return event_record(instance)


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
