from django.contrib import admin

from reports.models import RenderedReport, ReportDownload
from reports.services import rendered_reports_delete
from security.admin import ClientAuditedChangeMixin


@admin.register(ReportDownload)
class ReportDownloadAdmin(ClientAuditedChangeMixin, admin.ModelAdmin):
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
class RenderedReportAdmin(ClientAuditedChangeMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "client", "status", "byte_size", "render_seconds"]
    list_filter = ["kind", "status"]
    list_select_related = ["client"]
    readonly_fields = [field.name for field in RenderedReport._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    # A row deleted here takes its PDF from storage with it.
    def delete_model(self, request, obj: RenderedReport) -> None:
        rendered_reports_delete(reports=RenderedReport.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        rendered_reports_delete(reports=queryset)
