"""The public catalogue pages: open to anyone, right muscles in the right roles, flat query counts."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from imbalances.models import Muscle, Pattern, Source
from imbalances.services import catalogue_changed, catalogue_version, shipped_packs_import
from tests.conftest import login_as
from tests.factories import (
    ExerciseFactory,
    MeasureFactory,
    MuscleFactory,
    ObservationFactory,
    PatternFactory,
    PatternMuscleFactory,
    RegionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

PAGES = [
    ("imbalances:index", {}),
    ("imbalances:pattern", {"slug": "forward-chin"}),
    ("imbalances:muscle", {"slug": "sternocleidomastoid"}),
    ("imbalances:measures", {}),
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
    assert reverse("imbalances:measures") == "/catalogue/measures/"
    assert reverse("imbalances:exercises") == "/catalogue/exercises/"
    assert reverse("imbalances:exercise", kwargs={"slug": "chin-nod"}) == "/catalogue/exercises/chin-nod/"
    assert (
        reverse("imbalances:exercise_image", kwargs={"slug": "chin-nod"})
        == "/catalogue/exercises/chin-nod/image/"
    )


@pytest.mark.parametrize(
    "name", ["imbalances:pattern", "imbalances:muscle", "imbalances:exercise", "imbalances:exercise_image"]
)
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
    neck = response.context["listing"]["regions"][1]
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
    catalogue_version()  # the catalogue's version token in place, as after any first page
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
        region.slug: [p.slug for p in region.listed_patterns]
        for region in response.context["listing"]["regions"]
    }
    return regions, {muscle.slug for muscle in response.context["listing"]["muscles"]}


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
    catalogue_version()  # the catalogue's version token in place, as after any first page
    # The regions and the version; the listing (patterns and muscles) only when not kept yet.
    with django_assert_num_queries(5):
        assert client.get(reverse("imbalances:index"), params).status_code == 200
    with django_assert_num_queries(3):
        assert client.get(reverse("imbalances:index"), params).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(reverse("imbalances:index"), {**params, "q": "muscle"}).status_code == 200


def test_pages_carry_print_styles(client):
    html = client.get(reverse("imbalances:pattern", kwargs={"slug": "forward-chin"})).content.decode()
    assert "css/catalogue.css" in html
    assert 'class="no-print"' in html


@pytest.fixture
def measures():
    """A number taken once, a test taken on each side, and a retired measure."""
    book = SourceFactory(slug="goniometry-book", authors="Ann Author", title="Measuring Joints", year=2016)
    angle = MeasureFactory(
        slug="neck-angle",
        name="Neck angle",
        unit="°",
        min_value=0,
        max_value="90.5",
        description="Take a photo from the side.\nDraw the lines.",
        display_order=2,
    )
    angle.sources.set([book])
    MeasureFactory(
        slug="hip-test",
        name="Hip test",
        unit="",
        better="pass",
        min_value=None,
        max_value=None,
        per_side=True,
        display_order=1,
    )
    MeasureFactory(slug="old-offset", name="Old offset", unit="cm", better="lower", is_active=False)
    return angle


def _section(html: str, slug: str) -> str:
    start = html.index(f'id="measure-{slug}"')
    return " ".join(re.sub(r"<[^>]+>", "", html[start : html.index("</section>", start)]).split())


def test_the_measures_page_says_how_to_take_each_measure_and_which_way_is_better(client, measures):
    response = client.get(reverse("imbalances:measures"))
    html = response.content.decode()
    # Active ones in their order, then the retired one, still there for old reports' links.
    assert [m.slug for m in response.context["measures"]] == ["hip-test", "neck-angle", "old-offset"]
    angle = _section(html, "neck-angle")
    assert "Recorded as A number from 0° to 90.5°" in angle
    assert "Better is A higher number" in angle and "Sides Taken once" in angle
    assert "Take a photo from the side.Draw the lines." in angle
    assert "Take a photo from the side.<br>Draw the lines." in html
    assert "Ann Author (2016). Measuring Joints." in angle
    test = _section(html, "hip-test")
    assert "Recorded as Passed or failed" in test and "Better is Passed" in test
    assert "Sides Taken on the left and on the right" in test
    assert "Retired" not in angle and "Retired" not in test
    offset = _section(html, "old-offset")
    assert "Retired" in offset and "Better is A lower number" in offset and "0 cm to 90 cm" in offset


def test_a_measure_links_to_its_place_on_the_page(client, measures):
    assert measures.get_absolute_url() == "/catalogue/measures/#measure-neck-angle"
    assert 'id="measure-neck-angle"' in client.get(reverse("imbalances:measures")).content.decode()


def test_the_measures_page_without_measures_says_so(client):
    assert 'id="no-measures"' in client.get(reverse("imbalances:measures")).content.decode()


def test_the_catalogue_and_its_sources_lead_to_the_measures(client, measures):
    index = client.get(reverse("imbalances:index")).content.decode()
    assert 'href="/catalogue/measures/"' in index
    sources = client.get(reverse("imbalances:sources")).content.decode()
    cited = sources[sources.index('id="source-goniometry-book"') :]
    assert (
        '<a href="/catalogue/measures/#measure-neck-angle">Neck angle</a>'
        in cited[: cited.index("</section>")]
    )


@pytest.mark.parametrize("count", [1, 15])
def test_the_measures_page_query_count_does_not_grow_with_the_measures(
    client, django_assert_num_queries, count
):
    for index in range(count):
        measure = MeasureFactory(per_side=bool(index % 2))
        measure.sources.set([SourceFactory(), SourceFactory()])
    with django_assert_num_queries(3):
        response = client.get(reverse("imbalances:measures"))
    assert len(response.context["measures"]) == count


def _muscles(*slugs: str) -> list[Muscle]:
    return list(Muscle.objects.filter(slug__in=slugs))


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "teal").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def library():
    """An exercise in each phase for the neck, one for the hip, and a retired one."""
    sources = Source.objects.filter(slug__in=["xi-2020-spine-muscle-imbalances", "page-frank-lardner-2010"])
    return {
        "release": ExerciseFactory(
            slug="neck-release",
            name="Neck release",
            phase="inhibit",
            muscles=_muscles("sternocleidomastoid", "scalenes"),
            sets=1,
            reps=None,
            hold_seconds=30,
            tempo="",
            per_week=5,
            display_order=1,
        ),
        "stretch": ExerciseFactory(
            slug="neck-stretch",
            name="Neck stretch",
            phase="lengthen",
            muscles=_muscles("scalenes"),
            sets=2,
            reps=None,
            hold_seconds=30,
            tempo="",
        ),
        "nod": ExerciseFactory(
            slug="chin-nod",
            name="Chin nod",
            phase="activate",
            muscles=_muscles("deep-neck-flexors", "sternocleidomastoid"),
            instructions="Lie on your back.\nNod gently, hold, then relax.",
            cues="Keep the jaw soft\r\n\r\nA small nod",
            sets=1,
            reps=10,
            hold_seconds=10,
            tempo="",
            per_week=5,
            equipment="folded towel",
            contraindications="Stop if you feel dizzy.\nSkip it after a neck injury.",
            video_url="https://video.example.com/chin-nod",
            sources=list(sources),
        ),
        "drill": ExerciseFactory(
            slug="wall-drill",
            name="Wall drill",
            phase="integrate",
            muscles=_muscles("deep-neck-flexors"),
            patterns=[Pattern.objects.get(slug="forward-chin")],
        ),
        "lift": ExerciseFactory(
            slug="knee-lift", name="Knee lift", muscles=_muscles("psoas"), display_order=5
        ),
        "retired": ExerciseFactory(
            slug="old-nod",
            name="Old nod",
            muscles=_muscles("sternocleidomastoid", "iliacus"),
            is_active=False,
        ),
    }


def _phases(response) -> dict[str, list[str]]:
    return {
        phase.value: [exercise.slug for exercise in listed] for phase, listed in response.context["phases"]
    }


@pytest.mark.parametrize("who", ["anonymous", "trainer", "client", "admin"])
def test_exercise_pages_answer_everyone_without_login(client, persona, library, who):
    login_as(client, persona[who])
    assert client.get(reverse("imbalances:exercises")).status_code == 200
    assert client.get(library["nod"].get_absolute_url()).status_code == 200


def test_the_exercise_list_groups_active_exercises_by_phase_in_the_continuums_order(client, library):
    response = client.get(reverse("imbalances:exercises"))
    assert list(_phases(response).items()) == [
        ("inhibit", ["neck-release"]),
        ("lengthen", ["neck-stretch"]),
        ("activate", ["chin-nod", "knee-lift"]),
        ("integrate", ["wall-drill"]),
    ]
    html = response.content.decode()
    assert "old-nod" not in html
    release = html[html.index('id="exercise-neck-release"') :]
    release = " ".join(
        re.sub(r"<[^>]+>", "", release[release.index(">") + 1 : release.index("</li>")]).split()
    )
    # Lay names may hold commas, so the muscles are told apart by semicolons.
    assert release == (
        "Neck release · hold 30 seconds, 5 times a week For: muscles at the side of the neck, beneath the "
        "sternocleidomastoid; rope-like muscle at the side of the neck"
    )
    assert 'href="/catalogue/muscles/scalenes/"' in html
    assert 'id="phase-activate-heading">Strengthen (activate)</h2>' in html
    assert "wake up one under-active muscle at a time" in html


def test_the_exercise_list_filters_by_muscle(client, library):
    response = client.get(reverse("imbalances:exercises"), {"muscle": "scalenes"})
    assert _phases(response) == {"inhibit": ["neck-release"], "lengthen": ["neck-stretch"]}
    html = response.content.decode()
    scalenes = Muscle.objects.get(slug="scalenes")
    assert f"<h1>Exercises for the {scalenes.lay_name}</h1>" in html
    assert '<option value="scalenes" selected>' in html
    assert 'id="filter-clear"' in html
    # The choices are the muscles some active exercise targets: iliacus has only a retired one.
    offered = [value for value, _ in response.context["filter_form"].fields["muscle"].choices]
    assert set(offered) == {"", "sternocleidomastoid", "scalenes", "deep-neck-flexors", "psoas"}


@pytest.mark.parametrize("muscle", ["biceps", "iliacus", "\x00", "x" * 10_000])
def test_an_unknown_muscle_filter_shows_every_exercise_and_says_so(client, library, muscle):
    response = client.get(reverse("imbalances:exercises"), {"muscle": muscle})
    assert response.status_code == 200
    assert sum(len(slugs) for slugs in _phases(response).values()) == 5
    html = response.content.decode()
    assert "No exercise targets that muscle, so every exercise is shown." in html
    assert 'id="filter-clear"' not in html


def test_the_exercise_list_without_exercises_says_so(client):
    assert 'id="no-exercises"' in client.get(reverse("imbalances:exercises")).content.decode()


@pytest.mark.parametrize("count", [1, 15])
@pytest.mark.parametrize("params", [{}, {"muscle": "scalenes"}, {"muscle": "nowhere"}])
def test_the_exercise_list_query_count_is_pinned(client, django_assert_num_queries, count, params):
    scalenes = Muscle.objects.get(slug="scalenes")
    for index in range(count):
        ExerciseFactory(
            phase=["inhibit", "lengthen", "activate", "integrate"][index % 4],
            muscles=[scalenes, MuscleFactory()],
            sources=[SourceFactory()],
        )
    with django_assert_num_queries(4):
        response = client.get(reverse("imbalances:exercises"), params)
    assert sum(len(slugs) for slugs in _phases(response).values()) == count


def _text(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    end = html.index("</", html.index(">", start))
    return " ".join(re.sub(r"<[^>]+>", "", html[html.index(">", start) + 1 : end]).split())


def test_an_exercise_page_says_how_to_do_it_how_much_and_when_not_to(client, library):
    html = client.get(library["nod"].get_absolute_url()).content.decode()
    assert "Lie on your back.<br>Nod gently, hold, then relax." in html
    assert re.findall(r"<li>([^<]*)</li>", html[html.index('id="cues"') :].split("</ul>")[0]) == [
        "Keep the jaw soft",
        "A small nod",
    ]
    assert _text(html, "dosage-amount") == "1 set of 10, holding each for 10 seconds, 5 times a week"
    assert _text(html, "equipment") == "Folded towel"
    assert 'id="dosage-tempo"' not in html
    assert "Stop if you feel dizzy.<br>Skip it after a neck injury." in html
    assert 'id="exercise-phase"' in html and "Strengthen (activate)" in html
    # The muscles, lay name first, linked to their pages.
    assert 'href="/catalogue/muscles/deep-neck-flexors/"' in html
    assert 'id="targets-sternocleidomastoid"' in html
    # Sources cited as on every catalogue page.
    assert 'id="cites-page-frank-lardner-2010"' in html and "ISBN 978-0-7360-7400-8" in html
    assert 'id="patterns"' not in html


def test_an_exercise_video_is_a_plain_link_and_nothing_is_embedded(client, library):
    html = client.get(library["nod"].get_absolute_url()).content.decode()
    assert '<a href="https://video.example.com/chin-nod" rel="noopener noreferrer external">' in html
    assert "<iframe" not in html and "<video" not in html and "<embed" not in html
    assert 'id="video"' not in client.get(library["drill"].get_absolute_url()).content.decode()


def test_a_whole_movement_exercise_names_its_patterns_and_its_tempo_in_words(client, library):
    html = client.get(library["drill"].get_absolute_url()).content.decode()
    assert 'id="addresses-forward-chin"' in html and 'href="/catalogue/patterns/forward-chin/"' in html
    assert _text(html, "dosage-tempo") == (
        "4 seconds lowering, a 2-second pause, 1 second lifting (written 4/2/1)"
    )
    assert _text(html, "equipment") == "Nothing but some floor space"


def test_an_exercise_picture_is_shown_from_storage_through_its_own_address(client, library):
    nod = library["nod"]
    assert "<img" not in client.get(nod.get_absolute_url()).content.decode()
    assert client.get(reverse("imbalances:exercise_image", kwargs={"slug": "chin-nod"})).status_code == 404

    nod.image.save("nod.png", ContentFile(_png()))
    html = client.get(nod.get_absolute_url()).content.decode()
    assert '<img src="/catalogue/exercises/chin-nod/image/" alt="Chin nod, as described under' in html
    response = client.get(reverse("imbalances:exercise_image", kwargs={"slug": "chin-nod"}))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == _png()
    # A file gone from storage is a 404, not an error.
    nod.image.storage.delete(nod.image.name)
    assert client.get(reverse("imbalances:exercise_image", kwargs={"slug": "chin-nod"})).status_code == 404


def test_the_exercise_picture_takes_only_get_and_head(client, library):
    url = reverse("imbalances:exercise_image", kwargs={"slug": "chin-nod"})
    assert client.post(url).status_code == 405
    assert client.post(library["nod"].get_absolute_url()).status_code == 405


def test_a_retired_exercise_still_answers_marked_retired(client, library):
    response = client.get(library["retired"].get_absolute_url())
    assert response.status_code == 200
    assert 'id="retired"' in response.content.decode()
    assert 'id="retired"' not in client.get(library["nod"].get_absolute_url()).content.decode()


@pytest.mark.parametrize("count", [1, 15])
def test_an_exercise_page_query_count_does_not_grow_with_its_links(client, django_assert_num_queries, count):
    exercise = ExerciseFactory(
        phase="integrate",
        muscles=[MuscleFactory() for _ in range(count)],
        patterns=[PatternFactory() for _ in range(count)],
        sources=[SourceFactory() for _ in range(count)],
    )
    with django_assert_num_queries(5):
        assert client.get(exercise.get_absolute_url()).status_code == 200


def test_a_muscle_page_lists_its_active_exercises_by_phase(client, library):
    response = client.get(reverse("imbalances:muscle", kwargs={"slug": "sternocleidomastoid"}))
    assert [
        (phase.value, [exercise.slug for exercise in listed])
        for phase, listed in response.context["exercise_phases"]
    ] == [("inhibit", ["neck-release"]), ("activate", ["chin-nod"])]
    html = response.content.decode()
    assert 'id="exercises-inhibit"' in html and 'id="exercises-lengthen"' not in html
    assert '<a href="/catalogue/exercises/chin-nod/">Chin nod</a>' in html
    assert "old-nod" not in html
    other = client.get(reverse("imbalances:muscle", kwargs={"slug": "multifidus"}))
    assert 'id="no-exercises"' in other.content.decode()


@pytest.mark.parametrize("count", [1, 15])
def test_a_muscle_page_query_count_is_pinned_with_its_exercises(client, django_assert_num_queries, count):
    muscle = MuscleFactory()
    for index in range(count):
        ExerciseFactory(phase=["inhibit", "lengthen", "activate", "integrate"][index % 4], muscles=[muscle])
        PatternMuscleFactory(muscle=muscle)
    with django_assert_num_queries(4):
        response = client.get(muscle.get_absolute_url())
    assert sum(len(listed) for _, listed in response.context["exercise_phases"]) == count


def test_the_catalogue_and_its_sources_lead_to_the_exercises(client, library):
    index = client.get(reverse("imbalances:index")).content.decode()
    assert 'href="/catalogue/exercises/"' in index
    sources = client.get(reverse("imbalances:sources")).content.decode()
    cited = sources[sources.index('id="exercises-citing-page-frank-lardner-2010"') :]
    assert '<a href="/catalogue/exercises/chin-nod/">Chin nod</a>' in cited[: cited.index("</p>")]


def test_the_index_shows_a_catalogue_change_on_the_next_view(client, django_capture_on_commit_callbacks):
    """The listing is kept under the catalogue's version: a write gives it a new one."""
    pattern = Pattern.objects.get(slug="head-tilt-turn")
    assert "Head tilt/turn" in client.get(reverse("imbalances:index")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        pattern.name = "Head tilted or turned"
        pattern.save()
        catalogue_changed()  # as every catalogue admin and import does

    html = client.get(reverse("imbalances:index")).content.decode()
    assert "Head tilted or turned" in html and "Head tilt/turn" not in html


def test_a_pattern_page_lists_the_active_whole_movement_exercises_that_retrain_it(client, library):
    library["retired"].patterns.set([Pattern.objects.get(slug="forward-chin")])
    html = client.get(reverse("imbalances:pattern", kwargs={"slug": "forward-chin"})).content.decode()
    assert 'id="exercise-wall-drill"' in html and 'href="/catalogue/exercises/wall-drill/"' in html
    assert "old-nod" not in html and "chin-nod" not in html

    html = client.get(reverse("imbalances:pattern", kwargs={"slug": "head-tilt-turn"})).content.decode()
    assert 'id="no-exercises"' in html
