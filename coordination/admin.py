"""Django admin for superusers; writes that carry rules (invitations, roles) go via services."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from coordination.models import (
    Agency,
    Invitation,
    Meeting,
    MeetingInvitee,
    Membership,
    Person,
    Region,
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
