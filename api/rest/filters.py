"""The query parameters of each list, validated (a bad value is a 400 problem, not ignored) and
bounded, then turned into the filter objects the web pages' selectors take."""

from rest_framework import serializers

from coordination.enums import AgencyKind, MeetingKind, RegionLevel, TaskCategory, TaskStatus
from coordination.selectors.readiness import TaskFilters
from insiden.enums import Category as IncidentCategory
from insiden.enums import Severity as IncidentSeverity
from insiden.enums import Status as IncidentStatus
from insiden.selectors.incidents import IncidentFilters
from kerawanan.enums import RiskCategory, RiskLevel, RiskStatus, Visibility
from kerawanan.selectors.risks import RiskFilters
from outreach.enums import AudienceSegment

REGION_CODE = r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$"
BIG_ID = 2**62


def _id(**kwargs):
    return serializers.IntegerField(required=False, min_value=1, max_value=BIG_ID, **kwargs)


def _text(**kwargs):
    return serializers.CharField(required=False, allow_blank=True, max_length=100, **kwargs)


def _region(**kwargs):
    return serializers.RegexField(REGION_CODE, required=False, allow_blank=True, **kwargs)


class RegionFilter(serializers.Serializer):
    parent = _region(help_text="The regions directly below this one (default: the provinces).")
    level = serializers.ChoiceField(choices=RegionLevel.choices, required=False)


class AgencyFilter(serializers.Serializer):
    region = _region(help_text="Agencies of this region and the regions below it.")
    kind = serializers.ChoiceField(choices=AgencyKind.choices, required=False)


class MeetingFilter(serializers.Serializer):
    when = serializers.ChoiceField(
        choices=["upcoming", "past", "all"], required=False, default="upcoming"
    )
    kind = serializers.ChoiceField(choices=MeetingKind.choices, required=False)
    region = _region()
    q = _text()


class TaskFilter(serializers.Serializer):
    region = _region()
    agency = _id()
    agency_kind = serializers.ChoiceField(choices=AgencyKind.choices, required=False)
    category = serializers.ChoiceField(choices=TaskCategory.choices, required=False)
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)
    stage = _id()
    election = _id()
    overdue = serializers.BooleanField(required=False, default=False)
    attention = serializers.BooleanField(required=False, default=False)
    q = _text()

    def filters(self) -> TaskFilters:
        data = self.validated_data
        return TaskFilters(
            region=data.get("region", ""),
            agency=data.get("agency"),
            agency_kind=data.get("agency_kind", ""),
            category=data.get("category", ""),
            status=data.get("status", ""),
            stage=data.get("stage"),
            election=data.get("election"),
            overdue=data.get("overdue", False),
            attention=data.get("attention", False),
            q=" ".join(data.get("q", "").split()),
        )


class RiskFilter(serializers.Serializer):
    region = _region()
    category = serializers.ChoiceField(choices=RiskCategory.choices, required=False)
    level = serializers.ChoiceField(choices=RiskLevel.choices, required=False)
    status = serializers.ChoiceField(choices=RiskStatus.choices, required=False)
    open = serializers.BooleanField(required=False, default=False)
    owner = _id()
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    q = _text()

    def filters(self) -> RiskFilters:
        data = self.validated_data
        return RiskFilters(
            region=data.get("region", ""),
            category=data.get("category", ""),
            levels=[data["level"]] if data.get("level") else [],
            status=data.get("status", ""),
            open_only=data.get("open", False),
            owner=data.get("owner"),
            visibility=data.get("visibility", ""),
            q=" ".join(data.get("q", "").split()),
        )


class IncidentFilter(serializers.Serializer):
    """The filters of the desk's incident list (`wilayah`, `kategori`, `keparahan`, `status`,
    `lembaga`, `terbuka`, `lewat`), by the API's names."""

    region = _region(help_text="Incidents of this region and the regions below it.")
    category = serializers.ChoiceField(choices=IncidentCategory.choices, required=False)
    severity = serializers.ChoiceField(choices=IncidentSeverity.choices, required=False)
    status = serializers.ChoiceField(choices=IncidentStatus.choices, required=False)
    agency = _id(help_text="The agency that must act.")
    open = serializers.BooleanField(required=False, default=False)
    overdue = serializers.BooleanField(
        required=False, default=False, help_text="Not acknowledged by the deadline."
    )

    def filters(self) -> IncidentFilters:
        data = self.validated_data
        return IncidentFilters(
            region=data.get("region", ""),
            category=data.get("category", ""),
            severity=data.get("severity"),
            status=data.get("status", ""),
            agency=data.get("agency"),
            open_only=data.get("open", False),
            overdue=data.get("overdue", False),
        )


class EventFilter(serializers.Serializer):
    """The filters of the public calendar and its open-data feeds, by the same names."""

    prov = serializers.RegexField(r"^\d{2}$", required=False, allow_blank=True)
    kab = serializers.RegexField(r"^\d{2}\.\d{2}$", required=False, allow_blank=True)
    kec = serializers.RegexField(r"^\d{2}\.\d{2}\.\d{2}$", required=False, allow_blank=True)
    metode = serializers.CharField(required=False, allow_blank=True, max_length=24)
    segmen = serializers.ChoiceField(choices=AudienceSegment.choices, required=False)
    dari = serializers.DateField(required=False)
    sampai = serializers.DateField(required=False)
    q = _text()
