"""What stands between a client and a new assessment: the page that says what is missing, the
trainer's recorded reason to assess anyway, and medical clearances with the doctor's letter.

Each change and its audit row commit together or not at all.
"""

import mimetypes
import os

from django.contrib import messages
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify

from clients.forms import AssessAnywayForm, MedicalClearanceForm
from clients.gating import Gate, load_gate
from clients.models import Client, Screening
from clients.roles import trainer_required
from clients.services import (
    DATABASE_UNAVAILABLE,
    NOT_SAVED,
    assessment_override_record,
    clearance_letter_discard,
    clearance_letter_store,
    clearance_record,
)
from security.access import require_methods
from security.audit import Action, audit

GATE_TEMPLATE = "clients/assessment_gate.html"
CLEARANCE_TEMPLATE = "clients/clearance_form.html"


def _own_client(request: HttpRequest, pk: int) -> Client:
    """Another trainer's client is a 404, as if it did not exist."""
    return get_object_or_404(Client.objects.for_trainer(request.user), pk=pk)


def _own_screening(request: HttpRequest, pk: int, screening_pk: int) -> Screening:
    """One of the trainer's client's screenings, with its clearance; else a 404."""
    return get_object_or_404(
        Screening.objects.select_related("client", "clearance__recorded_by", "recorded_by").filter(
            client__in=Client.objects.for_trainer(request.user)
        ),
        client_id=pk,
        pk=screening_pk,
    )


def _gate_page(
    request: HttpRequest,
    *,
    client: Client,
    gate: Gate,
    form: AssessAnywayForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {"client": client, "gate": gate, "form": form or AssessAnywayForm()}
    return render(request, GATE_TEMPLATE, context, status=status)


def _archived(request: HttpRequest, client: Client) -> HttpResponse:
    messages.error(request, f"{client} is archived: restore the client before adding an assessment.")
    return redirect(client)


def assessment_gate_response(request: HttpRequest, *, client: Client) -> HttpResponse | None:
    """The page that says what is missing before `client` may be assessed, or None when the
    request may go on to the new-assessment form: nothing is missing, or the trainer recorded
    a reason to assess anyway today that no assessment has spent yet.

    An archived client is sent back to their page, to be restored first. A GET of the page
    answers 200; a POST, refused, 403: nothing of it is read or saved.
    One query when nothing is missing, two otherwise.
    """
    if client.is_archived:
        return _archived(request, client)
    gate = load_gate(client=client, by=request.user)
    if not gate.blocked:
        if gate.override is not None and request.method == "GET":
            messages.warning(
                request,
                "Assessing without: " + " ".join(str(missing) for missing in gate.missing) + " "
                "Your reason is in the client's history; it covers this one new assessment.",
            )
        return None
    # The page shows the client's screening, so it is audited as a view, whatever the method.
    audit(request, client_id=client.pk, action=Action.VIEW)
    return _gate_page(request, client=client, gate=gate, status=403 if request.method == "POST" else 200)


@trainer_required
@require_methods("POST", lookup=_own_client)
def assess_anyway(request: HttpRequest, pk: int) -> HttpResponse:
    """Records the trainer's reason to assess although something is missing, then opens the form."""
    client = _own_client(request, pk)
    if client.is_archived:
        return _archived(request, client)
    gate = load_gate(client=client, by=request.user)
    if not gate.missing or gate.override is not None:
        # Put right meanwhile, or a reason already recorded today: nothing more to record.
        return redirect("assessments:create", client_pk=client.pk)
    form = AssessAnywayForm(request.POST)
    if not form.is_valid():
        audit(request, client_id=client.pk, action=Action.VIEW)
        return _gate_page(request, client=client, gate=gate, form=form)
    try:
        with transaction.atomic():
            assessment_override_record(
                client=client,
                by=request.user,
                reason=form.cleaned_data["reason"],
                missing=[str(missing) for missing in gate.missing],
            )
            audit(request, client_id=client.pk)
    except DATABASE_UNAVAILABLE:
        form.add_error(None, NOT_SAVED)
        return _gate_page(request, client=client, gate=gate, form=form, status=503)
    return redirect("assessments:create", client_pk=client.pk)


@trainer_required
@require_methods("GET", "HEAD", "POST", lookup=_own_screening)
def clearance(request: HttpRequest, pk: int, screening_pk: int) -> HttpResponse:
    """Records a doctor's clearance of a screening that asked for one; shows it once recorded.

    A screening that needs none, or has one, takes no post: 409, nothing saved.
    """
    screening = _own_screening(request, pk, screening_pk)
    client = screening.client
    context = {"client": client, "screening": screening, "form": None}
    if screening.is_cleared or not screening.needs_clearance:
        audit(request, client_id=client.pk, action=Action.VIEW)
        return render(request, CLEARANCE_TEMPLATE, context, status=409 if request.method == "POST" else 200)
    posted = request.method == "POST"
    form = MedicalClearanceForm(
        request.POST if posted else None, request.FILES if posted else None, screening=screening
    )
    context["form"] = form
    status = 200
    if posted and form.is_valid():
        letter = form.cleaned_data["letter"]
        name = ""
        try:
            if letter is not None:
                name = clearance_letter_store(client=client, upload=letter, extension=form.letter_extension)
            with transaction.atomic():
                clearance_record(
                    screening=screening,
                    cleared_on=form.cleaned_data["cleared_on"],
                    cleared_by=form.cleaned_data["cleared_by"],
                    letter=name,
                    by=request.user,
                )
                audit(request, client_id=client.pk)
        except IntegrityError:
            # Recorded by someone else meanwhile: theirs stands, this letter goes.
            clearance_letter_discard(name=name)
            messages.info(request, "A clearance of this screening was recorded meanwhile; here it is.")
            return redirect("clients:clearance", pk=client.pk, screening_pk=screening.pk)
        except DATABASE_UNAVAILABLE:
            clearance_letter_discard(name=name)
            form.add_error(None, NOT_SAVED)
            status = 503
        except BaseException:
            clearance_letter_discard(name=name)
            raise
        else:
            messages.success(request, f"Medical clearance recorded: {client.full_name} may be assessed.")
            return redirect(client)
    if request.method == "GET":
        audit(request, client_id=client.pk)
    return render(request, CLEARANCE_TEMPLATE, context, status=status)


@trainer_required
@require_methods("GET", "HEAD", lookup=_own_screening)
def clearance_letter(request: HttpRequest, pk: int, screening_pk: int) -> HttpResponse:
    """The doctor's letter of a clearance, from storage, to the client's trainer only."""
    screening = _own_screening(request, pk, screening_pk)
    name = screening.clearance.letter if screening.is_cleared else ""
    if not name:
        raise Http404("No letter is kept with this clearance.")
    try:
        file = default_storage.open(name, "rb")
    except OSError:
        raise Http404("The letter is no longer kept.") from None
    audit(request, client_id=screening.client_id, action=Action.DOWNLOAD)
    whose = slugify(screening.client.full_name) or "client"
    extension = os.path.splitext(name)[1]
    response = FileResponse(
        file,
        as_attachment=True,
        filename=f"{whose}-clearance-{screening.clearance.cleared_on:%Y-%m-%d}{extension}",
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    return response
