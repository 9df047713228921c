"""Rules the database holds, and the side rule that model validation holds."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from imbalances.models import Muscle, Pattern, PatternMuscle
from tests.factories import (
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
