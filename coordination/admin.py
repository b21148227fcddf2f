"""Django admin for superusers; writes that carry rules (invitations, roles) go via services."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from coordination.models import (
    Agency,
    Checklist,
    ChecklistItem,
    Election,
    ElectionStage,
    Invitation,
    Meeting,
    MeetingDocument,
    MeetingInvitee,
    Membership,
    Person,
    ReadinessTask,
    Region,
    TaskUpdate,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "timezone", "is_remote"]
    list_filter = ["level", "timezone", "is_remote"]
    search_fields = ["code", "name"]
    list_editable = ["is_remote"]
    raw_id_fields = ["parent"]
    show_full_result_count = False  # counting 83k villages on every page is wasted work


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["agency"]


@admin.register(Person)
class PersonAdmin(UserAdmin):
    ordering = ["full_name"]
    list_display = ["email", "full_name", "is_active", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_superuser", "language"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Data diri"),
            {"fields": ["full_name", "phone", "position", "language", "receives_digests"]},
        ),
        (
            _("Hak akses"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Waktu"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "region__name"]
    raw_id_fields = ["region"]
    list_select_related = ["region"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "agency",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_select_related = ["agency"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["token_hash", "created_at", "accepted_at"]
    raw_id_fields = ["agency", "invited_by"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "region", "starts_at", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["region", "organiser", "series", "created_by"]
    filter_horizontal = ["invited_agencies"]
    list_select_related = ["region"]


@admin.register(MeetingInvitee)
class MeetingInviteeAdmin(admin.ModelAdmin):
    list_display = ["meeting", "person", "response", "attended"]
    raw_id_fields = ["meeting", "person", "agency", "delegate"]
    list_select_related = ["meeting", "person"]


# --- readiness ------------------------------------------------------------------------------
# Tables here reach national size (500k tasks, their history): foreign keys are raw ids, lists
# select their related rows in the same query, and nothing counts the whole table per page.


class ElectionStageInline(admin.TabularInline):
    model = ElectionStage
    extra = 0
    fields = ["order", "name", "starts_on", "ends_on"]


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ["name", "voting_day", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    inlines = [ElectionStageInline]


@admin.register(ElectionStage)
class ElectionStageAdmin(admin.ModelAdmin):
    list_display = ["name", "election", "starts_on", "ends_on", "order"]
    list_filter = ["election"]
    search_fields = ["name"]
    list_select_related = ["election"]
    raw_id_fields = ["election"]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = [
        "order",
        "title",
        "category",
        "agency_kind",
        "days_before_voting",
        "priority",
        "stage",
    ]
    raw_id_fields = ["stage"]


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["name", "election", "created_by", "created_at"]
    list_filter = ["election"]
    search_fields = ["name"]
    list_select_related = ["election", "created_by"]
    raw_id_fields = ["election", "created_by"]
    readonly_fields = ["created_at"]
    inlines = [ChecklistItemInline]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["title", "checklist", "category", "agency_kind", "days_before_voting"]
    list_filter = ["category", "agency_kind"]
    search_fields = ["title", "checklist__name"]
    list_select_related = ["checklist"]
    raw_id_fields = ["checklist", "stage"]


class ReadOnlyAdminMixin:
    """The status history is append-only: the admin shows it and never writes it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TaskUpdateInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TaskUpdate
    extra = 0
    fields = ["created_at", "author", "from_status", "to_status", "to_progress", "note"]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]


@admin.register(ReadinessTask)
class ReadinessTaskAdmin(admin.ModelAdmin):
    list_display = ["title", "region", "agency", "category", "due_on", "status", "progress"]
    list_filter = ["status", "category", "priority"]
    search_fields = ["title"]
    list_select_related = ["region", "agency"]
    raw_id_fields = ["election", "stage", "region", "agency", "meeting", "checklist_item"]
    # Status and progress change only through status updates, so the history stays complete.
    readonly_fields = ["status", "progress", "created_by", "created_at", "updated_at"]
    # Newest first by primary key: the index answers it without sorting 500k rows.
    ordering = ["-id"]
    show_full_result_count = False
    inlines = [TaskUpdateInline]


@admin.register(TaskUpdate)
class TaskUpdateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["task", "author", "created_at", "from_status", "to_status", "to_progress"]
    list_filter = ["to_status"]
    list_select_related = ["task", "author"]
    raw_id_fields = ["task", "author"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    ordering = ["-id"]
    show_full_result_count = False


@admin.register(MeetingDocument)
class MeetingDocumentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "meeting", "content_type", "size", "uploaded_at"]
    search_fields = ["original_name", "meeting__title"]
    list_select_related = ["meeting"]
    raw_id_fields = ["meeting", "uploaded_by"]
    # A document is uploaded from the meeting page (type and size checks); here it is only
    # inspected or removed, and removing it also removes the stored file.
    readonly_fields = ["file", "original_name", "content_type", "size", "uploaded_at"]

    def has_add_permission(self, request):
        return False
