"""The trainer's side of plans: build one from an assessment or carry the current one forward,
read it, tailor it, publish, end or discard it, and its history."""

import copy

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from assessments.models import Assessment
from clients.roles import trainer_required
from clients.services import DATABASE_UNAVAILABLE, nothing_changed
from imbalances.models import Exercise, Phase
from plans.adherence import plan_adherence
from plans.forms.plan import BasePlanItemFormSet, PlanForm, item_formset, move_item, plan_items
from plans.history import plan_history
from plans.models import Plan
from plans.services import (
    PLAN_FIELDS,
    ConflictError,
    EmptyPlanError,
    LockedError,
    NoCurrentPlanError,
    NotFinalError,
    plan_build,
    plan_carry_forward,
    plan_discard,
    plan_end,
    plan_publish,
    plan_save,
)
from security.access import require_methods
from security.audit import Action, audit

ENDED = "Ended plans are kept as they were: this one cannot change."
NOT_FINAL = "Finalise the assessment first: a plan answers the findings of a finalised assessment."
EMPTY = "Add at least one exercise before publishing: without one, the plan gives the client nothing to do."


def _get(request: HttpRequest, pk: int) -> Plan:
    return get_object_or_404(
        Plan.objects.for_trainer(request.user).select_related("client", "assessment", "replaced_by"), pk=pk
    )


def _own_assessment(request: HttpRequest, assessment_pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.for_trainer(request.user).select_related("client"), pk=assessment_pk
    )


def _version(request: HttpRequest) -> int | None:
    version = request.POST.get("version", "")
    return int(version) if version.isdigit() else None


@trainer_required
@require_methods("POST", lookup=_own_assessment)
def build(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = _own_assessment(request, assessment_pk)
    if assessment.client.is_archived:
        messages.error(request, f"{assessment.client} is archived: restore them before building a plan.")
        return redirect(assessment)
    try:
        # One transaction: no plan without its audit row.
        with transaction.atomic():
            plan, gaps = plan_build(assessment=assessment, by=request.user)
            audit(request, client_id=assessment.client_id)
    except NotFinalError:
        messages.error(request, NOT_FINAL)
        return redirect(assessment)
    except DATABASE_UNAVAILABLE:
        messages.error(request, nothing_changed("No plan built"))
        return redirect(assessment)
    if gaps is None:
        messages.info(request, "This assessment already has a draft plan: here it is.")
        return redirect("plans:edit", pk=plan.pk)
    if gaps:
        missing = "; ".join(f"{gap.finding}: {Phase(gap.phase).label}" for gap in gaps)
        messages.warning(
            request, f"The exercise library has nothing for {missing}. Add one by hand if needed."
        )
    if count := plan.items.count():
        messages.success(
            request,
            f"Draft plan proposed from the findings, with {count} exercise{'s' if count > 1 else ''}: "
            "tailor it, then publish it.",
        )
    else:
        messages.warning(
            request, "Draft plan started, but the exercise library has nothing for these findings: add some."
        )
    return redirect("plans:edit", pk=plan.pk)


@trainer_required
@require_methods("POST", lookup=_own_assessment)
def carry_forward(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = _own_assessment(request, assessment_pk)
    if assessment.client.is_archived:
        messages.error(request, f"{assessment.client} is archived: restore them before changing their plan.")
        return redirect(assessment)
    try:
        with transaction.atomic():
            plan = plan_carry_forward(assessment=assessment, by=request.user)
            audit(request, client_id=assessment.client_id)
    except NotFinalError:
        messages.error(request, NOT_FINAL)
        return redirect(assessment)
    except NoCurrentPlanError:
        messages.error(
            request, f"{assessment.client} has no current plan to carry forward: build a plan instead."
        )
        return redirect(assessment)
    except DATABASE_UNAVAILABLE:
        messages.error(request, nothing_changed("Nothing carried forward"))
        return redirect(assessment)
    messages.success(
        request,
        "The current plan is copied into a draft for this assessment: adjust it, then publish it in its "
        "place.",
    )
    return redirect("plans:edit", pk=plan.pk)


@trainer_required
@require_methods("GET", "HEAD", lookup=_get)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get(request, pk)
    items = list(plan.items.select_related("exercise"))
    sessions = [] if plan.is_draft else list(plan.sessions.all())
    adherence = None if plan.is_draft else plan_adherence(plan, done_on=[s.done_on for s in sessions])
    audit(request, client_id=plan.client_id)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "client": plan.client,
            "items": items,
            "sessions": sessions,
            "adherence": adherence,
        },
    )


EDIT_TEMPLATE = "plans/plan_form.html"


@trainer_required
@require_methods("GET", "HEAD", "POST", lookup=_get)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get(request, pk)
    if plan.status == Plan.Status.ENDED:
        messages.info(request, ENDED)
        return redirect(plan)
    items = list(plan.items.select_related("exercise"))
    addable = list(
        Exercise.objects.active().in_phase_order().exclude(pk__in=[item.exercise_id for item in items])
    )
    if request.method != "POST":
        initial = {name: getattr(plan, name) for name in (*PLAN_FIELDS, "version")}
        audit(request, client_id=plan.client_id)
        form = PlanForm(initial=initial, addable=addable)
        return _edit_page(request, plan, form, item_formset(items=items))
    data = request.POST
    if "move" in data:
        # Reordering shows the page again as typed, moved; the save button keeps it.
        data = move_item(data, data["move"])
        audit(request, client_id=plan.client_id, action=Action.VIEW)
        form, formset = PlanForm(data, addable=addable), item_formset(data, items=items)
        return _edit_page(request, plan, form, formset, moved=True)
    form, formset = PlanForm(data, addable=addable), item_formset(data, items=items)
    if not (form.is_valid() and formset.is_valid()):
        audit(request, client_id=plan.client_id, action=Action.VIEW)
        return _edit_page(request, plan, form, formset)
    action = data.get("action", "save")
    publishing = action == "publish" and plan.is_draft
    # The services set the version and status of what they save; should the transaction roll
    # back, the page is shown again from the plan as it was read.
    saved = copy.copy(plan)
    try:
        # One transaction: saved (and published) with the audit row, or none of it.
        with transaction.atomic():
            plan_save(
                plan=saved,
                fields=form.plan_fields(),
                items=plan_items(formset, form.added()),
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
            if publishing:
                plan_publish(plan=saved, by=request.user, expected_version=saved.version)
            audit(request, client_id=plan.client_id)
    except ConflictError:
        # Everything typed stays, claiming the current version: a second, deliberate save
        # replaces what the other person saved.
        plan = _get(request, pk)
        data = data.copy()
        data["version"] = str(plan.version)
        form, formset = PlanForm(data, addable=addable), item_formset(data, items=items)
        audit(request, client_id=plan.client_id, action=Action.VIEW)
        return _edit_page(request, plan, form, formset, conflict=True, status=409)
    except LockedError:
        messages.error(request, ENDED)
        return redirect(plan)
    except EmptyPlanError:
        audit(request, client_id=plan.client_id, action=Action.VIEW)
        return _edit_page(request, plan, form, formset, items_error=EMPTY)
    except DATABASE_UNAVAILABLE:
        return _edit_page(request, plan, form, formset, not_saved=True, status=503)
    if publishing:
        _say_published(request, saved)
        return redirect(saved)
    if action == "add" and form.cleaned_data["add"]:
        messages.success(request, "Saved, with the exercises added at their usual dosage: tailor them below.")
        return redirect("plans:edit", pk=plan.pk)
    if saved.is_current:
        messages.success(request, f"Plan saved. {plan.client.first_name} sees the changes in their portal.")
    else:
        messages.success(request, "Draft saved. The client sees it once you publish it.")
    return redirect(saved)


def _edit_page(
    request: HttpRequest,
    plan: Plan,
    form: PlanForm,
    formset: BasePlanItemFormSet,
    *,
    status: int = 200,
    **flags: object,
) -> HttpResponse:
    context = {"plan": plan, "client": plan.client, "form": form, "formset": formset, **flags}
    return render(request, EDIT_TEMPLATE, context, status=status)


def _say_published(request: HttpRequest, plan: Plan) -> None:
    client = plan.client
    if client.portal_user_id:
        text = f"Plan published: {client.first_name} can now see it in their portal."
    else:
        text = f"Plan published. {client.first_name} has no portal access yet: invite them from their page."
    if replaced := plan.replaces.first():
        text += f" It replaced the plan from {replaced.start_date:%d %b %Y}, which has now ended."
    messages.success(request, text)


@trainer_required
@require_methods("POST", lookup=_get)
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get(request, pk)
    try:
        with transaction.atomic():
            plan_publish(plan=plan, by=request.user, expected_version=_version(request))
            audit(request, client_id=plan.client_id)
    except EmptyPlanError:
        messages.error(request, EMPTY)
        return redirect("plans:edit", pk=plan.pk)
    except ConflictError:
        messages.error(request, "The plan changed since you opened it, or was published already: check it.")
    except LockedError:
        messages.error(request, ENDED)
    except DATABASE_UNAVAILABLE:
        messages.error(request, nothing_changed("Not published"))
    else:
        _say_published(request, plan)
    return redirect(plan)


@trainer_required
@require_methods("POST", lookup=_get)
def end(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get(request, pk)
    try:
        with transaction.atomic():
            plan_end(plan=plan, by=request.user)
            audit(request, client_id=plan.client_id)
    except LockedError:
        messages.info(request, "This plan had already ended.")
    except ConflictError:
        messages.error(request, "Only the current plan can be ended; this one is a draft.")
    except DATABASE_UNAVAILABLE:
        messages.error(request, nothing_changed("Not ended"))
    else:
        messages.success(
            request, f"Plan ended. {plan.client.first_name} keeps it in their history, with no current plan."
        )
    return redirect(plan)


@trainer_required
@require_methods("POST", lookup=_get)
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get(request, pk)
    try:
        with transaction.atomic():
            plan_discard(plan=plan, by=request.user)
            audit(request, client_id=plan.client_id)
    except ConflictError:
        messages.error(request, "Only a draft can be discarded: this plan was published. End it instead.")
        return redirect(plan)
    except DATABASE_UNAVAILABLE:
        messages.error(request, nothing_changed("Not discarded"))
        return redirect(plan)
    messages.success(request, "Draft plan discarded.")
    return redirect(plan.assessment)


@trainer_required
@require_methods("GET", "HEAD", lookup=_get)
def history(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get(request, pk)
    audit(request, client_id=plan.client_id)
    return render(
        request,
        "plans/plan_history.html",
        {"plan": plan, "client": plan.client, "entries": plan_history(plan)},
    )
