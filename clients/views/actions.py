"""Small POST actions on one client: screening, archive, restore and portal access.

Each change and its audit row commit together or not at all.
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from clients.forms import ScreeningForm
from clients.models import Client
from clients.roles import trainer_required
from clients.services import (
    DATABASE_UNAVAILABLE,
    NOT_SAVED,
    PortalError,
    client_archive,
    client_restore,
    portal_invite,
    portal_revoke,
    screening_record,
)
from security.access import require_methods
from security.audit import audit


def _own_client(request: HttpRequest, pk: int) -> Client:
    """Another trainer's client is a 404, as if it did not exist."""
    return get_object_or_404(
        Client.objects.for_trainer(request.user).select_related("portal_user", "trainer"), pk=pk
    )


@trainer_required
@require_methods("GET", "HEAD", "POST", lookup=_own_client)
def screening(request: HttpRequest, pk: int) -> HttpResponse:
    client = _own_client(request, pk)
    form = ScreeningForm(request.POST or None, client=client)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                recorded = screening_record(
                    client=client,
                    screened_on=form.cleaned_data["screened_on"],
                    answers=form.answers(),
                    details=form.details(),
                    notes=form.cleaned_data["notes"],
                    confirmed_name=form.cleaned_data["confirmed_name"],
                    confirmed_on=form.cleaned_data["confirmed_on"],
                    by=request.user,
                )
                audit(request, client_id=client.pk)
        except DATABASE_UNAVAILABLE:
            form.add_error(None, NOT_SAVED)
            status = 503
        else:
            if recorded.needs_clearance:
                messages.warning(request, f"Screening recorded: {client.full_name} needs medical clearance.")
            else:
                messages.success(request, "Screening recorded.")
            return redirect(client)
    if request.method == "GET":
        audit(request, client_id=client.pk)
    return render(request, "clients/screening_form.html", {"client": client, "form": form}, status=status)


@trainer_required
@require_methods("POST", lookup=_own_client)
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        client = client_archive(client=_own_client(request, pk))
        audit(request, client_id=client.pk)
    messages.success(request, f"{client.full_name} was archived. Their records are kept.")
    return redirect(client)


@trainer_required
@require_methods("POST", lookup=_own_client)
def restore(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        client = client_restore(client=_own_client(request, pk))
        audit(request, client_id=client.pk)
    messages.success(request, f"{client.full_name} was restored.")
    return redirect(client)


def _send_invite(request: HttpRequest, pk: int, done: str) -> HttpResponse:
    client = _own_client(request, pk)
    if client.is_archived:
        messages.error(request, "Restore the client before giving them portal access.")
        return redirect(client)
    try:
        with transaction.atomic():
            user = portal_invite(client=client, by=request.user)
            audit(request, client_id=client.pk)
    except PortalError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done.format(email=user.email))
    return redirect(client)


@trainer_required
@require_methods("POST", lookup=_own_client)
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    return _send_invite(request, pk, "Invitation sent to {email}.")


@trainer_required
@require_methods("POST", lookup=_own_client)
def resend_invite(request: HttpRequest, pk: int) -> HttpResponse:
    return _send_invite(
        request,
        pk,
        "A new set-password link was sent to {email}. Earlier links and any old password no longer work.",
    )


@trainer_required
@require_methods("POST", lookup=_own_client)
def revoke_access(request: HttpRequest, pk: int) -> HttpResponse:
    client = _own_client(request, pk)
    if client.portal_user is None:
        messages.info(request, f"{client.full_name} has no portal access.")
    else:
        with transaction.atomic():
            portal_revoke(client=client)
            audit(request, client_id=client.pk)
        messages.success(request, f"{client.full_name}'s portal access was revoked and their sessions ended.")
    return redirect(client)
