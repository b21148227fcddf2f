from django.contrib import admin

from insiden.models import AckDeadline, Incident, IncidentHistory, RoutingRule


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["pk", "title", "category", "severity", "status", "region", "agency"]
    list_filter = ["status", "severity", "category", "visibility"]
    raw_id_fields = [
        "region", "regency", "agency", "reporter", "reporter_agency", "acknowledged_by",
        "risk", "duplicate_of",
    ]  # fmt: skip
    filter_horizontal = ["involved_agencies"]
    search_fields = ["title"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IncidentHistory)
class IncidentHistoryAdmin(admin.ModelAdmin):
    list_display = ["incident", "kind", "from_status", "to_status", "created_at"]
    raw_id_fields = ["incident", "author"]

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(RoutingRule)
admin.site.register(AckDeadline)
