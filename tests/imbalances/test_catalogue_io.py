"""export_catalogue and import_catalogue: the versioned JSON document."""

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from imbalances.catalogue_io import FORMAT, VERSION, export_document, parse_document
from imbalances.models import Muscle, Pattern, PatternMuscle, Region
from imbalances.services import PACKS_DIR
from tests.factories import MuscleFindingFactory, PatternFindingFactory

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
    ]


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
        "format", "version", "sources", "observations", "regions", "muscles", "patterns",
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


def test_the_repository_ships_the_two_packs():
    assert set(PACKS) == {"whole-body-posture.json", "movement-screens.json"}


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
    ],
)
def test_the_shipped_packs_import_into_a_fresh_catalogue_and_again_change_nothing(names):
    for name in names:
        out = StringIO()
        call_command("import_catalogue", str(PACKS[name]), stdout=out)
        assert "create pattern" in out.getvalue(), name
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
