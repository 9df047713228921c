from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from clients.models import Client
from security.audit import audit
from security.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows, never adds, changes or deletes."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The trail is evidence: nobody edits it by hand."""

    list_display = ["at", "user", "action", "client", "url_name", "ip_address"]
    list_filter = [
        "action",
        ("user", admin.RelatedOnlyFieldListFilter),
        ("client", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["user__username", "client__first_name", "client__last_name", "path"]
    list_select_related = ["user", "client"]
    date_hierarchy = "at"


class ClientPrivacyAdmin(ReadOnlyAdmin):
    """Read-only list of clients for the admin, to answer a client's request about their data.

    Shows no health data itself: the links lead to the export and the erasure pages.
    Deleting here would skip the erasure's history, files and accounts.
    """

    list_display = ["__str__", "trainer", "is_archived", "created_at", "privacy_links"]
    list_filter = ["is_archived", ("trainer", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["first_name", "last_name"]
    list_select_related = ["trainer"]
    fields = ["first_name", "last_name", "trainer", "is_archived", "created_at", "privacy_links"]
    readonly_fields = fields
    actions = None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # Shown only when the client exists; a missing id redirects to the index.
        if response.status_code == 200:
            audit(request, client_id=int(object_id))
        return response

    @admin.display(description="Client's data")
    def privacy_links(self, client: Client) -> str:
        return format_html(
            '<a href="{}">Download all data</a> · <a href="{}">Erase client</a>',
            reverse("security:client_export", kwargs={"client_pk": client.pk}),
            reverse("security:client_erase", kwargs={"client_pk": client.pk}),
        )


# The clients app may one day register its own admin; then it gets these links from there.
if not admin.site.is_registered(Client):
    admin.site.register(Client, ClientPrivacyAdmin)
