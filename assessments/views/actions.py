"""Reading one assessment, its history, and the finalise, reopen and start-from-last actions."""

import uuid
from collections import defaultdict

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from assessments.body_map import FoundMuscle, FoundRegion, session_body_map
from assessments.history import assessment_history
from assessments.last_time import draft_from, last_time
from assessments.models import Assessment
from assessments.photos import by_view, photos_blocked
from assessments.services import (
    AlreadySubmittedError,
    ConflictError,
    LockedError,
    assessment_finalise,
    assessment_reopen,
)
from clients.models import Client
from clients.roles import trainer_required
from clients.services import DATABASE_UNAVAILABLE, nothing_changed
from clients.views.gate import assessment_gate_response
from security.access import require_methods
from security.audit import audit


def _get(request: HttpRequest, pk: int) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.for_trainer(request.user).select_related("client", "trainer"), pk=pk
    )
    return assessment


@trainer_required
@require_methods("GET", "HEAD", lookup=_get)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get(request, pk)
    pattern_findings = list(assessment.pattern_findings.select_related("pattern__region"))
    muscle_findings = list(assessment.muscle_findings.select_related("muscle", "pattern"))
    muscles_by_pattern = defaultdict(list)
    for finding in muscle_findings:
        muscles_by_pattern[finding.pattern_id].append(finding)
    rows = [(finding, muscles_by_pattern.pop(finding.pattern_id, [])) for finding in pattern_findings]
    other_muscles = [finding for findings in muscles_by_pattern.values() for finding in findings]
    # Through the reverse relation (assessments does not import plans), in one query: the plans
    # built from this session and the client's current plan, which the page offers to carry forward.
    plans = list(assessment.client.plans.filter(Q(assessment=assessment) | Q(status="published")))
    audit(request, client_id=assessment.client_id)
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "client": assessment.client,
            "rows": rows,
            "other_muscles": other_muscles,
            # Thumbnails by view; the photos page adds, removes and shares them.
            "photo_views": by_view(list(assessment.photos.all())),
            "photos_blocked": photos_blocked(assessment),
            "body_map": session_body_map(
                [
                    FoundMuscle(row.muscle.slug, row.muscle.lay_name, row.role, row.side)
                    for row in muscle_findings
                ],
                [
                    FoundRegion(row.pattern.region.slug, row.pattern.region.name, row.side)
                    for row in pattern_findings
                ],
            ),
            "plans": [plan for plan in plans if plan.assessment_id == assessment.pk],
            "current_plan": next((plan for plan in plans if plan.status == "published"), None),
        },
    )


@trainer_required
@require_methods("POST", lookup=_get)
def finalise(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get(request, pk)
    version = request.POST.get("version")
    try:
        # One transaction: no finalise without its audit row.
        with transaction.atomic():
            assessment_finalise(
                assessment=assessment,
                by=request.user,
                expected_version=int(version) if version and version.isdigit() else None,
            )
            audit(request, client_id=assessment.client_id)
    except LockedError:
        messages.info(request, "This assessment was already final.")
    except ConflictError:
        messages.error(request, "The assessment changed since you opened it: review it, then finalise.")
    except DATABASE_UNAVAILABLE:
        messages.error(request, nothing_changed("Not finalised"))
    else:
        messages.success(request, "Assessment finalised. The client can now see it.")
    return redirect(assessment)


@trainer_required
@require_methods("POST", lookup=_get)
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get(request, pk)
    try:
        with transaction.atomic():
            assessment_reopen(assessment=assessment, by=request.user)
            audit(request, client_id=assessment.client_id)
    except ConflictError:
        messages.info(request, "This assessment is already a draft.")
    except DATABASE_UNAVAILABLE:
        messages.error(request, nothing_changed("Not reopened"))
    else:
        messages.success(request, "Assessment reopened as a draft. The client no longer sees it.")
    return redirect(assessment)


@trainer_required
@require_methods("GET", "HEAD", lookup=_get)
def history(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get(request, pk)
    audit(request, client_id=assessment.client_id)
    return render(
        request,
        "assessments/assessment_history.html",
        {
            "assessment": assessment,
            "client": assessment.client,
            "entries": assessment_history(assessment),
        },
    )


def _own_client(request: HttpRequest, client_pk: int) -> Client:
    return get_object_or_404(Client.objects.for_trainer(request.user), pk=client_pk)


@trainer_required
@require_methods("POST", lookup=_own_client)
def start_from_last(request: HttpRequest, client_pk: int) -> HttpResponse:
    """A new draft holding the latest finalised session's findings, opened for the trainer to
    confirm or change; under the same rules as a new assessment (archived, consent, screening)."""
    client = _own_client(request, client_pk)
    if (blocked := assessment_gate_response(request, client=client)) is not None:
        return blocked
    last = last_time(client.pk)
    if last is None:
        messages.info(request, "There is no finalised session with findings to start from.")
        return redirect("assessments:create", client_pk=client.pk)
    try:
        token = uuid.UUID(request.POST.get("submission_token", ""))
    except ValueError:
        token = None
    try:
        with transaction.atomic():
            draft = draft_from(last=last, client=client, by=request.user, submission_token=token)
            audit(request, client_id=client.pk)
    except AlreadySubmittedError as error:
        return redirect("assessments:update", pk=error.assessment.pk)
    except DATABASE_UNAVAILABLE:
        messages.error(request, nothing_changed("Not started"))
        return redirect("assessments:create", client_pk=client.pk)
    messages.success(
        request,
        f"Started from the session of {last.session_date:%d %b %Y}: "
        "confirm or change each finding, then save.",
    )
    return redirect("assessments:update", pk=draft.pk)
