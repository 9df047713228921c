from django.contrib import admin

from reports.models import RenderedReport, ReportDownload


@admin.register(ReportDownload)
class ReportDownloadAdmin(admin.ModelAdmin):
    """A read-only log: who downloaded which report, and when."""

    list_display = ["downloaded_at", "user", "kind", "client", "assessment", "includes_drafts"]
    list_filter = ["kind", "includes_drafts"]
    list_select_related = ["user", "client", "assessment__client"]
    date_hierarchy = "downloaded_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RenderedReport)
class RenderedReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "client", "status", "byte_size", "render_seconds"]
    list_filter = ["kind", "status"]
    list_select_related = ["client"]
    readonly_fields = [field.name for field in RenderedReport._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
