"""export_catalogue and import_catalogue: the versioned JSON document."""

import copy
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from imbalances.catalogue_io import FORMAT, VERSION, dumps, export_document, parse_document
from imbalances.models import Exercise, Measure, Muscle, Pattern, PatternMuscle, Phase, Region
from imbalances.services import PACKS_DIR, SHIPPED_PACKS, shipped_packs_import
from tests.factories import (
    ExerciseFactory,
    MeasureFactory,
    MeasureValueFactory,
    MuscleFindingFactory,
    PatternFindingFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

# What `migrate` leaves, in the current format: the seed's table with its sources and views.
SEED_FILE = Path(__file__).with_name("seed_catalogue_v2.json")


def export_text() -> str:
    out = StringIO()
    call_command("export_catalogue", stdout=out)
    return out.getvalue()


def import_file(tmp_path: Path, document: dict | str, *args: str) -> tuple[str, str]:
    path = tmp_path / "catalogue.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_catalogue", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def seed() -> dict:
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


def snapshot() -> list:
    return [
        list(Region.objects.order_by("pk").values()),
        list(Muscle.objects.order_by("pk").values()),
        list(Pattern.objects.order_by("pk").values()),
        list(PatternMuscle.objects.order_by("pk").values()),
        list(Measure.objects.order_by("pk").values()),
        list(Measure.sources.through.objects.order_by("pk").values()),
        list(Exercise.objects.order_by("pk").values()),
        *(
            list(through.objects.order_by("pk").values())
            for through in (Exercise.muscles.through, Exercise.patterns.through, Exercise.sources.through)
        ),
    ]


def measure(**fields) -> dict:
    """A measure entry as a pack writes it, with only what is required and a range."""
    return {
        "slug": "neck-angle",
        "name": "Neck angle",
        "better": "higher",
        "min_value": 0,
        "max_value": 90,
        **fields,
    }


def exercise(**fields) -> dict:
    """An exercise entry as a pack writes it, with only what is required."""
    return {
        "slug": "chin-nod",
        "name": "Chin nod",
        "phase": "activate",
        "instructions": "Lie down and nod.",
        "muscles": ["deep-neck-flexors"],
        **fields,
    }


def empty_catalogue() -> None:
    PatternMuscle.objects.all().delete()
    Pattern.objects.all().delete()
    Muscle.objects.all().delete()
    Region.objects.all().delete()


def test_export_of_the_migrated_catalogue_is_the_seed_in_the_current_format_byte_for_byte():
    assert export_text() == SEED_FILE.read_text(encoding="utf-8")


def test_export_has_format_version_and_stable_key_order():
    document = json.loads(export_text())
    assert list(document) == [
        "format", "version", "sources", "observations", "regions", "muscles", "patterns", "measures",
        "exercises",
    ]  # fmt: skip
    assert (document["format"], document["version"]) == (FORMAT, VERSION)
    assert list(document["patterns"][0]) == [
        "slug",
        "name",
        "region",
        "observation",
        "description",
        "sides",
        "sources",
        "is_active",
        "display_order",
        "muscles",
    ]
    assert list(document["patterns"][0]["muscles"][0]) == ["muscle", "role", "side", "note", "source"]
    MeasureFactory()
    assert list(json.loads(export_text())["measures"][0]) == [
        "slug", "name", "unit", "better", "min_value", "max_value", "per_side", "description", "sources",
        "is_active", "display_order",
    ]  # fmt: skip
    ExerciseFactory()
    assert list(json.loads(export_text())["exercises"][0]) == [
        "slug", "name", "phase", "instructions", "cues", "muscles", "patterns", "sets", "reps",
        "hold_seconds", "tempo", "per_week", "equipment", "contraindications", "video_url", "sources",
        "is_active", "display_order",
    ]  # fmt: skip


def test_export_writes_a_file(tmp_path):
    target = tmp_path / "out.json"
    call_command("export_catalogue", str(target), stderr=StringIO())
    assert target.read_text(encoding="utf-8") == export_text()


def test_round_trip_into_an_empty_catalogue_gives_an_equal_file(tmp_path):
    Muscle.objects.filter(slug="psoas").update(is_active=False, aliases="psoas, hip flexor")
    first = export_text()
    empty_catalogue()
    assert export_text() != first
    out, _ = import_file(tmp_path, first)
    assert "create pattern head-tilt-turn" in out
    assert export_text() == first


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    before = snapshot()
    out, _ = import_file(tmp_path, seed())
    assert "0 change(s)" in out
    assert snapshot() == before


def test_import_updates_by_slug_and_replaces_a_patterns_muscle_list(tmp_path):
    document = seed()
    document["muscles"][0]["lay_name"] = "belly muscles"
    chin = next(p for p in document["patterns"] if p["slug"] == "forward-chin")
    chin["muscles"] = [m for m in chin["muscles"] if m["muscle"] != "upper-trapezius"]
    chin["muscles"].append({"muscle": "scalenes", "role": "over-active"})
    out, _ = import_file(tmp_path, document)
    assert Muscle.objects.get(slug="abdominals").lay_name == "belly muscles"
    assert set(
        Pattern.objects.get(slug="forward-chin").pattern_muscles.values_list("muscle__slug", flat=True)
    ) == {
        "sternocleidomastoid",
        "levator-scapulae",
        "scalenes",
        "deep-neck-flexors",
    }
    assert "remove upper-trapezius (source xi-2020-spine-muscle-imbalances) from pattern forward-chin" in out
    assert "add scalenes in pattern forward-chin" in out


def test_import_never_deletes_what_the_file_leaves_out(tmp_path):
    pattern_finding = PatternFindingFactory(pattern=Pattern.objects.get(slug="forward-chin"))
    muscle_finding = MuscleFindingFactory(muscle=Muscle.objects.get(slug="psoas"))
    document = {
        "format": FORMAT,
        "version": VERSION,
        "sources": [],
        "observations": [],
        "regions": [],
        "muscles": [],
        "patterns": [],
    }
    import_file(tmp_path, document)
    assert Pattern.objects.filter(pk=pattern_finding.pattern_id).exists()
    assert Muscle.objects.filter(pk=muscle_finding.muscle_id).exists()
    assert Pattern.objects.count() == 4 and Muscle.objects.count() == 19


def test_dry_run_reports_changes_and_writes_nothing(tmp_path):
    document = seed()
    document["regions"][1]["display_order"] = 99
    document["muscles"].append(
        {"slug": "rhomboids", "name": "Rhomboids", "lay_name": "between the shoulder blades"}
    )
    before = snapshot()
    out, _ = import_file(tmp_path, document, "--dry-run")
    assert "would update region neck: display_order" in out
    assert "would create muscle rhomboids" in out
    assert "nothing was written" in out
    assert snapshot() == before


def test_import_references_slugs_already_in_the_database(tmp_path):
    document = {
        "format": FORMAT,
        "version": VERSION,
        "sources": [],
        "observations": [],
        "regions": [],
        "muscles": [],
        "patterns": [
            {
                "slug": "rib-flare",
                "name": "Rib flare",
                "region": "low-back",
                "observation": "standing-front",
                "sources": ["page-frank-lardner-2010"],
                "muscles": [{"muscle": "abdominals", "role": "under-active"}],
            }
        ],
    }
    import_file(tmp_path, document)
    pattern = Pattern.objects.get(slug="rib-flare")
    assert (pattern.region.slug, pattern.is_active, pattern.description) == ("low-back", True, "")


def test_a_version_2_document_from_before_measures_still_imports(tmp_path):
    document = seed()
    del document["measures"]
    out, _ = import_file(tmp_path, document)
    assert "0 change(s)" in out


def test_import_creates_and_updates_measures_by_slug_with_their_sources(tmp_path):
    document = seed()
    document["measures"] = [
        measure(
            unit="°",
            min_value=0.5,
            max_value=89.5,
            description="From the side.",
            sources=["xi-2020-spine-muscle-imbalances", "page-frank-lardner-2010"],
            display_order=3,
        ),
        {"slug": "hip-test", "name": "Hip test", "better": "pass", "per_side": True},
    ]
    out, _ = import_file(tmp_path, document)
    assert "create measure neck-angle" in out and "create measure hip-test" in out
    angle = Measure.objects.get(slug="neck-angle")
    assert (angle.unit, angle.better) == ("°", "higher")
    assert (angle.min_value, angle.max_value) == (Decimal("0.5"), Decimal("89.5"))
    assert (angle.per_side, angle.is_active, angle.display_order) == (False, True, 3)
    assert set(angle.sources.values_list("slug", flat=True)) == {
        "xi-2020-spine-muscle-imbalances",
        "page-frank-lardner-2010",
    }
    test = Measure.objects.get(slug="hip-test")
    assert test.is_test and test.per_side
    assert (test.min_value, test.max_value, test.unit) == (None, None, "")

    document["measures"][0].update(max_value=80, sources=["page-frank-lardner-2010"], is_active=False)
    out, _ = import_file(tmp_path, document)
    assert "update measure neck-angle: max_value, is_active" in out
    assert "update measure neck-angle: sources" in out
    assert out.strip().endswith(": 2 change(s).")
    angle.refresh_from_db()
    assert (angle.max_value, angle.is_active) == (Decimal(80), False)
    assert list(angle.sources.values_list("slug", flat=True)) == ["page-frank-lardner-2010"]

    before = snapshot()
    out, _ = import_file(tmp_path, document)
    assert "0 change(s)" in out
    assert snapshot() == before


def test_measures_round_trip_through_export_with_their_decimals(tmp_path):
    source = SourceFactory(slug="tape-book")
    angle = MeasureFactory(slug="neck-angle", unit="°", min_value=Decimal("-5.5"), max_value=Decimal("12.5"))
    angle.sources.set([source])
    MeasureFactory(slug="hip-test", better="pass", min_value=None, max_value=None, unit="", is_active=False)
    first = export_text()
    exported = {entry["slug"]: entry for entry in json.loads(first)["measures"]}
    assert (exported["neck-angle"]["min_value"], exported["neck-angle"]["max_value"]) == (-5.5, 12.5)
    assert exported["neck-angle"]["sources"] == ["tape-book"]
    assert (exported["hip-test"]["min_value"], exported["hip-test"]["is_active"]) == (None, False)
    Measure.objects.all().delete()
    out, _ = import_file(tmp_path, first)
    assert "create measure neck-angle" in out
    assert export_text() == first


def test_a_measure_the_file_leaves_out_stays(tmp_path):
    value = MeasureValueFactory()
    import_file(tmp_path, seed())
    assert Measure.objects.filter(pk=value.measure_id).exists()


def test_a_new_measure_may_not_take_an_existing_measures_name(tmp_path):
    MeasureFactory(slug="cva", name="Neck angle")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_bad(_set("measures", [measure()]))), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_catalogue", str(path), stderr=err)
    assert "measures[0].name: 'Neck angle' is already the name of 'cva'" in err.getvalue()


def test_a_version_2_document_from_before_exercises_still_imports(tmp_path):
    document = seed()
    del document["exercises"]
    out, _ = import_file(tmp_path, document)
    assert "0 change(s)" in out


def test_import_creates_and_updates_exercises_by_slug_with_their_links(tmp_path):
    document = seed()
    document["exercises"] = [
        exercise(
            cues="Keep the jaw soft\nA small nod",
            sets=1,
            reps=10,
            hold_seconds=10,
            per_week=5,
            equipment="Folded towel",
            contraindications="Stop if you feel dizzy.",
            video_url="https://video.example.com/chin-nod",
            sources=["page-frank-lardner-2010"],
            display_order=4,
        ),
        exercise(
            slug="wall-drill",
            name="Wall drill",
            phase="integrate",
            muscles=["deep-neck-flexors", "upper-trapezius"],
            patterns=["forward-chin"],
        ),
    ]
    out, _ = import_file(tmp_path, document)
    assert "create exercise chin-nod" in out and "create exercise wall-drill" in out
    nod = Exercise.objects.get(slug="chin-nod")
    assert (nod.phase, nod.cue_list, nod.dosage) == (
        "activate",
        ["Keep the jaw soft", "A small nod"],
        "1 set of 10, holding each for 10 seconds, 5 times a week",
    )
    assert (nod.equipment, nod.video_url, nod.display_order, nod.is_active) == (
        "Folded towel",
        "https://video.example.com/chin-nod",
        4,
        True,
    )
    assert list(nod.sources.values_list("slug", flat=True)) == ["page-frank-lardner-2010"]
    drill = Exercise.objects.get(slug="wall-drill")
    assert set(drill.muscles.values_list("slug", flat=True)) == {"deep-neck-flexors", "upper-trapezius"}
    assert list(drill.patterns.values_list("slug", flat=True)) == ["forward-chin"]
    assert (drill.sets, drill.reps, drill.tempo, drill.cues) == (None, None, "", "")

    document["exercises"][0].update(reps=12, muscles=["deep-neck-flexors", "sternocleidomastoid"])
    document["exercises"][1].update(patterns=["forward-chin", "head-tilt-turn"], is_active=False, sources=[])
    out, _ = import_file(tmp_path, document)
    assert out.splitlines()[:-1] == [
        "update exercise chin-nod: reps",
        "update exercise chin-nod: muscles",
        "update exercise wall-drill: is_active",
        "update exercise wall-drill: patterns",
    ]
    nod.refresh_from_db()
    assert nod.reps == 12
    assert set(nod.muscles.values_list("slug", flat=True)) == {"deep-neck-flexors", "sternocleidomastoid"}

    before = snapshot()
    out, _ = import_file(tmp_path, document)
    assert "0 change(s)" in out
    assert snapshot() == before


def test_exercises_round_trip_through_export_and_keep_their_image(tmp_path):
    pattern = Pattern.objects.get(slug="forward-chin")
    kept = ExerciseFactory(
        slug="wall-drill", phase="integrate", patterns=[pattern], video_url="https://v.example"
    )
    kept.image.save("drill.png", ContentFile(b"not read here"))
    ExerciseFactory(slug="old-roll", phase="inhibit", sets=1, reps=None, hold_seconds=60, is_active=False)
    first = export_text()
    exported = {entry["slug"]: entry for entry in json.loads(first)["exercises"]}
    # The picture is uploaded in each studio's admin; the video link travels with the document.
    assert "image" not in exported["wall-drill"]
    assert (exported["wall-drill"]["video_url"], exported["wall-drill"]["patterns"]) == (
        "https://v.example",
        ["forward-chin"],
    )
    assert (exported["old-roll"]["hold_seconds"], exported["old-roll"]["is_active"]) == (60, False)
    # In the order of the continuum.
    assert [entry["slug"] for entry in json.loads(first)["exercises"]] == ["old-roll", "wall-drill"]

    out, _ = import_file(tmp_path, first)
    assert "0 change(s)" in out
    kept.refresh_from_db()
    assert kept.image.name.startswith("exercises/drill")

    Exercise.objects.all().delete()
    out, _ = import_file(tmp_path, first)
    assert "create exercise wall-drill" in out
    assert export_text() == first


def test_an_exercise_the_file_leaves_out_stays(tmp_path):
    kept = ExerciseFactory()
    import_file(tmp_path, seed())
    assert Exercise.objects.filter(pk=kept.pk).exists()


def test_a_new_exercise_may_not_take_an_existing_exercises_name(tmp_path):
    ExerciseFactory(slug="nod", name="Chin nod")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_bad(_set("exercises", [exercise()]))), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_catalogue", str(path), stderr=err)
    assert "exercises[0].name: 'Chin nod' is already the name of 'nod'" in err.getvalue()


def _bad(mutate) -> dict:
    document = seed()
    mutate(document)
    return document


def _set(path: str, value):
    def mutate(document):
        *parents, last = path.split(".")
        target = document
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        target[int(last) if last.isdigit() else last] = value

    return mutate


def _delete(path: str):
    def mutate(document):
        *parents, last = path.split(".")
        target = document
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        del target[last]

    return mutate


BAD_INPUTS = {
    "wrong format": (_set("format", "other"), "format: expected 'trainer-studio-catalogue', got 'other'"),
    "wrong version": (_set("version", 1), "version: unsupported version 1 (this studio reads version 2)"),
    "missing section": (_delete("muscles"), "muscles: missing"),
    "section not a list": (_set("regions", {}), "regions: expected a list, got {}"),
    "missing field": (_delete("muscles.3.lay_name"), "muscles[3].lay_name: missing"),
    "wrong type": (
        _set("muscles.2.is_paired", "yes"),
        "muscles[2].is_paired: expected true or false, got 'yes'",
    ),
    "bad order": (_set("regions.0.display_order", -1), "regions[0].display_order: expected a whole number"),
    "unknown field": (_set("regions.0.colour", "red"), "regions[0].colour: unknown field"),
    "bad slug": (_set("muscles.0.slug", "two words"), "muscles[0].slug: 'two words' is not a slug"),
    "bad role": (
        _set("patterns.3.muscles.1.role", "tight"),
        "patterns[3].muscles[1].role: 'tight' is not one of over-active, under-active",
    ),
    "unknown region": (_set("patterns.0.region", "knee"), "patterns[0].region: unknown region 'knee'"),
    "unknown muscle": (
        _set("patterns.0.muscles.0.muscle", "biceps"),
        "patterns[0].muscles[0].muscle: unknown muscle 'biceps'",
    ),
    "duplicate slug": (
        _set("muscles.1.slug", "abdominals"),
        "muscles[1].slug: duplicate slug 'abdominals' (also muscles[0])",
    ),
    "duplicate name": (
        _set("regions.1.name", "Low back"),
        "regions[1].name: duplicate name 'Low back' (also regions[0])",
    ),
    "side missing on lateral": (
        _set("patterns.3.muscles.0.side", ""),
        "patterns[3].muscles[0].side: '' is not one of same, opposite (the pattern is recorded on a side)",
    ),
    "side on non-lateral": (
        _set("patterns.0.muscles.0.side", "same"),
        "patterns[0].muscles[0].side: must be empty for a pattern with no side, got 'same'",
    ),
    "muscle twice on one side": (
        _set("patterns.0.muscles.1.muscle", "iliacus"),
        "patterns[0].muscles[1].muscle: 'iliacus' is listed twice for this side and source "
        "(also patterns[0].muscles[0])",
    ),
    "unknown source": (
        _set("patterns.0.muscles.0.source", "no-such-book"),
        "patterns[0].muscles[0].source: unknown source 'no-such-book'",
    ),
    "unknown observation": (
        _set("patterns.0.observation", "hop-test"),
        "patterns[0].observation: unknown observation 'hop-test'",
    ),
    "bad sides": (
        _set("patterns.0.sides", "left"),
        "patterns[0].sides: 'left' is not one of none, one, one-or-both",
    ),
    "too long": (_set("muscles.0.name", "x" * 200), "muscles[0].name: longer than 120 characters"),
    "measures not a list": (_set("measures", {}), "measures: expected a list, got {}"),
    "measure missing better": (
        _set("measures", [{"slug": "neck-angle", "name": "Neck angle"}]),
        "measures[0].better: missing",
    ),
    "bad better": (
        _set("measures", [measure(better="up")]),
        "measures[0].better: 'up' is not one of higher, lower, pass",
    ),
    "measure without a range": (
        _set("measures", [measure(max_value=None)]),
        "measures[0].max_value: missing: a measure where higher is better needs its lowest and highest value",
    ),
    "measure range left out": (
        _set("measures", [{"slug": "offset", "name": "Offset", "better": "lower"}]),
        "measures[0].min_value: missing: a measure where lower is better needs its lowest and highest value",
    ),
    "range upside down": (
        _set("measures", [measure(min_value=90, max_value=90)]),
        "measures[0].max_value: must be above min_value (90), got 90",
    ),
    "range on a test": (
        _set("measures", [measure(better="pass", max_value=None)]),
        "measures[0].min_value: must be null for a pass-or-fail test "
        "(it is recorded as passed or failed), got 0",
    ),
    "limit not a number": (
        _set("measures", [measure(min_value="0")]),
        "measures[0].min_value: expected a number from -99999.9 to 99999.9 with at most 1 decimal place, "
        "or null, got '0'",
    ),
    "limit too precise": (
        _set("measures", [measure(max_value=90.25)]),
        "measures[0].max_value: expected a number from -99999.9 to 99999.9 with at most 1 decimal place, "
        "or null, got 90.25",
    ),
    "limit too large": (
        _set("measures", [measure(max_value=100000)]),
        "measures[0].max_value: expected a number from -99999.9 to 99999.9 with at most 1 decimal place, "
        "or null, got 100000",
    ),
    "measure per side not a bool": (
        _set("measures", [measure(per_side="both")]),
        "measures[0].per_side: expected true or false, got 'both'",
    ),
    "measure unknown source": (
        _set("measures", [measure(sources=["no-such-book"])]),
        "measures[0].sources: unknown source 'no-such-book'",
    ),
    "measure unknown field": (_set("measures", [measure(colour="red")]), "measures[0].colour: unknown field"),
    "measure unit too long": (
        _set("measures", [measure(unit="x" * 21)]),
        "measures[0].unit: longer than 20 characters",
    ),
    "duplicate measure name": (
        _set("measures", [measure(), measure(slug="neck-angle-2")]),
        "measures[1].name: duplicate name 'Neck angle' (also measures[0])",
    ),
    "exercises not a list": (_set("exercises", "chin nod"), "exercises: expected a list, got 'chin nod'"),
    "exercise missing phase": (
        _set("exercises", [{"slug": "nod", "name": "Nod", "instructions": "Nod.", "muscles": ["scalenes"]}]),
        "exercises[0].phase: missing",
    ),
    "exercise missing muscles": (
        _set("exercises", [{"slug": "nod", "name": "Nod", "phase": "activate", "instructions": "Nod."}]),
        "exercises[0].muscles: missing",
    ),
    "bad phase": (
        _set("exercises", [exercise(phase="warm-up")]),
        "exercises[0].phase: 'warm-up' is not one of inhibit, lengthen, activate, integrate",
    ),
    "exercise without a muscle": (
        _set("exercises", [exercise(muscles=[])]),
        "exercises[0].muscles: an exercise targets at least one muscle",
    ),
    "exercise unknown muscle": (
        _set("exercises", [exercise(muscles=["biceps"])]),
        "exercises[0].muscles: unknown muscle 'biceps'",
    ),
    "exercise muscle twice": (
        _set("exercises", [exercise(muscles=["scalenes", "scalenes"])]),
        "exercises[0].muscles: a slug is listed twice",
    ),
    "exercise unknown pattern": (
        _set("exercises", [exercise(phase="integrate", patterns=["duck-walk"])]),
        "exercises[0].patterns: unknown pattern 'duck-walk'",
    ),
    "pattern on an activation exercise": (
        _set("exercises", [exercise(patterns=["forward-chin"])]),
        "exercises[0].patterns: only an exercise of phase 'integrate' addresses patterns, "
        "this one is 'activate'",
    ),
    "exercise unknown source": (
        _set("exercises", [exercise(sources=["no-such-book"])]),
        "exercises[0].sources: unknown source 'no-such-book'",
    ),
    "no sets": (
        _set("exercises", [exercise(sets=0)]),
        "exercises[0].sets: expected a whole number from 1 to 10 or null, got 0",
    ),
    "reps as text": (
        _set("exercises", [exercise(reps="12")]),
        "exercises[0].reps: expected a whole number from 1 to 100 or null, got '12'",
    ),
    "hold as a flag": (
        _set("exercises", [exercise(hold_seconds=True)]),
        "exercises[0].hold_seconds: expected a whole number from 1 to 600 or null, got true",
    ),
    "too often": (
        _set("exercises", [exercise(per_week=15)]),
        "exercises[0].per_week: expected a whole number from 1 to 14 or null, got 15",
    ),
    "video that is a script": (
        _set("exercises", [exercise(video_url="javascript:alert(1)")]),
        "exercises[0].video_url: 'javascript:alert(1)' is not a web address (http:// or https://)",
    ),
    "video that is not a link": (
        _set("exercises", [exercise(video_url="see the studio's channel")]),
        'exercises[0].video_url: "see the studio\'s channel" is not a web address (http:// or https://)',
    ),
    "an image in the document": (
        _set("exercises", [exercise(image="exercises/nod.png")]),
        "exercises[0].image: unknown field",
    ),
    "exercise missing instructions": (
        _set("exercises", [{"slug": "nod", "name": "Nod", "phase": "activate", "muscles": ["scalenes"]}]),
        "exercises[0].instructions: missing",
    ),
    "exercise name too long": (
        _set("exercises", [exercise(name="x" * 121)]),
        "exercises[0].name: longer than 120 characters",
    ),
    "duplicate exercise slug": (
        _set("exercises", [exercise(), exercise(name="Chin nod again")]),
        "exercises[1].slug: duplicate slug 'chin-nod' (also exercises[0])",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_is_reported_with_its_path_and_changes_nothing(tmp_path, case):
    mutate, expected = BAD_INPUTS[case]
    before = snapshot()
    with pytest.raises(CommandError, match="nothing was changed"):
        import_file(tmp_path, _bad(mutate))
    assert snapshot() == before


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_each_problem_names_where_it_is(tmp_path, case):
    mutate, expected = BAD_INPUTS[case]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_bad(mutate)), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_catalogue", str(path), stderr=err)
    assert expected in err.getvalue()


def test_every_problem_is_reported_at_once(tmp_path):
    def mutate(document):
        document["version"] = 3
        document["patterns"][3]["muscles"][1]["role"] = "tight"
        document["patterns"][1]["region"] = "hip"
        document["muscles"][4]["lay_name"] = 7

    err = StringIO()
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_bad(mutate)), encoding="utf-8")
    with pytest.raises(CommandError, match="4 problem"):
        call_command("import_catalogue", str(path), stderr=err)
    assert len(err.getvalue().strip().splitlines()) == 4


def test_a_new_entry_may_not_take_an_existing_entrys_name(tmp_path):
    document = {
        "format": FORMAT,
        "version": VERSION,
        "regions": [],
        "muscles": [{"slug": "scm", "name": "Sternocleidomastoid", "lay_name": "neck"}],
        "patterns": [],
    }
    err = StringIO()
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_catalogue", str(path), stderr=err)
    assert (
        "muscles[0].name: 'Sternocleidomastoid' is already the name of 'sternocleidomastoid'"
        in err.getvalue()
    )


@pytest.mark.parametrize(
    ("content", "message"), [("{not json", "is not valid JSON"), ("[]", "nothing was changed")]
)
def test_a_file_that_is_not_a_catalogue_object_is_refused(tmp_path, content, message):
    with pytest.raises(CommandError, match=message):
        import_file(tmp_path, content)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_catalogue", str(tmp_path / "nope.json"))


def test_seed_document_is_not_mutated_by_validation():
    document = seed()
    original = copy.deepcopy(document)
    parse_document(document)
    assert document == original


def test_a_clash_the_checks_cannot_see_is_refused_and_changes_nothing(tmp_path):
    document = seed()
    first, second = document["muscles"][0], document["muscles"][1]
    first["name"], second["name"] = second["name"], first["name"]
    before = snapshot()
    with pytest.raises(CommandError, match="database refused"):
        import_file(tmp_path, document)
    assert snapshot() == before


PACKS = {path.name: path for path in PACKS_DIR.glob("*.json")}
# What importing each pack into a catalogue without it does first.
CREATES = {
    "whole-body-posture.json": "create pattern",
    "movement-screens.json": "create pattern",
    "exercises.json": "create exercise",
}


def test_the_repository_ships_the_packs_in_the_order_they_import():
    assert set(PACKS) == set(SHIPPED_PACKS) == set(CREATES)
    # The exercises name the other packs' muscles and patterns, so they come last.
    assert SHIPPED_PACKS[-1] == "exercises.json"


@pytest.mark.parametrize("name", sorted(PACKS))
def test_each_pack_is_written_as_export_writes_it(name):
    text = PACKS[name].read_text(encoding="utf-8")
    assert text == dumps(json.loads(text))


def _pattern_rows(document: dict) -> dict[str, set]:
    """Each pattern's muscle links as the importer stores them (absent keys are their defaults)."""
    return {
        pattern["slug"]: {
            (row["muscle"], row["role"], row.get("side", ""), row.get("source")) for row in pattern["muscles"]
        }
        for pattern in document["patterns"]
    }


@pytest.mark.parametrize(
    "names",
    [
        ["whole-body-posture.json"],
        ["movement-screens.json"],
        ["whole-body-posture.json", "movement-screens.json"],
        ["movement-screens.json", "whole-body-posture.json"],
        ["movement-screens.json", "whole-body-posture.json", "exercises.json"],
        ["whole-body-posture.json", "movement-screens.json", "exercises.json"],
    ],
)
def test_the_shipped_packs_import_into_a_fresh_catalogue_and_again_change_nothing(names):
    for name in names:
        out = StringIO()
        call_command("import_catalogue", str(PACKS[name]), stdout=out)
        assert CREATES[name] in out.getvalue(), name
    imported = export_document()
    stored = _pattern_rows(imported)
    for name in names:
        for slug, rows in _pattern_rows(json.loads(PACKS[name].read_text(encoding="utf-8"))).items():
            assert stored[slug] == rows, slug
    # The seed's table is still there: a pack may add links to its patterns (the whole-body pack
    # adds the lower crossed syndrome's muscles to anterior pelvic tilt) but takes none away.
    for slug, rows in _pattern_rows(seed()).items():
        assert rows <= stored[slug], slug

    for name in reversed(names):
        out = StringIO()
        call_command("import_catalogue", str(PACKS[name]), stdout=out)
        assert out.getvalue().strip() == f"Imported {PACKS[name]}: 0 change(s)."
    assert export_document() == imported


def test_the_whole_body_pack_ships_sourced_measures_that_import_as_written():
    document = json.loads(PACKS["whole-body-posture.json"].read_text(encoding="utf-8"))
    assert {entry["slug"] for entry in document["measures"]} == {
        "craniovertebral-angle",
        "knee-to-wall",
        "shoulder-flexion",
        "thomas-test",
        "ear-shoulder-offset",
    }
    # Each says how to take it and where the method comes from.
    assert all(entry["description"] and entry["sources"] for entry in document["measures"])
    call_command("import_catalogue", str(PACKS["whole-body-posture.json"]), stdout=StringIO())
    assert export_document()["measures"] == document["measures"]


def test_a_broken_pack_is_refused_with_a_path_to_each_problem(tmp_path):
    document = json.loads(PACKS["movement-screens.json"].read_text(encoding="utf-8"))
    document["patterns"][2]["muscles"][1]["muscle"] = "no-such-muscle"
    document["patterns"][4]["observation"] = "hop-test"
    document["muscles"][5]["is_paired"] = "both"
    before = export_document()
    err = StringIO()
    path = tmp_path / "movement-screens.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError, match="3 problem"):
        call_command("import_catalogue", str(path), stdout=StringIO(), stderr=err)
    assert [line.partition(": ")[0] for line in err.getvalue().splitlines()] == [
        "muscles[5].is_paired",
        "patterns[2].muscles[1].muscle",
        "patterns[4].observation",
    ]
    assert export_document() == before


def test_the_exercise_pack_alone_is_refused_naming_the_muscles_it_needs(tmp_path):
    before = snapshot()
    err = StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("import_catalogue", str(PACKS["exercises.json"]), stdout=StringIO(), stderr=err)
    assert "exercises[0].muscles: unknown muscle 'gastrocnemius'" in err.getvalue()
    assert snapshot() == before


@pytest.fixture
def packs():
    """The shipped packs, imported as the demo imports them; the exercise pack's document."""
    assert [record.file_name for record in shipped_packs_import()] == list(SHIPPED_PACKS)
    return json.loads(PACKS["exercises.json"].read_text(encoding="utf-8"))


def test_the_exercise_pack_imports_as_written(packs):
    assert export_document()["exercises"] == packs["exercises"]
    # It adds exercises only, and cites sources the other packs bring.
    assert [name for name in packs if packs[name] and name not in ("format", "version")] == ["exercises"]


def test_every_muscle_of_the_whole_body_patterns_has_an_exercise_in_each_phase(packs):
    whole_body = json.loads(PACKS["whole-body-posture.json"].read_text(encoding="utf-8"))
    # Group muscles that only old assessments use (the seed's "gluteals") are linked by no pattern of
    # the pack, so they need no exercises of their own.
    linked = {row["muscle"] for pattern in whole_body["patterns"] for row in pattern["muscles"]}
    assert len(linked) == 40 and "gluteals" not in linked
    covered = set(
        Exercise.objects.active().filter(muscles__slug__in=linked).values_list("muscles__slug", "phase")
    )
    missing = [
        (slug, phase) for slug in sorted(linked) for phase in Phase.values if (slug, phase) not in covered
    ]
    assert missing == []


def test_every_pattern_has_a_whole_movement_exercise(packs):
    patterns = set(Pattern.objects.active().values_list("slug", flat=True))
    assert len(patterns) == 37
    addressed = set(
        Exercise.objects.active().filter(phase="integrate").values_list("patterns__slug", flat=True)
    )
    assert patterns - addressed == set()


# The default dosage of each phase, as the corrective continuum doses it: (sets, reps, hold) ranges.
PHASE_DOSAGE = {
    "inhibit": ((1, 1), None, (30, 90)),
    "lengthen": ((1, 2), None, (30, 30)),
    "activate": ((1, 2), (10, 15), None),
    "integrate": ((1, 3), (10, 15), None),
}


def _within(value: int | None, limits: tuple[int, int] | None) -> bool:
    return value is None if limits is None else value is not None and limits[0] <= value <= limits[1]


def test_each_exercise_of_the_pack_is_written_plainly_sourced_and_dosed_for_its_phase(packs):
    problems = []
    for entry in packs["exercises"]:
        slug = entry["slug"]
        sentences = [part for part in entry["instructions"].split(". ") if part]
        if not 2 <= len(sentences) <= 4:
            problems.append(f"{slug}: {len(sentences)} sentences of instructions")
        if not 1 <= len(entry["cues"].splitlines()) <= 3:
            problems.append(f"{slug}: cues")
        if not entry["contraindications"] or not entry["sources"]:
            problems.append(f"{slug}: no contraindications or no source")
        sets, reps, hold = PHASE_DOSAGE[entry["phase"]]
        # A held activation (a chin nod held 10 seconds) counts its repetitions too.
        hold_ok = entry["phase"] == "activate" or _within(entry["hold_seconds"], hold)
        if not (_within(entry["sets"], sets) and _within(entry["reps"], reps) and hold_ok):
            problems.append(f"{slug}: dosage {entry['sets']}, {entry['reps']}, {entry['hold_seconds']}")
        if not entry["per_week"]:
            problems.append(f"{slug}: how often")
    assert problems == []
    assert {entry["phase"] for entry in packs["exercises"]} == set(Phase.values)
