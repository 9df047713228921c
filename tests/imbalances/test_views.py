"""The public catalogue pages: open to anyone, right muscles in the right roles, flat query counts."""

import re

import pytest
from django.urls import reverse

from imbalances.services import shipped_packs_import
from tests.conftest import login_as
from tests.factories import (
    MuscleFactory,
    ObservationFactory,
    PatternFactory,
    PatternMuscleFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

PAGES = [
    ("imbalances:index", {}),
    ("imbalances:pattern", {"slug": "forward-chin"}),
    ("imbalances:muscle", {"slug": "sternocleidomastoid"}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
@pytest.mark.parametrize("who", ["anonymous", "trainer", "client", "admin"])
def test_catalogue_pages_answer_everyone_without_login(client, persona, name, kwargs, who):
    login_as(client, persona[who])
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200


def test_urls_are_the_stable_public_ones():
    assert reverse("imbalances:index") == "/catalogue/"
    assert (
        reverse("imbalances:pattern", kwargs={"slug": "forward-chin"}) == "/catalogue/patterns/forward-chin/"
    )
    assert reverse("imbalances:muscle", kwargs={"slug": "psoas"}) == "/catalogue/muscles/psoas/"


@pytest.mark.parametrize("name", ["imbalances:pattern", "imbalances:muscle"])
def test_an_unknown_slug_is_404(client, name):
    assert client.get(reverse(name, kwargs={"slug": "no-such-thing"})).status_code == 404


def test_index_lists_regions_with_patterns_and_the_glossary(client):
    response = client.get(reverse("imbalances:index"))
    html = response.content.decode()
    for anchor in [
        'id="region-low-back"',
        'id="region-neck"',
        'id="pattern-anterior-pelvic-tilt"',
        'id="pattern-head-tilt-turn"',
        'id="muscle-psoas"',
        'id="term-pro-gravity"',
        'id="term-anti-gravity"',
    ]:
        assert anchor in html
    neck = response.context["regions"][1]
    assert [p.slug for p in neck.listed_patterns] == ["forward-chin", "head-tilt-turn"]


@pytest.mark.parametrize(
    ("query", "patterns", "muscles"),
    [
        ("QL", ["anterior-pelvic-tilt"], ["quadratus-lumborum"]),
        ("chin", ["forward-chin"], ["deep-neck-flexors"]),
        ("levator scap", ["forward-chin", "head-tilt-turn"], ["levator-scapulae"]),
        ("zebra", [], []),
    ],
)
def test_index_searches_names_and_aliases(client, query, patterns, muscles):
    response = client.get(reverse("imbalances:index"), {"q": query})
    assert [p.slug for p in response.context["pattern_results"]] == patterns
    assert [m.slug for m in response.context["muscle_results"]] == muscles
    assert ("Nothing in the catalogue matches" in response.content.decode()) == (not patterns and not muscles)


def test_pattern_page_lists_over_and_under_active_muscles(client):
    response = client.get(reverse("imbalances:pattern", kwargs={"slug": "anterior-pelvic-tilt"}))
    over = {row.muscle.slug for row in response.context["over_active"]}
    under = {row.muscle.slug for row in response.context["under_active"]}
    assert over == {
        "tensor-fasciae-latae",
        "rectus-femoris",
        "iliacus",
        "quadratus-lumborum",
        "latissimus-dorsi",
    }
    assert under == {"abdominals"}
    html = response.content.decode()
    assert 'id="over-active-rectus-femoris"' in html and 'id="under-active-abdominals"' in html
    # Lay name first, then the anatomical name, linked to the muscle page.
    assert "<strong>Hip flexor at the front of the thigh</strong></a> <span" in html
    assert 'href="/catalogue/muscles/rectus-femoris/"' in html


def test_lateral_pattern_page_shows_sides(client):
    response = client.get(reverse("imbalances:pattern", kwargs={"slug": "head-tilt-turn"}))
    assert {(r.muscle.slug, r.side) for r in response.context["over_active"]} == {
        ("sternocleidomastoid", "same"),
        ("levator-scapulae", "same"),
        ("upper-trapezius", "same"),
        ("scalenes", "same"),
    }
    assert {r.side for r in response.context["under_active"]} == {"opposite"}
    html = response.content.decode()
    assert 'id="under-active-scalenes-opposite"' in html
    assert "opposite side" in html


def test_pattern_page_names_its_sources(client):
    response = client.get(reverse("imbalances:pattern", kwargs={"slug": "forward-chin"}))
    assert [source.slug for source in response.context["sources"]] == [
        "xi-2020-spine-muscle-imbalances",
        "page-frank-lardner-2010",
    ]
    html = response.content.decode()
    assert "Bing Xi (2020). <cite>A Deeper Look Into Spine Muscle Imbalances</cite>. HubPages." in html
    assert "ISBN 978-0-7360-7400-8" in html
    assert "seed" not in html.lower()


def test_the_sources_page_cites_each_source_with_the_patterns_that_use_it(client):
    html = client.get(reverse("imbalances:sources")).content.decode()
    assert 'id="source-xi-2020-spine-muscle-imbalances"' in html
    assert "Forward chin" in html
    assert "seed" not in html.lower()


def test_a_retired_pattern_still_answers_marked_retired(client):
    pattern = PatternFactory(is_active=False, name="Old slouch")
    response = client.get(pattern.get_absolute_url())
    assert response.status_code == 200
    assert 'id="retired"' in response.content.decode()
    active = client.get(reverse("imbalances:pattern", kwargs={"slug": "forward-chin"}))
    assert 'id="retired"' not in active.content.decode()


def test_muscle_page_shows_names_aliases_and_every_pattern_by_role(client):
    response = client.get(reverse("imbalances:muscle", kwargs={"slug": "sternocleidomastoid"}))
    assert {(r.pattern.slug, r.side) for r in response.context["over_active_in"]} == {
        ("forward-chin", ""),
        ("head-tilt-turn", "same"),
    }
    assert {(r.pattern.slug, r.side) for r in response.context["under_active_in"]} == {
        ("head-tilt-turn", "opposite")
    }
    html = response.content.decode()
    assert 'id="anatomical-name">Sternocleidomastoid<' in html
    assert 'id="aliases">SCM<' in html
    assert 'id="under-active-in-head-tilt-turn-opposite"' in html


def _grow_catalogue(count: int) -> str:
    """Add `count` patterns in new regions, each with its own muscles; return one new muscle's slug."""
    muscle = MuscleFactory()
    for _ in range(count):
        pattern = PatternFactory(region=RegionFactory(), is_lateral=True)
        PatternMuscleFactory(pattern=pattern, muscle=muscle, side="same")
        PatternMuscleFactory(pattern=pattern, role="under-active", side="opposite")
    return muscle.slug


@pytest.mark.parametrize("count", [1, 15])
def test_query_counts_do_not_grow_with_the_catalogue(
    client, django_assert_max_num_queries, django_assert_num_queries, count
):
    muscle_slug = _grow_catalogue(count)
    pattern = PatternFactory(is_lateral=True)
    for _ in range(count):
        PatternMuscleFactory(pattern=pattern)
    pages = [
        (reverse("imbalances:index"), {}),
        (reverse("imbalances:index"), {"q": "muscle"}),
        (pattern.get_absolute_url(), {}),
        (reverse("imbalances:muscle", kwargs={"slug": muscle_slug}), {}),
    ]
    for url, params in pages:
        with django_assert_max_num_queries(6):
            assert client.get(url, params).status_code == 200


def _intro(response) -> str:
    html = response.content.decode()
    intro = html[html.index('id="catalogue-intro"') : html.index("Each pattern lists")]
    return " ".join(re.sub(r"<[^>]+>", "", intro.partition(">")[2]).split())


def test_index_says_what_the_migrated_catalogue_holds(client):
    response = client.get(reverse("imbalances:index"))
    assert (
        _intro(response)
        == "This catalogue holds 4 patterns in 2 regions of the body: 4 seen in standing posture."
    )


def test_index_says_what_the_catalogue_holds_once_the_packs_are_in(client):
    shipped_packs_import()
    response = client.get(reverse("imbalances:index"))
    assert _intro(response) == (
        "This catalogue holds 37 patterns in 7 regions of the body: "
        "20 seen in standing posture and 17 in movement screens."
    )
    assert "spine patterns" not in response.content.decode().lower()
    # Filtered, the introduction still describes the whole catalogue.
    assert _intro(client.get(reverse("imbalances:index"), {"region": "knees"})) == _intro(response)


@pytest.fixture
def screens():
    """A region seen standing and in a squat, and another seen in the squat only."""
    squat = ObservationFactory(slug="deep-squat", name="Deep squat", kind="movement")
    knees, feet = RegionFactory(slug="test-knees"), RegionFactory(slug="test-feet")
    return {
        "knee-standing": PatternMuscleFactory(
            pattern=PatternFactory(region=knees, slug="knee-standing")
        ).muscle,
        "knee-squat": PatternMuscleFactory(
            pattern=PatternFactory(region=knees, slug="knee-squat", observation=squat)
        ).muscle,
        "feet-squat": PatternMuscleFactory(
            pattern=PatternFactory(region=feet, slug="feet-squat", observation=squat)
        ).muscle,
    }


def _listed(response) -> tuple[dict[str, list[str]], set[str]]:
    regions = {
        region.slug: [p.slug for p in region.listed_patterns] for region in response.context["regions"]
    }
    return regions, {muscle.slug for muscle in response.context["muscles"]}


@pytest.mark.parametrize(
    ("params", "regions"),
    [
        ({"region": "test-knees"}, {"test-knees": ["knee-standing", "knee-squat"]}),
        ({"kind": "movement"}, {"test-knees": ["knee-squat"], "test-feet": ["feet-squat"]}),
        ({"region": "test-knees", "kind": "movement"}, {"test-knees": ["knee-squat"]}),
        ({"region": "test-feet", "kind": "posture"}, {}),
    ],
)
def test_index_filters_by_region_and_kind(client, screens, params, regions):
    response = client.get(reverse("imbalances:index"), params)
    assert response.status_code == 200
    listed, muscles = _listed(response)
    assert listed == regions
    # The muscles listed are those of the patterns shown.
    assert muscles == {screens[slug].slug for slugs in regions.values() for slug in slugs}
    html = response.content.decode()
    for name, value in params.items():
        assert f'<option value="{value}" selected>' in html, name
    assert 'id="filter-clear"' in html
    assert ('id="no-patterns"' in html) == (not regions)
    assert not response.context["filter_form"].errors


def test_index_unfiltered_lists_every_region_and_muscle(client, screens):
    listed, muscles = _listed(client.get(reverse("imbalances:index")))
    assert {"low-back", "neck", "test-knees", "test-feet"} == set(listed)
    assert {muscle.slug for muscle in screens.values()} | {"psoas", "sternocleidomastoid"} <= muscles


@pytest.mark.parametrize(
    ("params", "errors", "regions"),
    [
        ({"region": "nowhere"}, ["region"], {"low-back", "neck", "test-knees", "test-feet"}),
        ({"kind": "jumping"}, ["kind"], {"low-back", "neck", "test-knees", "test-feet"}),
        ({"region": "nowhere", "kind": "movement"}, ["region"], {"test-knees", "test-feet"}),
        (
            {"region": "\x00", "kind": "x" * 10_000},
            ["region", "kind"],
            {"low-back", "neck", "test-knees", "test-feet"},
        ),
    ],
)
def test_an_unknown_filter_is_left_off_and_says_so(client, screens, params, errors, regions):
    response = client.get(reverse("imbalances:index"), params)
    assert response.status_code == 200
    assert set(_listed(response)[0]) == regions
    html = response.content.decode()
    for name in ("region", "kind"):
        assert (f'id="id_{name}_error"' in html) == (name in errors), name
        assert (f'aria-describedby="id_{name}_error"' in html) == (name in errors), name
    if "region" in errors:
        assert "The catalogue has no such region, so every region is shown." in html
    assert "x" * 100 not in html


@pytest.mark.parametrize("count", [1, 15])
@pytest.mark.parametrize(
    "params", [{}, {"region": "test-knees"}, {"kind": "movement"}, {"region": "nowhere", "kind": "posture"}]
)
def test_index_query_count_is_pinned_with_and_without_filters(
    client, screens, django_assert_num_queries, count, params
):
    _grow_catalogue(count)
    for _ in range(count):
        PatternMuscleFactory(pattern=PatternFactory(region=screens["knee-squat"].patterns.get().region))
    with django_assert_num_queries(3):
        assert client.get(reverse("imbalances:index"), params).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(reverse("imbalances:index"), {**params, "q": "muscle"}).status_code == 200


def test_pages_carry_print_styles(client):
    html = client.get(reverse("imbalances:pattern", kwargs={"slug": "forward-chin"})).content.decode()
    assert "css/catalogue.css" in html
    assert 'class="no-print"' in html
