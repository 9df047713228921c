from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse

from clients.models import Client
from security.audit import Action, audit
from security.models import AuditEvent

# The export and erasure links beside a client in the admin.
LINK_TEMPLATE = "admin/security/_client_link.html"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows, never adds, changes or deletes."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ClientAuditedChangeMixin:
    """For the admin of a model whose rows name a client: each change page shown is
    audited as a view of that client."""

    def audited_client_id(self, obj) -> int:
        return obj.client_id

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # Shown only when the row exists and the user may see it: a missing id redirects
        # to the index, a missing right raises PermissionDenied before this line.
        if response.status_code == 200:
            obj = response.context_data["original"]
            audit(request, client_id=self.audited_client_id(obj), action=Action.VIEW)
        return response


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


class ClientPrivacyAdmin(ClientAuditedChangeMixin, ReadOnlyAdmin):
    """Read-only list of clients for the admin, to answer a client's request about their data.

    Shows no health data itself: the links lead to the export and the erasure pages, each
    shown only to those with the right it needs. Deleting here would skip the erasure's
    history, files and accounts.
    """

    list_display = ["__str__", "trainer", "is_archived", "created_at"]
    list_filter = ["is_archived", ("trainer", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["first_name", "last_name"]
    list_select_related = ["trainer"]
    fields = ["first_name", "last_name", "trainer", "is_archived", "created_at"]
    readonly_fields = fields
    actions = None
    # Each link column and the permission its page asks for.
    privacy_links = {"export_link": "clients.export_client", "erase_link": "clients.erase_client"}

    def _privacy_links_for(self, request) -> list[str]:
        return [name for name, permission in self.privacy_links.items() if request.user.has_perm(permission)]

    def get_list_display(self, request) -> list[str]:
        return [*self.list_display, *self._privacy_links_for(request)]

    def get_fields(self, request, obj=None) -> list[str]:
        return [*self.fields, *self._privacy_links_for(request)]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return self.get_fields(request, obj)

    def audited_client_id(self, obj: Client) -> int:
        return obj.pk

    @admin.display(description="Export")
    def export_link(self, client: Client) -> str:
        url = reverse("security:client_export", kwargs={"client_pk": client.pk})
        return render_to_string(LINK_TEMPLATE, {"url": url, "text": "Download all data"})

    @admin.display(description="Erasure")
    def erase_link(self, client: Client) -> str:
        url = reverse("security:client_erase", kwargs={"client_pk": client.pk})
        return render_to_string(LINK_TEMPLATE, {"url": url, "text": "Erase client"})


# The clients app may one day register its own admin; then it gets these links from there.
if not admin.site.is_registered(Client):
    admin.site.register(Client, ClientPrivacyAdmin)
