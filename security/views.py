from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from clients.models import Client
from clients.roles import is_trainer
from security.access import require_methods
from security.audit import Action, audit
from security.export import export_filename
from security.forms import ClientEraseForm
from security.models import ClientExport
from security.services import client_erase, client_export_request

EXPORT_PERMISSION = "clients.export_client"
ERASE_PERMISSION = "clients.erase_client"
# The export page lists this many of the client's latest exports (of the last day).
EXPORTS_SHOWN = 5
# While an export is being prepared the page asks again this often, for this long at most.
POLL_EVERY_SECONDS = 5
POLL_FOR = timedelta(minutes=5)


def _client_for(request: HttpRequest, client_pk: int, permission: str) -> Client:
    """A trainer reaches their own clients (another's is a 404); staff reach any client only
    with `permission` (say "clients.export_client"), which superusers hold; others get 403."""
    user = request.user
    if is_trainer(user):
        return get_object_or_404(Client.objects.for_trainer(user), pk=client_pk)
    if user.is_active and user.is_staff and user.has_perm(permission):
        return get_object_or_404(Client, pk=client_pk)
    raise PermissionDenied


def _export_client(request: HttpRequest, client_pk: int) -> Client:
    return _client_for(request, client_pk, EXPORT_PERMISSION)


def _erase_client(request: HttpRequest, client_pk: int) -> Client:
    return _client_for(request, client_pk, ERASE_PERMISSION)


def _ready_export(request: HttpRequest, client_pk: int, export_pk: int) -> ClientExport:
    """A ready export of a client this person may export, still offered; else 404 (or 403)."""
    client = _export_client(request, client_pk)
    return get_object_or_404(
        ClientExport.objects.offered().select_related("client"),
        pk=export_pk,
        client=client,
        status=ClientExport.Status.READY,
    )


@require_methods("GET", "HEAD", "POST", lookup=_export_client)
def client_export_view(request: HttpRequest, client_pk: int) -> HttpResponse:
    """The client's recent exports and a button to prepare one; a task builds it.

    While one is being prepared the page polls (htmx) for POLL_FOR at most, then asks
    to be reloaded later.
    """
    client = _export_client(request, client_pk)
    if request.method == "POST":
        # The request's audit row commits with the export (and its queued task) or not at all.
        with transaction.atomic():
            client_export_request(client=client, by=request.user)
            audit(request, client_id=client.pk)
        return redirect("security:client_export", client_pk=client.pk)
    exports = list(
        ClientExport.objects.offered().filter(client=client).select_related("requested_by")[:EXPORTS_SHOWN]
    )
    poll_since = timezone.now() - POLL_FOR
    audit(request, client_id=client.pk)
    is_htmx = request.headers.get("HX-Request") == "true"
    return render(
        request,
        "security/client_export.html#exports" if is_htmx else "security/client_export.html",
        {
            "client": client,
            "exports": exports,
            "latest": exports[0] if exports else None,
            "preparing": any(export.is_preparing for export in exports),
            "poll": any(export.is_preparing and export.requested_at > poll_since for export in exports),
            "poll_seconds": POLL_EVERY_SECONDS,
        },
    )


@require_methods("GET", "HEAD", lookup=_ready_export)
def client_export_download(request: HttpRequest, client_pk: int, export_pk: int) -> HttpResponse:
    """A ready export's zip, from storage, to the people who may export the client."""
    export = _ready_export(request, client_pk, export_pk)
    client = export.client
    try:
        # A file of another size than was stored is damaged: never served, as if missing.
        if default_storage.size(export.file_name) != export.byte_size:
            raise OSError("export file damaged")
        file = default_storage.open(export.file_name, "rb")
    except OSError:
        raise Http404("This download is no longer kept. Prepare a new one.") from None
    audit(request, client_id=client.pk, action=Action.EXPORT)
    response = FileResponse(
        file,
        as_attachment=True,
        filename=export_filename(client, on=timezone.localdate(export.requested_at)),
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    return response


@require_methods("GET", "HEAD", "POST", lookup=_erase_client)
def client_erase_view(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _erase_client(request, client_pk)
    form = ClientEraseForm(request.POST or None, expected_name=client.full_name)
    if request.method == "POST" and form.is_valid():
        name = client.full_name
        # The erasure records itself, unnamed: the client it would name is gone.
        client_erase(client=client, by=request.user)
        messages.success(request, f"All data about {name} was erased.")
        return redirect("clients:list" if is_trainer(request.user) else "admin:index")
    counts = {
        "assessments": client.assessments.count(),
        "plans": client.plans.count(),
        "screenings": client.screenings.count(),
        "report_downloads": client.report_downloads.count(),
    }
    status = 400 if form.is_bound else 200
    if not form.is_bound:
        audit(request, client_id=client.pk)
    return render(
        request,
        "security/client_erase.html",
        {"client": client, "form": form, "counts": counts},
        status=status,
    )
