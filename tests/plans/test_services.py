"""Writes to plans: build, carry forward, save, publish (replacing the current plan), end, discard and
the client's ticked-off sessions."""

import datetime

import pytest
from django.db import IntegrityError

from plans.models import Plan, PlanSession
from plans.services import (
    AlreadyLoggedError,
    ConflictError,
    EmptyPlanError,
    LockedError,
    NoCurrentPlanError,
    NotFinalError,
    PlanItemData,
    plan_build,
    plan_carry_forward,
    plan_discard,
    plan_end,
    plan_publish,
    plan_save,
    session_log,
    session_remove,
)
from plans.signals import plan_changed
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment():
    assessment = factories.AssessmentFactory(final=True)
    muscle = factories.MuscleFactory()
    factories.MuscleFindingFactory(assessment=assessment, muscle=muscle, role="under-active")
    factories.ExerciseFactory(phase="activate", muscles=[muscle], sets=3, reps=10, per_week=4, tempo="2/1/2")
    return assessment


def test_build_proposes_a_draft_with_the_exercises_default_dosage(assessment):
    plan, gaps = plan_build(assessment=assessment, by=assessment.trainer)

    assert gaps == []
    assert plan.is_draft and plan.client == assessment.client and plan.trainer == assessment.trainer
    (item,) = plan.items.all()
    assert (item.sets, item.reps, item.per_week, item.tempo, item.position) == (3, 10, 4, "2/1/2", 1)
    assert item.reason.startswith("For ")
    assert plan.review_date - plan.start_date == datetime.timedelta(weeks=4)
    assert plan.history.first().history_user == assessment.trainer


def test_build_twice_finds_the_same_draft(assessment):
    first, _ = plan_build(assessment=assessment, by=assessment.trainer)
    # Nothing is proposed the second time: no gaps to report.
    assert plan_build(assessment=assessment, by=assessment.trainer) == (first, None)
    assert Plan.objects.count() == 1


def test_a_draft_assessment_gets_no_plan():
    draft = factories.AssessmentFactory()
    with pytest.raises(NotFinalError):
        plan_build(assessment=draft, by=draft.trainer)
    with pytest.raises(NotFinalError):
        plan_carry_forward(assessment=draft, by=draft.trainer)
    assert not Plan.objects.exists()


def test_save_gives_exactly_these_items_in_this_order_and_keeps_each_reason(assessment):
    plan, _ = plan_build(assessment=assessment, by=assessment.trainer)
    proposed = plan.items.get()
    added = factories.ExerciseFactory(phase="integrate")

    plan_save(
        plan=plan,
        fields={"sessions_per_week": 5, "notes": "Little and often."},
        items=[
            PlanItemData(exercise_id=added.pk, sets=1, reps=8, note="Slowly"),
            PlanItemData(exercise_id=proposed.exercise_id, sets=2, reps=15, reason="ignored on update"),
        ],
        expected_version=plan.version,
        by=assessment.trainer,
    )

    plan.refresh_from_db()
    assert (plan.sessions_per_week, plan.notes, plan.version) == (5, "Little and often.", 2)
    first, second = plan.items.all()
    assert (first.exercise, first.position, first.sets, first.note, first.reason) == (
        added,
        1,
        1,
        "Slowly",
        "",
    )
    assert (second.pk, second.position, second.reps, second.reason) == (proposed.pk, 2, 15, proposed.reason)

    plan_save(plan=plan, fields={}, items=[], expected_version=2, by=assessment.trainer)
    assert not plan.items.exists()


def test_a_stale_save_writes_nothing(assessment):
    plan, _ = plan_build(assessment=assessment, by=assessment.trainer)
    with pytest.raises(ConflictError):
        plan_save(plan=plan, fields={"notes": "late"}, items=[], expected_version=7, by=assessment.trainer)
    plan.refresh_from_db()
    assert plan.notes == "" and plan.items.count() == 1


def test_publish_replaces_the_current_plan_and_announces_it(assessment, django_capture_on_commit_callbacks):
    heard = []
    plan_changed.connect(lambda sender, plan, **kwargs: heard.append(plan.pk), weak=False, dispatch_uid="t")
    try:
        current = factories.PlanFactory(client=assessment.client, published=True)
        factories.PlanItemFactory(plan=current)
        draft, _ = plan_build(assessment=assessment, by=assessment.trainer)

        with pytest.raises(EmptyPlanError):
            plan_publish(plan=factories.PlanFactory(assessment=assessment), by=assessment.trainer)
        with django_capture_on_commit_callbacks(execute=True):
            plan_publish(plan=draft, by=assessment.trainer, expected_version=draft.version)
    finally:
        plan_changed.disconnect(dispatch_uid="t")

    current.refresh_from_db()
    draft.refresh_from_db()
    assert draft.is_current and draft.published_at is not None
    assert current.status == Plan.Status.ENDED and current.replaced_by == draft and current.ended_at
    assert heard == [draft.pk]
    with pytest.raises(ConflictError):
        plan_publish(plan=draft, by=assessment.trainer)


def test_the_database_holds_one_current_plan_per_client(assessment):
    factories.PlanFactory(client=assessment.client, published=True)
    with pytest.raises(IntegrityError):
        factories.PlanFactory(client=assessment.client, assessment=assessment, published=True)


def test_an_ended_plan_is_kept_as_it_was(assessment):
    plan = factories.PlanFactory(assessment=assessment, published=True)
    factories.PlanItemFactory(plan=plan)
    plan_end(plan=plan, by=assessment.trainer)
    with pytest.raises(LockedError):
        plan_save(
            plan=plan, fields={"notes": "x"}, items=[], expected_version=plan.version, by=assessment.trainer
        )
    with pytest.raises(LockedError):
        session_log(plan=plan, done_on=datetime.date.today(), by=assessment.client.trainer)
    assert plan.items.count() == 1


def test_carry_forward_copies_the_current_plan_into_a_draft_of_the_new_assessment(assessment):
    with pytest.raises(NoCurrentPlanError):
        plan_carry_forward(assessment=assessment, by=assessment.trainer)
    current = factories.PlanFactory(
        client=assessment.client, published=True, sessions_per_week=5, notes="Keep going"
    )
    factories.PlanItemFactory(plan=current, sets=4, reps=6, note="Heavier now", reason="For a muscle")

    draft = plan_carry_forward(assessment=assessment, by=assessment.trainer)

    assert draft.is_draft and draft.assessment == assessment
    assert (draft.sessions_per_week, draft.notes) == (5, "Keep going")
    (item,) = draft.items.all()
    assert (item.sets, item.reps, item.note, item.reason) == (4, 6, "Heavier now", "For a muscle")
    current.refresh_from_db()
    assert current.is_current  # until the draft is published


def test_discard_deletes_a_draft_only(assessment):
    draft, _ = plan_build(assessment=assessment, by=assessment.trainer)
    plan_discard(plan=draft, by=assessment.trainer)
    assert not Plan.objects.filter(pk=draft.pk).exists()
    published = factories.PlanFactory(assessment=assessment, published=True)
    with pytest.raises(ConflictError):
        plan_discard(plan=published, by=assessment.trainer)


def test_a_client_ticks_off_a_day_once_and_can_untick_it():
    plan = factories.PlanFactory(published=True)
    user = factories.UserFactory()
    day = datetime.date.today()

    session = session_log(plan=plan, done_on=day, effort=6, note="Felt easier", by=user)
    with pytest.raises(AlreadyLoggedError):
        session_log(plan=plan, done_on=day, by=user)
    assert session.history.first().history_user == user

    session_remove(session=session, by=user)
    assert not PlanSession.objects.exists()


def test_saving_or_ending_the_current_plan_announces_it_and_a_draft_save_does_not(
    assessment, django_capture_on_commit_callbacks
):
    heard = []
    plan_changed.connect(
        lambda sender, plan, **kwargs: heard.append(plan.status), weak=False, dispatch_uid="t"
    )
    try:
        draft, _ = plan_build(assessment=assessment, by=assessment.trainer)
        with django_capture_on_commit_callbacks(execute=True):
            plan_save(plan=draft, fields={}, items=[], expected_version=draft.version, by=assessment.trainer)
        assert heard == []
        current = factories.PlanFactory(client=assessment.client, published=True)
        with django_capture_on_commit_callbacks(execute=True):
            plan_save(
                plan=current, fields={"notes": "More"}, items=[], expected_version=1, by=assessment.trainer
            )
        with django_capture_on_commit_callbacks(execute=True):
            plan_end(plan=current, by=assessment.trainer)
    finally:
        plan_changed.disconnect(dispatch_uid="t")
    assert heard == ["published", "ended"]
