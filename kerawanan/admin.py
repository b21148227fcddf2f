"""Django admin for superusers. Risks are read here and changed through the register's pages
(the services keep the level and the history); the IKP taxonomy is kept through its service."""

from django.contrib import admin

from kerawanan.models import AgendaItem, IkpDimension, Mitigation, Risk, RiskChange
from kerawanan.services.taxonomy import dimension_create, dimension_update


class RiskChangeInline(admin.TabularInline):
    model = RiskChange
    extra = 0
    can_delete = False
    fields = ["created_at", "author", "kind", "changes", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Risk)
class RiskAdmin(ReadOnlyAdmin):
    list_display = ["title", "region", "category", "level", "status", "visibility", "owner"]
    list_filter = ["level", "status", "visibility", "category", "source"]
    search_fields = ["title", "region__code", "region__name", "owner__name"]
    raw_id_fields = ["region", "owner"]
    list_select_related = ["region", "owner"]
    inlines = [RiskChangeInline]
    show_full_result_count = False


@admin.register(Mitigation)
class MitigationAdmin(ReadOnlyAdmin):
    list_display = ["risk", "task", "created_by", "created_at"]
    raw_id_fields = ["risk", "task"]


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "risk", "added_by", "added_at"]
    raw_id_fields = ["meeting", "risk"]


@admin.register(IkpDimension)
class IkpDimensionAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "order", "is_active"]
    list_filter = ["is_active", "parent"]
    fields = ["name", "parent", "order", "is_active"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            dimension_update(
                actor=request.user,
                dimension=obj,
                name=obj.name,
                order=obj.order,
                is_active=obj.is_active,
            )
        else:
            created = dimension_create(
                actor=request.user, name=obj.name, parent=obj.parent, order=obj.order
            )
            obj.pk = created.pk

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # retire a dimension instead: risks keep what they were classified as
