"""Creating and editing an assessment on the form built from the catalogue."""

import copy
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from assessments.catalogue import form_measures, form_pattern, form_patterns
from assessments.forms import AssessmentForm, new_pattern_block
from assessments.last_time import last_time
from assessments.models import Assessment
from assessments.services import (
    AlreadySubmittedError,
    ConflictError,
    LockedError,
    assessment_save,
)
from clients.models import Client, Screening
from clients.roles import trainer_required
from clients.services import DATABASE_UNAVAILABLE
from clients.views.gate import assessment_gate_response
from imbalances.services import catalogue_version
from security.access import require_methods
from security.audit import Action, audit


def _own_client(request: HttpRequest, client_pk: int) -> Client:
    return get_object_or_404(Client.objects.for_trainer(request.user), pk=client_pk)


def _own_assessment(request: HttpRequest, pk: int) -> Assessment:
    return get_object_or_404(Assessment.objects.for_trainer(request.user).select_related("client"), pk=pk)


# The form's post is read before its CSRF token is checked (by `_save`), so that a post too
# large to read gets the form back rather than the middleware's bare 400.
@csrf_exempt
@trainer_required
@require_methods("GET", "HEAD", "POST", lookup=_own_client)
def create(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _own_client(request, client_pk)
    # Not archived, consent and a current screening that needs no clearance, or a recorded reason.
    if (blocked := assessment_gate_response(request, client=client)) is not None:
        return blocked
    assessment = Assessment(client=client, trainer=request.user)
    return _form_page(request, assessment=assessment, client=client)


@csrf_exempt  # checked by `_save`, as for `create`
@trainer_required
@require_methods("GET", "HEAD", "POST", lookup=_own_assessment)
def update(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _own_assessment(request, pk)
    # A post goes on to the save, which keeps what was typed and says why it was not saved
    # (or, when it only repeats a "save and finalise" that went through, that it was).
    if assessment.is_final and request.method != "POST":
        messages.error(request, "This assessment is final. Reopen it before making changes.")
        return redirect(assessment)
    return _form_page(request, assessment=assessment, client=assessment.client)


TEMPLATE = "assessments/assessment_form.html"


@trainer_required
@require_GET
def pattern_muscles(request: HttpRequest, slug: str) -> HttpResponse:
    """A pattern's muscle rows and note, which the form fetches when the trainer marks the pattern.

    Catalogue content only, the same for every assessment: any trainer may fetch it, and it
    names no client, so nothing is audited.
    """
    pattern = form_pattern(slug=slug)
    if pattern is None:
        raise Http404
    return render(request, f"{TEMPLATE}#muscles", {"block": new_pattern_block(pattern)})


def _form_page(request: HttpRequest, *, assessment: Assessment, client: Client) -> HttpResponse:
    if request.method != "POST":
        audit(request, client_id=client.pk)
        return render(request, TEMPLATE, _context(assessment, client, _form_builder(assessment)()))
    try:
        data = request.POST
    except (RequestDataTooBig, TooManyFieldsSent):
        return _too_large(request, assessment=assessment, client=client)
    return _save(request, data, assessment=assessment, client=client)


def _too_large(request: HttpRequest, *, assessment: Assessment, client: Client) -> HttpResponse:
    """A post Django refused to read (too many fields or bytes): none of it can be kept or
    checked, so nothing is saved and the form comes back as last saved, saying so.

    Its CSRF token was in the unread body, so it is not checked: the answer changes nothing
    but the audit trail, which records it as the view of the page that it is.
    """
    audit(request, client_id=client.pk, action=Action.VIEW)
    form = _form_builder(assessment)()
    return render(
        request, TEMPLATE, {**_context(assessment, client, form), "not_saved": "too-large"}, status=413
    )


# The form's script saves a draft a few seconds after each change and says so in one line: it
# sends this header and reads JSON back, while the page it saved from stays as typed.
AUTOSAVE_HEADER = "X-Autosave"


def _autosaved(message: str, *, saved: Assessment | None = None, status: int = 200) -> JsonResponse:
    body = {"saved": saved is not None, "message": message}
    if saved is not None:
        # The page goes on from what it saved: its next save claims this version, at this address.
        body.update(version=saved.version, url=reverse("assessments:update", kwargs={"pk": saved.pk}))
    return JsonResponse(body, status=status)


@csrf_protect
def _save(request: HttpRequest, data: QueryDict, *, assessment: Assessment, client: Client) -> HttpResponse:
    autosave = AUTOSAVE_HEADER in request.headers and "finalise" not in data
    build = _form_builder(assessment)
    form = build(data)
    if not form.is_valid():
        if autosave:
            return _autosaved("Not saved yet: a field needs fixing, and “Save draft” shows which.")
        return render(request, TEMPLATE, _context(assessment, client, form))
    # The service sets the id, version and status of what it saves; should the transaction
    # roll back, the page is shown again from the instance as it was read.
    saved = copy.copy(assessment)
    try:
        # One transaction: saved (and finalised) with its audit row, or none of it.
        with transaction.atomic():
            assessment_save(
                assessment=saved,
                header=form.header_data(),
                pattern_findings=form.pattern_findings(),
                muscle_findings=form.muscle_findings(),
                measure_values=form.measure_values(),
                expected_version=form.expected_version(),
                by=request.user,
                read_findings=form.saved_findings,
                read_measures=form.saved_measures,
                submission_token=form.submission_token(),
                finalise="finalise" in data,
            )
            audit(request, client_id=client.pk)
    except AlreadySubmittedError as error:
        if autosave:
            return _autosaved("Saved.", saved=error.assessment)
        # The same form sent again (a double click, a resend): nothing more is saved.
        messages.info(
            request,
            "This form was already saved: here is the assessment it created. Nothing else was saved.",
        )
        return redirect(error.assessment)
    except ConflictError as error:
        if autosave:
            return _autosaved(
                "Not saved: someone else saved this assessment meanwhile. “Save draft” shows what to do.",
                status=409,
            )
        # Keep everything the user typed, but from the current version, so that a
        # second, deliberate save replaces the other person's changes.
        data = data.copy()
        data["version"] = str(error.current_version)
        assessment.refresh_from_db()
        form = build(data)
        form.is_valid()
        return render(request, TEMPLATE, {**_context(assessment, client, form), "conflict": True}, status=409)
    except LockedError:
        if autosave:
            return _autosaved("Not saved: this assessment was finalised meanwhile.", status=409)
        context = {**_context(assessment, client, form), "not_saved": "final"}
        return render(request, TEMPLATE, context, status=409)
    except DATABASE_UNAVAILABLE:
        if autosave:
            return _autosaved(
                "Not saved: the database did not answer. Your changes are still here.", status=503
            )
        context = {**_context(assessment, client, form, database_down=True), "not_saved": "database"}
        return render(request, TEMPLATE, context, status=503)
    if autosave:
        return _autosaved(f"Draft saved at {timezone.localtime():%H:%M}.", saved=saved)
    verb = "saved and finalised" if saved.is_final else "saved"
    messages.success(request, f"Assessment of {client} on {saved.session_date:%d %b %Y} {verb}.")
    return redirect(saved)


def _form_builder(assessment: Assessment) -> Callable[..., AssessmentForm]:
    """A function that builds the form, bound to `data` or not, on the saved findings."""
    if assessment.pk:
        # The form reads ids and values only, so no joins; within a pattern and muscle
        # the order by side is what the form's matching of findings to rows relies on.
        pattern_findings = list(assessment.pattern_findings.order_by("pattern_id", "side"))
        muscle_findings = list(assessment.muscle_findings.order_by("muscle_id", "side"))
        measure_values = list(assessment.measure_values.order_by())
    else:
        pattern_findings, muscle_findings, measure_values = [], [], []
    keep = {f.pattern_id for f in pattern_findings} | {f.pattern_id for f in muscle_findings if f.pattern_id}
    version = catalogue_version()
    patterns = form_patterns(version=version, keep_pattern_ids=keep)
    measures = form_measures(version=version, keep_measure_ids={v.measure_id for v in measure_values})

    def build(data=None) -> AssessmentForm:
        return AssessmentForm(
            data=data,
            assessment=assessment,
            patterns=patterns,
            catalogue_version=version,
            pattern_findings=pattern_findings,
            muscle_findings=muscle_findings,
            measures=measures,
            measure_values=measure_values,
        )

    return build


def _context(
    assessment: Assessment, client: Client, form: AssessmentForm, *, database_down: bool = False
) -> dict:
    """What the page shows besides the form: three queries (the screening, and what the latest
    finalised session found), five when muscles are kept.

    With `database_down`, a save just failed on the database, which may be gone altogether:
    the form as typed comes back all the same, if need be without the screening and the
    names of kept muscles (a kept finding not on the page stays as it is when sent again).
    """
    try:
        # Read here, not from the template: naming them takes up to two queries.
        kept = form.kept_rows()
        screening = (
            Screening.objects.filter(client=client)
            .select_related("clearance")
            .order_by("-screened_on", "-created_at")
            .first()
        )
        form.show_last_time(last_time(client.pk, other_than=assessment.pk))
    except DATABASE_UNAVAILABLE:
        if not database_down:
            raise
        kept, screening = [], None
    return {
        "form": form,
        "kept": kept,
        "assessment": assessment,
        "client": client,
        "screening": screening,
        "conflict": False,
        "not_saved": "",
    }
