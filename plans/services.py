"""Writes to plans. Each function is one transaction and records history with the user."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple, Self

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from assessments.models import Assessment
from imbalances.models import Exercise
from plans.models import Plan, PlanItem, PlanSession
from plans.proposal import Gap, propose
from plans.signals import plan_changed

# Four weeks: long enough for a home programme to show, short enough to adjust it in time.
REVIEW_AFTER = timedelta(weeks=4)
DOSE_FIELDS = ("sets", "reps", "hold_seconds", "tempo", "per_week")
PLAN_FIELDS = ("start_date", "review_date", "sessions_per_week", "notes")


class NotFinalError(Exception):
    """A plan answers a finalised assessment only; this one is a draft."""


class NoCurrentPlanError(Exception):
    """There is no published plan to carry forward."""


class ConflictError(Exception):
    """Someone saved the plan after this edit started; nothing was written."""


class LockedError(Exception):
    """An ended plan is kept as it was; it cannot change."""


class EmptyPlanError(Exception):
    """A plan without exercises cannot be published."""


class AlreadyLoggedError(Exception):
    """The client already ticked off a session on that day."""


@dataclass(frozen=True)
class PlanItemData:
    exercise_id: int
    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    tempo: str = ""
    per_week: int | None = None
    note: str = ""
    reason: str = ""

    @classmethod
    def of(cls, item: PlanItem) -> Self:
        """A copy of `item` as it is: its exercise, dosage, note and reason."""
        return cls(
            exercise_id=item.exercise_id,
            **{name: getattr(item, name) for name in DOSE_FIELDS},
            note=item.note,
            reason=item.reason,
        )

    @classmethod
    def usual(cls, exercise: Exercise, *, reason: str = "") -> Self:
        """`exercise` at its usual dosage, with no note."""
        return cls(
            exercise_id=exercise.pk, **{name: getattr(exercise, name) for name in DOSE_FIELDS}, reason=reason
        )


class Built(NamedTuple):
    plan: Plan
    # Findings the active library has no exercise for, for the trainer to fill by hand; None when
    # nothing was proposed, as the assessment's draft plan was already there.
    gaps: list[Gap] | None


def plan_build(*, assessment: Assessment, by) -> Built:
    """A draft plan proposed from `assessment`'s findings (plans.proposal), or the draft already
    built from it (a second press finds the first, and its gaps are None). Raises NotFinalError
    for a draft assessment."""
    if not assessment.is_final:
        raise NotFinalError
    existing = _draft_of(assessment)
    if existing:
        return Built(existing, None)
    proposal = propose(assessment)
    items = [
        PlanItemData.usual(item.exercise, reason=item.reason[: PlanItem._meta.get_field("reason").max_length])
        for item in proposal.proposals
    ]
    plan = _create(assessment=assessment, by=by, items=items, reason="Proposed from the assessment")
    return Built(plan, proposal.gaps)


def plan_carry_forward(*, assessment: Assessment, by) -> Plan:
    """A draft for `assessment` holding the client's current plan as it is, to adjust and publish
    in its place. Raises NotFinalError for a draft assessment, NoCurrentPlanError without a plan."""
    if not assessment.is_final:
        raise NotFinalError
    current = Plan.objects.published().filter(client_id=assessment.client_id).first()
    if current is None:
        raise NoCurrentPlanError
    existing = _draft_of(assessment)
    if existing:
        return existing
    items = [PlanItemData.of(item) for item in current.items.all()]
    return _create(
        assessment=assessment,
        by=by,
        items=items,
        reason="Carried forward",
        sessions_per_week=current.sessions_per_week,
        notes=current.notes,
    )


def plan_save(*, plan: Plan, fields: dict, items: list[PlanItemData], expected_version: int, by) -> Plan:
    """Give a draft or current plan these PLAN_FIELDS and exactly these items, in this order.

    Raises ConflictError when the plan's version is no longer `expected_version`, LockedError
    when the plan has ended. Items are diffed by exercise, so the history reads as what changed.
    A save of the current plan sends plan_changed after the commit.
    """
    with transaction.atomic():
        _claim_version(plan, expected_version)
        for name in PLAN_FIELDS:
            if name in fields:
                setattr(plan, name, fields[name])
        plan._history_user = by
        plan.save(update_fields=[*PLAN_FIELDS, "version", "updated_at"])
        _sync_items(plan, items, by=by)
        if plan.is_current:
            _announce(plan)
    return plan


def plan_publish(*, plan: Plan, by, expected_version: int | None = None) -> Plan:
    """Make a draft the client's current plan, ending the one it replaces.

    Raises EmptyPlanError without items, ConflictError when stale or no longer a draft.
    After the commit, sends plan_changed (reports renders the client's PDFs again).
    """
    with transaction.atomic():
        if not plan.items.exists():
            raise EmptyPlanError
        _claim_version(plan, expected_version, status=Plan.Status.DRAFT)
        now = timezone.now()
        for previous in Plan.objects.published().filter(client_id=plan.client_id).select_for_update():
            previous.status = Plan.Status.ENDED
            previous.ended_at = now
            previous.replaced_by = plan
            _save_with_reason(
                previous, by=by, reason="Replaced", fields=["status", "ended_at", "replaced_by"]
            )
        plan.status = Plan.Status.PUBLISHED
        plan.published_at = now
        _save_with_reason(plan, by=by, reason="Published", fields=["status", "published_at"])
        _announce(plan)
    return plan


def plan_end(*, plan: Plan, by) -> Plan:
    """Stop the current plan without a new one. Raises ConflictError when it is not current.
    Sends plan_changed after the commit."""
    with transaction.atomic():
        _claim_version(plan, None, status=Plan.Status.PUBLISHED)
        plan.status = Plan.Status.ENDED
        plan.ended_at = timezone.now()
        _save_with_reason(plan, by=by, reason="Ended", fields=["status", "ended_at"])
        _announce(plan)
    return plan


def plan_discard(*, plan: Plan, by) -> None:
    """Delete a draft nobody was shown. Raises ConflictError when it is no longer a draft."""
    with transaction.atomic():
        if not Plan.objects.filter(pk=plan.pk, status=Plan.Status.DRAFT).exists():
            raise ConflictError
        plan._history_user = by
        plan.delete()


def session_log(*, plan: Plan, done_on: date, by, effort: int | None = None, note: str = "") -> PlanSession:
    """Tick off a session of the client's current plan. Raises AlreadyLoggedError when that day
    is ticked off already, LockedError when the plan is no longer current."""
    if not plan.is_current:
        raise LockedError
    session = PlanSession(plan=plan, done_on=done_on, effort=effort, note=note)
    session._history_user = by
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:
        if PlanSession.objects.filter(plan=plan, done_on=done_on).exists():
            raise AlreadyLoggedError from None
        raise
    return session


def session_remove(*, session: PlanSession, by) -> None:
    """Untick a session logged by mistake, on a plan that is still current."""
    if not session.plan.is_current:
        raise LockedError
    session._history_user = by
    session.delete()


def _announce(plan: Plan) -> None:
    # On commit: a rolled-back change announces nothing, and receivers read committed rows.
    transaction.on_commit(lambda: plan_changed.send_robust(sender=Plan, plan=plan))


def _draft_of(assessment: Assessment) -> Plan | None:
    return Plan.objects.filter(assessment=assessment, status=Plan.Status.DRAFT).first()


def _create(*, assessment: Assessment, by, items: list[PlanItemData], reason: str, **fields) -> Plan:
    today = timezone.localdate()
    with transaction.atomic():
        plan = Plan(
            client_id=assessment.client_id,
            trainer=by,
            assessment=assessment,
            start_date=today,
            review_date=today + REVIEW_AFTER,
            **fields,
        )
        plan._history_user = by
        plan._change_reason = reason
        plan.save()
        _sync_items(plan, items, by=by)
    return plan


def _claim_version(plan: Plan, expected_version: int | None, *, status: str | None = None) -> None:
    """Bump the version only if nobody else did and the plan is in `status` (draft or current by
    default). One UPDATE; raises LockedError for an ended plan, ConflictError otherwise."""
    expected = plan.version if expected_version is None else expected_version
    statuses = [status] if status else [Plan.Status.DRAFT, Plan.Status.PUBLISHED]
    updated = Plan.objects.filter(pk=plan.pk, version=expected, status__in=statuses).update(
        version=F("version") + 1
    )
    if not updated:
        current = Plan.objects.filter(pk=plan.pk).values_list("status", flat=True).first()
        if current == Plan.Status.ENDED:
            raise LockedError
        raise ConflictError
    plan.version = expected + 1


def _save_with_reason(plan: Plan, *, by, reason: str, fields: list[str]) -> None:
    plan._history_user = by
    plan._change_reason = reason
    plan.save(update_fields=[*fields, "version", "updated_at"])


def _sync_items(plan: Plan, items: list[PlanItemData], *, by) -> None:
    """Make the plan's items exactly `items`, positioned in their order; one row per exercise.

    An item's reason is written when it is added and kept after: the trainer edits the note."""
    existing = {item.exercise_id: item for item in plan.items.all()}
    wanted = {data.exercise_id: data for data in items}
    for exercise_id in existing.keys() - wanted.keys():
        item = existing[exercise_id]
        item._history_user = by
        item.delete()
    for position, data in enumerate(wanted.values(), start=1):
        item = existing.get(data.exercise_id) or PlanItem(
            plan=plan, exercise_id=data.exercise_id, reason=data.reason
        )
        values = {name: getattr(data, name) for name in (*DOSE_FIELDS, "note")}
        values["position"] = position
        if item.pk and all(getattr(item, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(item, name, value)
        item._history_user = by
        item.save()
