import io
import json

from django.core.management import call_command

from assessments.demo import SESSIONS, load_assessments
from assessments.models import Assessment
from assessments.progress import Change, client_progress
from imbalances.catalogue_io import export_document
from imbalances.models import CatalogueImport, Exercise, Pattern
from imbalances.services import PACKS_DIR, SHIPPED_PACKS, import_catalogue_pack
from tests import factories


def test_demo_clients_get_sessions_that_show_progress_once(db):
    trainer = factories.TrainerFactory(username="trainer")
    second = factories.TrainerFactory(username="trainer2")
    clients = [factories.ClientFactory(trainer=trainer), factories.ClientFactory(trainer=second)]
    archived = factories.ClientFactory(trainer=trainer, is_archived=True)
    stranger = factories.ClientFactory()

    assert load_assessments() == SESSIONS * 2
    assert load_assessments() == 0

    for client in clients:
        assessments = Assessment.objects.filter(client=client)
        assert assessments.count() == SESSIONS
        assert assessments.filter(status="draft").count() == 1
        assert set(assessments.values_list("trainer", flat=True)) == {client.trainer_id}
        progress = client_progress(client, include_drafts=True)
        assert progress.patterns
        assert all(item.change == Change.BETTER for item in progress.patterns if item.first)
        assert progress.muscles and any(not m.latest for m in progress.muscles)
    assert not Assessment.objects.filter(client__in=[archived, stranger]).exists()


def _shipped_packs() -> list[tuple[str, bytes, dict]]:
    return [
        (path.name, path.read_bytes(), json.loads(path.read_bytes()))
        for path in (PACKS_DIR / name for name in SHIPPED_PACKS)
    ]


def test_load_demo_imports_every_pack_once(db):
    packs = _shipped_packs()
    # The exercises last: they name the muscles and patterns of the other two.
    assert [name for name, _, _ in packs] == [
        "movement-screens.json",
        "whole-body-posture.json",
        "exercises.json",
    ]

    out = io.StringIO()
    call_command("load_demo", stdout=out)

    slugs = set(Pattern.objects.values_list("slug", flat=True))
    exercises = set(Exercise.objects.values_list("slug", flat=True))
    for name, _, document in packs:
        assert {pattern["slug"] for pattern in document["patterns"]} <= slugs, name
        assert {exercise["slug"] for exercise in document.get("exercises", [])} <= exercises, name
        assert f"Imported catalogue pack {name}" in out.getvalue()
    assert len(exercises) > 80
    # The seed's patterns stay, next to the packs'.
    assert {"anterior-pelvic-tilt", "forward-chin", "head-tilt-turn", "posterior-pelvic-tilt"} <= slugs
    records = list(CatalogueImport.objects.order_by("pk").values_list("file_name", "imported_by", "changed"))
    assert records == [
        ("movement-screens.json", None, True),
        ("whole-body-posture.json", None, True),
        ("exercises.json", None, True),
    ]
    catalogue = export_document()

    again = io.StringIO()
    call_command("load_demo", stdout=again)
    assert "Imported catalogue pack" not in again.getvalue()
    assert CatalogueImport.objects.count() == 3
    assert export_document() == catalogue

    for name, content, document in packs:
        record = import_catalogue_pack(document=document, content=content, file_name=name, user=None)
        assert (record.changed, record.change_list) == (False, []), name


def test_demo_sessions_record_the_packs_measures_getting_better(db):
    for name, content, document in _shipped_packs():
        import_catalogue_pack(document=document, content=content, file_name=name, user=None)
    client = factories.ClientFactory(trainer=factories.TrainerFactory(username="trainer"))

    load_assessments()

    measures = client_progress(client, include_drafts=True).measures
    assert {(m.measure.slug, m.side) for m in measures} >= {
        ("craniovertebral-angle", ""),
        ("knee-to-wall", "left"),
        ("knee-to-wall", "right"),
        ("thomas-test", "left"),
        ("ear-shoulder-offset", ""),
    }
    assert all(m.change == Change.BETTER for m in measures)
    assert all(len(m.points) == SESSIONS for m in measures)
