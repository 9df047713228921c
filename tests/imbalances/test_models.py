"""Rules the database holds, and the side rule that model validation holds."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from imbalances.models import Exercise, Measure, Muscle, Pattern, PatternMuscle, show_dosage, show_tempo
from tests.factories import (
    ExerciseFactory,
    MeasureFactory,
    MeasureValueFactory,
    MuscleFactory,
    MuscleFindingFactory,
    PatternFactory,
    PatternFindingFactory,
    PatternMuscleFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


def test_a_muscle_appears_once_per_pattern_and_side():
    row = PatternMuscleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PatternMuscle.objects.create(pattern=row.pattern, muscle=row.muscle, role="under-active", side="")


def test_a_muscle_may_appear_on_both_sides_of_a_lateral_pattern():
    pattern = PatternFactory(is_lateral=True)
    muscle = MuscleFactory()
    PatternMuscle.objects.create(pattern=pattern, muscle=muscle, role="over-active", side="same")
    PatternMuscle.objects.create(pattern=pattern, muscle=muscle, role="under-active", side="opposite")
    assert pattern.pattern_muscles.count() == 2


@pytest.mark.parametrize(("field", "value"), [("role", "tight"), ("role", ""), ("side", "left")])
def test_the_database_refuses_an_unknown_role_or_side(field, value):
    values = {"role": "over-active", "side": "", field: value}
    with pytest.raises(IntegrityError), transaction.atomic():
        PatternMuscle.objects.create(pattern=PatternFactory(), muscle=MuscleFactory(), **values)


@pytest.mark.parametrize(
    ("model", "field"),
    [(Muscle, "name"), (Muscle, "slug"), (Pattern, "slug")],
)
def test_names_and_slugs_are_unique(model, field):
    existing = MuscleFactory() if model is Muscle else PatternFactory()
    factory = MuscleFactory if model is Muscle else PatternFactory
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**{field: getattr(existing, field)})


def test_a_pattern_name_is_unique_within_its_region_only():
    region = RegionFactory()
    PatternFactory(region=region, name="Tilt")
    PatternFactory(name="Tilt")  # another region
    with pytest.raises(IntegrityError), transaction.atomic():
        PatternFactory(region=region, name="Tilt")


def test_a_muscle_used_by_a_finding_cannot_be_deleted():
    finding = MuscleFindingFactory()
    with pytest.raises(ProtectedError):
        finding.muscle.delete()
    assert Muscle.objects.filter(pk=finding.muscle.pk).exists()


def test_a_pattern_used_by_a_finding_cannot_be_deleted():
    finding = PatternFindingFactory()
    with pytest.raises(ProtectedError):
        finding.pattern.delete()


def test_a_muscle_listed_in_a_pattern_cannot_be_deleted():
    row = PatternMuscleFactory()
    with pytest.raises(ProtectedError):
        row.muscle.delete()


@pytest.mark.parametrize(
    ("lateral", "side", "ok"),
    [(True, "same", True), (True, "", False), (False, "", True), (False, "opposite", False)],
)
def test_side_is_required_exactly_for_lateral_patterns(lateral, side, ok):
    row = PatternMuscle(
        pattern=PatternFactory(is_lateral=lateral), muscle=MuscleFactory(), role="over-active", side=side
    )
    if ok:
        row.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            row.full_clean()
        assert "side" in error.value.message_dict


def test_active_querysets_leave_out_retired_entries():
    active, retired = PatternFactory(), PatternFactory(is_active=False)
    assert active in Pattern.objects.active() and retired not in Pattern.objects.active()
    muscle, retired_muscle = MuscleFactory(), MuscleFactory(is_active=False)
    assert muscle in Muscle.objects.active() and retired_muscle not in Muscle.objects.active()
    measure, retired_measure = MeasureFactory(), MeasureFactory(is_active=False)
    assert measure in Measure.objects.active() and retired_measure not in Measure.objects.active()


@pytest.mark.parametrize("query", ["TFL", "tfl", "tensor", "outside front of the hip"])
def test_search_finds_muscles_and_their_patterns_by_name_lay_name_or_alias(query):
    assert list(Muscle.objects.search(query).values_list("slug", flat=True)) == ["tensor-fasciae-latae"]
    assert list(Pattern.objects.search(query).values_list("slug", flat=True)) == ["anterior-pelvic-tilt"]


def test_pattern_search_matches_names_without_duplicates():
    assert list(Pattern.objects.search("tilt").values_list("slug", flat=True)) == [
        "anterior-pelvic-tilt",
        "posterior-pelvic-tilt",
        "head-tilt-turn",
    ]
    # SCM is in head tilt/turn twice (both sides) but the pattern appears once.
    assert list(Pattern.objects.search("SCM").values_list("slug", flat=True)) == [
        "forward-chin",
        "head-tilt-turn",
    ]


@pytest.mark.parametrize(
    ("better", "low", "high", "ok"),
    [
        ("higher", 0, 90, True),
        ("lower", -5, 5, True),
        ("pass", None, None, True),
        ("higher", None, 90, False),
        ("lower", 0, None, False),
        ("higher", 90, 90, False),
        ("higher", 90, 0, False),
        # A test is recorded as 1 or 0: a range would only be printed and mislead.
        ("pass", 0, 1, False),
        ("pass", None, 1, False),
        ("up", 0, 90, False),
    ],
)
def test_a_number_has_a_range_and_a_test_has_none_in_the_database_and_in_validation(better, low, high, ok):
    measure = Measure(slug="m", name="M", better=better, min_value=low, max_value=high)
    if ok:
        measure.full_clean()
        measure.save()
        return
    with pytest.raises(ValidationError):
        measure.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        measure.save()


def test_a_measure_taken_at_a_session_cannot_be_deleted():
    value = MeasureValueFactory()
    with pytest.raises(ProtectedError):
        value.measure.delete()


@pytest.mark.parametrize(
    ("dose", "words"),
    [
        ({"sets": 2, "reps": 12, "per_week": 3}, "2 sets of 12, 3 times a week"),
        (
            {"sets": 1, "reps": 10, "hold_seconds": 10, "per_week": 7},
            "1 set of 10, holding each for 10 seconds, every day",
        ),
        ({"sets": 1, "hold_seconds": 30}, "hold 30 seconds"),
        ({"sets": 2, "hold_seconds": 30, "per_week": 2}, "2 holds of 30 seconds, twice a week"),
        ({"hold_seconds": 1, "per_week": 1}, "hold 1 second, once a week"),
        ({"reps": 15, "per_week": 14}, "15 repetitions, twice a day"),
        ({"sets": 3}, "3 sets"),
        ({"per_week": 5}, "5 times a week"),
        ({}, ""),
    ],
)
def test_a_dosage_reads_as_a_trainer_says_it(dose, words):
    assert (
        show_dosage(**{"sets": None, "reps": None, "hold_seconds": None, "per_week": None, **dose}) == words
    )


@pytest.mark.parametrize(
    ("tempo", "words"),
    [
        ("4/2/1", "4 seconds lowering, a 2-second pause, 1 second lifting"),
        (" 3/0/3 ", "3 seconds lowering, no pause, 3 seconds lifting"),
        ("slow and steady", "slow and steady"),
        ("", ""),
    ],
)
def test_a_tempo_reads_in_words(tempo, words):
    assert show_tempo(tempo) == words


@pytest.mark.parametrize(
    ("field", "value"),
    [("phase", "warm-up"), ("sets", 0), ("sets", 11), ("reps", 101), ("hold_seconds", 601), ("per_week", 15)],
)
def test_the_database_refuses_an_unknown_phase_or_a_dosage_out_of_range(field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        Exercise.objects.create(**{"name": "Nod", "slug": "nod", "phase": "activate", field: value})


def test_exercise_names_and_slugs_are_unique():
    existing = ExerciseFactory()
    for field in ("name", "slug"):
        with pytest.raises(IntegrityError), transaction.atomic():
            ExerciseFactory(**{field: getattr(existing, field)})


def test_exercises_come_in_the_order_of_the_continuum():
    for phase in ("integrate", "activate", "lengthen", "inhibit"):
        ExerciseFactory(slug=f"{phase}-b", name=f"{phase} b", phase=phase)
        ExerciseFactory(slug=f"{phase}-a", name=f"{phase} a", phase=phase, display_order=1)
    assert [e.slug for e in Exercise.objects.in_phase_order()] == [
        "inhibit-b", "inhibit-a", "lengthen-b", "lengthen-a", "activate-b", "activate-a", "integrate-b",
        "integrate-a",
    ]  # fmt: skip
