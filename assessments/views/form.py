"""Creating and editing an assessment on the form built from the catalogue."""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from assessments.catalogue import form_pattern, form_patterns
from assessments.forms import AssessmentForm, new_pattern_block
from assessments.models import Assessment
from assessments.services import (
    AlreadySubmittedError,
    ConflictError,
    LockedError,
    assessment_finalise,
    assessment_save,
)
from clients.models import Client, Screening
from clients.roles import trainer_required
from security.access import require_methods
from security.audit import audit


def _own_client(request: HttpRequest, client_pk: int) -> Client:
    return get_object_or_404(Client.objects.for_trainer(request.user), pk=client_pk)


def _own_assessment(request: HttpRequest, pk: int) -> Assessment:
    return get_object_or_404(Assessment.objects.for_trainer(request.user).select_related("client"), pk=pk)


@trainer_required
@require_methods("GET", "HEAD", "POST", lookup=_own_client)
def create(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _own_client(request, client_pk)
    if client.is_archived:
        messages.error(request, f"{client} is archived: restore the client before adding an assessment.")
        return redirect(client)
    assessment = Assessment(client=client, trainer=request.user)
    return _form_page(request, assessment=assessment, client=client)


@trainer_required
@require_methods("GET", "HEAD", "POST", lookup=_own_assessment)
def update(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _own_assessment(request, pk)
    if assessment.is_final:
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
    build = _form_builder(assessment)
    form = build(request.POST)
    conflict = False
    status = 200
    if form.is_valid():
        try:
            assessment_save(
                assessment=assessment,
                header=form.header_data(),
                pattern_findings=form.pattern_findings(),
                muscle_findings=form.muscle_findings(),
                expected_version=form.expected_version(),
                by=request.user,
                read_findings=form.saved_findings,
                submission_token=form.submission_token(),
            )
            if "finalise" in request.POST:
                assessment_finalise(assessment=assessment, by=request.user)
        except AlreadySubmittedError as error:
            # The same form sent again (a double click, a resend): nothing more is saved.
            messages.info(
                request,
                "This form was already saved: here is the assessment it created. Nothing else was saved.",
            )
            return redirect(error.assessment)
        except LockedError:
            messages.error(request, "This assessment was finalised meanwhile; nothing was saved.")
            return redirect(assessment)
        except ConflictError as error:
            # Keep everything the user typed, but from the current version, so that a
            # second, deliberate save replaces the other person's changes.
            data = request.POST.copy()
            data["version"] = str(error.current_version)
            assessment.refresh_from_db()
            form = build(data)
            form.is_valid()
            conflict = True
            status = 409
        else:
            audit(request, client_id=client.pk)
            verb = "saved and finalised" if assessment.is_final else "saved"
            messages.success(request, f"Assessment of {client} on {assessment.session_date:%d %b %Y} {verb}.")
            return redirect(assessment)
    context = {**_context(assessment, client, form), "conflict": conflict}
    return render(request, TEMPLATE, context, status=status)


def _form_builder(assessment: Assessment) -> Callable[..., AssessmentForm]:
    """A function that builds the form, bound to `data` or not, on the saved findings."""
    if assessment.pk:
        # The form reads ids and values only, so no joins; within a pattern and muscle
        # the order by side is what the form's matching of findings to rows relies on.
        pattern_findings = list(assessment.pattern_findings.order_by("pattern_id", "side"))
        muscle_findings = list(assessment.muscle_findings.order_by("muscle_id", "side"))
    else:
        pattern_findings, muscle_findings = [], []
    keep = {f.pattern_id for f in pattern_findings} | {f.pattern_id for f in muscle_findings if f.pattern_id}
    patterns = form_patterns(keep_pattern_ids=keep)

    def build(data=None) -> AssessmentForm:
        return AssessmentForm(
            data=data,
            assessment=assessment,
            patterns=patterns,
            pattern_findings=pattern_findings,
            muscle_findings=muscle_findings,
        )

    return build


def _context(assessment: Assessment, client: Client, form: AssessmentForm) -> dict:
    return {
        "form": form,
        # Read here, not from the template: naming them takes up to two queries.
        "kept": form.kept_rows(),
        "assessment": assessment,
        "client": client,
        "screening": Screening.objects.filter(client=client).order_by("-screened_on", "-created_at").first(),
        "conflict": False,
    }
