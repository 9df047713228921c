"""The data migration loads exactly the issue's table."""

import pytest

from imbalances.models import Muscle, Pattern, PatternMuscle, Region

pytestmark = pytest.mark.django_db

ARTICLE = "xi-2020-spine-muscle-imbalances"
NECK_FOUR = {"sternocleidomastoid", "levator-scapulae", "upper-trapezius", "scalenes"}

# pattern slug -> (region slug, name, lateral, {(muscle, side)} over-active, {(muscle, side)} under-active)
TABLE = {
    "anterior-pelvic-tilt": (
        "low-back",
        "Anterior pelvic tilt",
        False,
        {
            ("tensor-fasciae-latae", ""),
            ("rectus-femoris", ""),
            ("iliacus", ""),
            ("quadratus-lumborum", ""),
            ("latissimus-dorsi", ""),
        },
        {("abdominals", "")},
    ),
    "posterior-pelvic-tilt": (
        "low-back",
        "Posterior pelvic tilt",
        False,
        {
            ("gluteals", ""),
            ("hamstrings", ""),
            ("adductor-magnus", ""),
            ("piriformis", ""),
            ("superficial-abdominals", ""),
        },
        {("psoas", ""), ("erector-spinae", ""), ("multifidus", "")},
    ),
    "forward-chin": (
        "neck",
        "Forward chin",
        False,
        {("sternocleidomastoid", ""), ("levator-scapulae", ""), ("upper-trapezius", "")},
        {("deep-neck-flexors", "")},
    ),
    "head-tilt-turn": (
        "neck",
        "Head tilt/turn",
        True,
        {(slug, "same") for slug in NECK_FOUR},
        {(slug, "opposite") for slug in NECK_FOUR},
    ),
}


def test_it_loads_the_two_regions_in_order():
    assert list(Region.objects.values_list("slug", "name")) == [("low-back", "Low back"), ("neck", "Neck")]


def test_it_loads_exactly_the_four_patterns():
    assert set(Pattern.objects.values_list("slug", flat=True)) == set(TABLE)


@pytest.mark.parametrize("slug", TABLE)
def test_each_pattern_has_exactly_the_tables_muscles_in_their_roles(slug):
    region, name, lateral, over, under = TABLE[slug]
    pattern = Pattern.objects.select_related("region").get(slug=slug)
    assert (pattern.region.slug, pattern.name, pattern.is_lateral, pattern.is_active) == (
        region,
        name,
        lateral,
        True,
    )
    rows = set(pattern.pattern_muscles.values_list("muscle__slug", "side", "role"))
    assert rows == {(m, s, "over-active") for m, s in over} | {(m, s, "under-active") for m, s in under}
    assert pattern.description


def test_only_the_deep_neck_flexors_come_from_janda():
    sources = dict(
        PatternMuscle.objects.exclude(source__slug=ARTICLE).values_list("muscle__slug", "source__slug")
    )
    assert sources == {"deep-neck-flexors": "page-frank-lardner-2010"}


def test_every_muscle_in_the_table_exists_with_names_and_a_description():
    expected = {muscle for row in TABLE.values() for muscle, _ in row[3] | row[4]}
    muscles = list(Muscle.objects.all())
    assert {muscle.slug for muscle in muscles} == expected
    for muscle in muscles:
        assert muscle.name and muscle.lay_name and muscle.description and muscle.is_paired


@pytest.mark.parametrize(
    ("slug", "alias"),
    [
        ("tensor-fasciae-latae", "TFL"),
        ("quadratus-lumborum", "QL"),
        ("latissimus-dorsi", "lats"),
        ("sternocleidomastoid", "SCM"),
        ("levator-scapulae", "levator scap"),
    ],
)
def test_muscles_carry_the_short_names_trainers_use(slug, alias):
    assert alias in Muscle.objects.get(slug=slug).alias_list


def test_the_same_muscle_is_over_active_in_one_pattern_and_under_active_in_another():
    roles = set(
        PatternMuscle.objects.filter(muscle__slug="sternocleidomastoid").values_list("pattern__slug", "role")
    )
    assert ("forward-chin", "over-active") in roles
    assert ("head-tilt-turn", "under-active") in roles
