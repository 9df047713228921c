from django.contrib import admin

from security.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "client", "url_name", "ip_address"]
    list_filter = [
        "action",
        ("user", admin.RelatedOnlyFieldListFilter),
        ("client", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["user__username", "client__first_name", "client__last_name", "path"]
    list_select_related = ["user", "client"]
    date_hierarchy = "at"

    # The trail is evidence: nobody edits it by hand.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
