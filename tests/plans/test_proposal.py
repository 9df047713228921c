"""The proposal rules, on their own: which exercises a plan starts from for a set of findings."""

import pytest

from plans.proposal import propose
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment():
    return factories.AssessmentFactory(final=True)


def exercise(phase: str, *, muscles=(), patterns=(), **kwargs):
    return factories.ExerciseFactory(phase=phase, muscles=list(muscles), patterns=list(patterns), **kwargs)


def names(proposal) -> list[str]:
    return [item.exercise.name for item in proposal.proposals]


def test_over_active_muscles_get_a_release_and_a_stretch_and_under_active_ones_a_strengthener(assessment):
    tight, weak = (
        factories.MuscleFactory(name="Tight neck muscle"),
        factories.MuscleFactory(name="Weak neck muscle"),
    )
    exercise("activate", muscles=[tight], name="Shrug")  # the wrong phase for a tight muscle
    exercise("lengthen", muscles=[tight], name="Trapezius stretch")
    exercise("inhibit", muscles=[tight], name="Trapezius release")
    exercise("activate", muscles=[weak], name="Chin nod")
    exercise("inhibit", muscles=[weak], name="Neck release")  # the wrong phase for a weak muscle
    factories.MuscleFindingFactory(assessment=assessment, muscle=tight, role="over-active")
    factories.MuscleFindingFactory(assessment=assessment, muscle=weak, role="under-active")

    proposal = propose(assessment)

    assert names(proposal) == ["Trapezius release", "Trapezius stretch", "Chin nod"]
    assert proposal.proposals[0].reason == "For Tight neck muscle (over-active)"
    assert proposal.gaps == []


def test_each_pattern_gets_an_integrate_exercise_after_the_isolated_work(assessment):
    pattern = factories.PatternFactory(name="Head pokes forward")
    muscle = factories.MuscleFactory()
    exercise("integrate", patterns=[pattern], name="Wall angel")
    exercise("integrate", name="Unrelated squat")
    exercise("activate", muscles=[muscle], name="Chin nod")
    factories.PatternFindingFactory(assessment=assessment, pattern=pattern)
    factories.MuscleFindingFactory(assessment=assessment, muscle=muscle, role="under-active")

    assert names(propose(assessment)) == ["Chin nod", "Wall angel"]


def test_an_exercise_answering_several_findings_is_proposed_once_with_every_reason(assessment):
    hip_flexor, back = (
        factories.MuscleFactory(name="Hip flexor"),
        factories.MuscleFactory(name="Back extensor"),
    )
    exercise("lengthen", muscles=[hip_flexor, back], name="Shared stretch", display_order=1)
    exercise("lengthen", muscles=[back], name="Back-only stretch", display_order=0)
    exercise("inhibit", muscles=[hip_flexor], name="Hip release")
    exercise("inhibit", muscles=[back], name="Back release")
    for muscle in (hip_flexor, back):
        factories.MuscleFindingFactory(assessment=assessment, muscle=muscle, role="over-active")
    # The same muscle on each side is one finding for the plan.
    factories.MuscleFindingFactory(assessment=assessment, muscle=back, role="over-active", side="left")

    proposal = propose(assessment)

    # The shared stretch reaches both tight muscles: it is chosen over the back-only one listed first.
    assert names(proposal) == ["Back release", "Hip release", "Shared stretch"]
    assert len(set(names(proposal))) == len(names(proposal))
    assert proposal.proposals[0].answers == ["Back extensor (over-active)"]
    assert proposal.proposals[2].answers == ["Back extensor (over-active)", "Hip flexor (over-active)"]


def test_a_muscle_already_reached_by_a_chosen_exercise_adds_none(assessment):
    upper, lower = factories.MuscleFactory(name="A muscle"), factories.MuscleFactory(name="B muscle")
    exercise("activate", muscles=[upper, lower], name="Both", display_order=1)
    exercise("activate", muscles=[lower], name="Lower only", display_order=0)
    for muscle in (upper, lower):
        factories.MuscleFindingFactory(assessment=assessment, muscle=muscle, role="under-active")

    proposal = propose(assessment)

    assert names(proposal) == ["Both"]
    assert proposal.proposals[0].answers == ["A muscle (under-active)", "B muscle (under-active)"]


def test_retired_exercises_are_never_proposed_and_a_missing_phase_is_reported(assessment):
    muscle = factories.MuscleFactory(name="Chest muscle")
    exercise("inhibit", muscles=[muscle], name="Retired release", is_active=False)
    exercise("lengthen", muscles=[muscle], name="Doorway stretch")
    factories.MuscleFindingFactory(assessment=assessment, muscle=muscle, role="over-active")

    proposal = propose(assessment)

    assert names(proposal) == ["Doorway stretch"]
    assert [(gap.finding, gap.phase) for gap in proposal.gaps] == [("Chest muscle (over-active)", "inhibit")]


def test_no_findings_propose_nothing(assessment):
    exercise("activate")
    assert propose(assessment).proposals == []


def test_the_proposal_reads_a_fixed_number_of_queries(assessment, django_assert_num_queries):
    for _ in range(6):
        muscle = factories.MuscleFactory()
        exercise("inhibit", muscles=[muscle])
        exercise("lengthen", muscles=[muscle])
        factories.MuscleFindingFactory(assessment=assessment, muscle=muscle, role="over-active")
        pattern = factories.PatternFactory()
        exercise("integrate", patterns=[pattern])
        factories.PatternFindingFactory(assessment=assessment, pattern=pattern)

    with django_assert_num_queries(5):
        proposal = propose(assessment)
    assert len(proposal.proposals) == 18
