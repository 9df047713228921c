import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client as BrowserClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from assessments.models import Assessment, PatternFinding
from clients.models import Screening
from reports.models import ReportDownload
from security.export import export_document
from security.models import AuditEvent, ClientExport
from security.services import client_erase
from security.tasks import build_client_export
from tests import factories
from tests.conftest import login_as
from tests.factories import PASSWORD
from tests.storage import stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(client_record, trainer):
    """Jane Doe with a screening, two finalised sessions, a draft, history and a download."""
    client_record.health_notes = "Old knee injury."
    client_record.consent_given_at = timezone.now()
    client_record.consent_recorded_by = trainer
    client_record.save()
    screening(client_record, recorded_by=trainer, joint_problem=True)
    tilt = factories.PatternFactory(name="Forward pelvis tip", slug="forward-pelvis-tip")
    hip = factories.MuscleFactory(name="Testus iliacus", slug="testus-iliacus")
    first = factories.AssessmentFactory(
        client=client_record, session_date=date(2026, 1, 10), final=True, notes="First visit."
    )
    factories.PatternFindingFactory(assessment=first, pattern=tilt, severity=3, note="Marked tip.")
    factories.MuscleFindingFactory(assessment=first, muscle=hip, role="over-active")
    latest = factories.AssessmentFactory(client=client_record, session_date=date(2026, 3, 14), final=True)
    factories.PatternFindingFactory(assessment=latest, pattern=tilt, severity=1)
    draft = factories.AssessmentFactory(client=client_record, session_date=date(2026, 4, 1))
    # An edit, so that history holds a change as well as the creations.
    draft.notes = "Edited draft note."
    draft._history_user = trainer
    draft.save()
    ReportDownload.objects.create(user=trainer, kind="summary", client=client_record, assessment=first)
    return client_record


def screening(client_record, **answers) -> Screening:
    return Screening.objects.create(
        client=client_record, **{**dict.fromkeys(Screening.QUESTIONS, False), **answers}
    )


def _page(client_record) -> str:
    return reverse("security:client_export", kwargs={"client_pk": client_record.pk})


def _download_url(export: ClientExport) -> str:
    return reverse(
        "security:client_export_download", kwargs={"client_pk": export.client_id, "export_pk": export.pk}
    )


def _unzip(content: bytes) -> tuple[dict, dict[str, bytes]]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files.pop("data.json")), files


def _export(django_client, client_record) -> tuple[dict, dict[str, bytes], object]:
    """Asks for an export (the immediate task backend builds it at once), then downloads it."""
    asked = django_client.post(_page(client_record))
    assert (asked.status_code, asked["Location"]) == (302, _page(client_record))
    export = ClientExport.objects.filter(client=client_record).latest("requested_at")
    assert export.status == ClientExport.Status.READY
    response = django_client.get(_download_url(export))
    assert response.status_code == 200
    data, files = _unzip(b"".join(response.streaming_content))
    return data, files, response


def test_it_exports_everything_about_the_client_as_json(client, trainer, record):
    login_as(client, trainer)
    client.get(reverse("clients:detail", kwargs={"pk": record.pk}))

    data, _, response = _export(client, record)

    assert response["Content-Type"] == "application/zip"
    day = timezone.localdate()
    assert response["Content-Disposition"] == f'attachment; filename="jane-doe-data-{day:%Y-%m-%d}.zip"'
    assert response["Cache-Control"] == "no-store, private"
    assert data["format"] == "trainer-studio-client-export"
    assert data["version"] == 1
    assert data["client"]["last_name"] == "Doe"
    assert data["client"]["health_notes"] == "Old knee injury."
    assert data["client"]["consent_recorded_by"] == "Alice Archer"
    # The one with a yes answer, and the fixture's earlier one of all no.
    assert [s["needs_clearance"] for s in data["screenings"]] == [True, False]
    assert [a["session_date"] for a in data["assessments"]] == ["2026-01-10", "2026-03-14", "2026-04-01"]
    first = data["assessments"][0]
    assert first["pattern_findings"] == [
        {
            "pattern": "forward-pelvis-tip",
            "pattern_name": "Forward pelvis tip",
            "severity": "severe",
            "side": "",
            "note": "Marked tip.",
        }
    ]
    assert [m["muscle"] for m in first["muscle_findings"]] == ["testus-iliacus"]
    changes = [h for h in data["history"] if h["type"] == "Changed"]
    assert [(h["record"], h["who"], h["values"]["notes"]) for h in changes] == [
        ("assessment", "Alice Archer", "Edited draft note.")
    ]
    assert {h["record"] for h in data["history"]} == {"assessment", "pattern_finding", "muscle_finding"}
    assert [(d["kind"], d["by"]) for d in data["report_downloads"]] == [("summary", "Alice Archer")]
    assert data["portal_account"]["username"] == record.portal_user.username
    assert data["portal_account"]["is_active"] is True
    assert [(e["by"], e["action"], e["url_name"]) for e in data["audit_events"]] == [
        ("Alice Archer", "view", "clients:detail")
    ]
    assert data["login_records"] == data["admin_log"] == []


def test_it_exports_the_screening_clearance_letter_and_reasons_to_assess_anyway(
    client, trainer, client_record
):
    login_as(client, trainer)
    yes = screening(
        client_record,
        recorded_by=trainer,
        chest_pain=True,
        chest_pain_details="On stairs.",
        notes="Walks daily.",
        confirmed_name="jane doe",
        confirmed_on=date(2026, 11, 2),
    )
    anyway = reverse("clients:assess_anyway", kwargs={"pk": client_record.pk})
    assert client.post(anyway, {"reason": "Her GP is on holiday this week."}).status_code == 302
    letter = SimpleUploadedFile("letter.pdf", b"%PDF-1.7 the doctor's letter")
    cleared = client.post(
        reverse("clients:clearance", kwargs={"pk": client_record.pk, "screening_pk": yes.pk}),
        {"cleared_on": timezone.localdate().isoformat(), "cleared_by": "Dr. A. Smith, GP", "letter": letter},
    )
    assert cleared.status_code == 302

    data, files, _ = _export(client, client_record)

    exported = data["screenings"][0]
    answer = next(a for a in exported["answers"] if a["question"] == Screening.QUESTIONS["chest_pain"])
    assert answer == {"question": Screening.QUESTIONS["chest_pain"], "answer": True, "details": "On stairs."}
    assert (exported["notes"], exported["confirmed_name"], exported["confirmed_on"]) == (
        "Walks daily.",
        "jane doe",
        "2026-11-02",
    )
    clearance = exported["clearance"]
    assert (clearance["cleared_by"], clearance["recorded_by"]) == ("Dr. A. Smith, GP", "Alice Archer")
    assert files[clearance["letter"]] == b"%PDF-1.7 the doctor's letter"
    assert clearance["letter"].startswith("letters/") and clearance["letter"].endswith(".pdf")
    assert [(o["by"], o["reason"]) for o in data["assessment_overrides"]] == [
        ("Alice Archer", "Her GP is on holiday this week.")
    ]
    assert data["assessment_overrides"][0]["missing"] == [
        f"The screening on {yes.screened_on:%-d %b %Y} needs medical clearance."
    ]


def test_it_holds_a_pdf_per_finalised_session_and_the_progress_report(client, trainer, record):
    login_as(client, trainer)

    _, files, _ = _export(client, record)

    day = timezone.localdate()
    assert set(files) == {
        "reports/jane-doe-summary-2026-01-10.pdf",
        "reports/jane-doe-summary-2026-03-14.pdf",
        f"reports/jane-doe-progress-{day:%Y-%m-%d}.pdf",
    }
    for data in files.values():
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        assert "Jane Doe" in text
    progress = PdfReader(io.BytesIO(files[f"reports/jane-doe-progress-{day:%Y-%m-%d}.pdf"]))
    # Drafts stay out of what the client receives as a report.
    assert "Edited draft note." not in "".join(page.extract_text() for page in progress.pages)


def test_a_client_without_final_sessions_gets_data_without_pdfs(client, trainer, client_record):
    login_as(client, trainer)
    factories.AssessmentFactory(client=client_record)
    client_record.screenings.all().delete()

    data, files, _ = _export(client, client_record)

    assert files == {}
    assert len(data["assessments"]) == 1
    assert data["screenings"] == []
    assert data["assessment_overrides"] == []


def test_it_exports_the_plans_with_their_exercises_and_the_sessions_the_client_logged(
    client, trainer, record
):
    latest = record.assessments.get(session_date=date(2026, 3, 14))
    bridge = factories.ExerciseFactory(name="Glute bridge", slug="glute-bridge")
    stretch = factories.ExerciseFactory(
        name="Hip flexor stretch", slug="hip-flexor-stretch", phase="lengthen"
    )
    plan = factories.PlanFactory(
        assessment=latest,
        published=True,
        start_date=date(2026, 3, 16),
        review_date=date(2026, 4, 13),
        notes="Before work, three times a week.",
    )
    factories.PlanItemFactory(
        plan=plan,
        exercise=bridge,
        sets=3,
        reps=10,
        tempo="3/1/1",
        per_week=3,
        note="Squeeze at the top.",
        reason="For glutes",
    )
    factories.PlanItemFactory(
        plan=plan, exercise=stretch, sets=2, reps=None, hold_seconds=30, per_week=5, reason="For iliacus"
    )
    factories.PlanSessionFactory(plan=plan, done_on=date(2026, 3, 18), effort=6, note="Wobbly on one leg.")
    factories.PlanSessionFactory(plan=plan, done_on=date(2026, 3, 17), effort=None)
    factories.PlanFactory(assessment=latest, start_date=date(2026, 4, 2), review_date=date(2026, 4, 30))
    login_as(client, trainer)

    data, _, _ = _export(client, record)

    assert [(p["status"], p["start_date"], p["review_date"]) for p in data["plans"]] == [
        ("published", "2026-03-16", "2026-04-13"),
        ("draft", "2026-04-02", "2026-04-30"),
    ]
    exported = data["plans"][0]
    assert (exported["notes"], exported["assessment_id"], exported["trainer"]) == (
        "Before work, three times a week.",
        latest.pk,
        "Alice Archer",
    )
    assert exported["items"] == [
        {
            "exercise": "glute-bridge",
            "exercise_name": "Glute bridge",
            "sets": 3,
            "reps": 10,
            "hold_seconds": None,
            "tempo": "3/1/1",
            "per_week": 3,
            "dosage": "3 sets of 10, 3 times a week",
            "note": "Squeeze at the top.",
            "reason": "For glutes",
        },
        {
            "exercise": "hip-flexor-stretch",
            "exercise_name": "Hip flexor stretch",
            "sets": 2,
            "reps": None,
            "hold_seconds": 30,
            "tempo": "",
            "per_week": 5,
            "dosage": "2 holds of 30 seconds, 5 times a week",
            "note": "",
            "reason": "For iliacus",
        },
    ]
    assert [(s["done_on"], s["effort"], s["note"]) for s in exported["sessions"]] == [
        ("2026-03-17", None, ""),
        ("2026-03-18", 6, "Wobbly on one leg."),
    ]
    assert data["plans"][1]["items"] == data["plans"][1]["sessions"] == []
    assert {"plan", "plan_item", "plan_session"} <= {h["record"] for h in data["history"]}


def test_the_history_keeps_a_discarded_plan(trainer, record):
    plan = factories.PlanFactory(
        assessment=record.assessments.filter(status="final").first(), notes="Never shown."
    )
    factories.PlanItemFactory(plan=plan, note="Was in the draft.")
    plan.delete()

    document = export_document(record)

    assert document["plans"] == []
    notes = {h["values"].get("note") for h in document["history"] if h["record"] == "plan_item"}
    assert "Was in the draft." in notes
    deleted = [h for h in document["history"] if h["record"] == "plan" and h["type"] == "Deleted"]
    assert [h["values"]["notes"] for h in deleted] == ["Never shown."]


def test_the_export_is_recorded_in_the_audit_trail(client, trainer, record):
    login_as(client, trainer)

    _export(client, record)

    events = AuditEvent.objects.filter(client=record).order_by("at", "pk")
    assert [(e.user, e.action, e.url_name) for e in events] == [
        (trainer, "change", "security:client_export"),
        (trainer, "export", "security:client_export_download"),
    ]


@pytest.mark.parametrize(
    ("persona_name", "status"),
    [("trainer", 200), ("admin", 200), ("other_trainer", 404), ("client", 403), ("other_client", 403)],
)
def test_who_may_export(client, persona, client_record, persona_name, status):
    ready = _ready_export(client_record)
    login_as(client, persona[persona_name])

    page = client.get(_page(client_record))
    download = client.get(_download_url(ready))
    asked = client.post(_page(client_record))

    assert (page.status_code, download.status_code) == (status, status)
    assert asked.status_code == (302 if status == 200 else status)
    actions = set(AuditEvent.objects.filter(client=client_record).values_list("action", flat=True))
    assert actions == ({"view", "export", "change"} if status == 200 else set())
    assert ClientExport.objects.filter(client=client_record).count() == (2 if status == 200 else 1)


def test_it_requires_login(client, client_record):
    for url in (_page(client_record), _download_url(_ready_export(client_record))):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert client.post(_page(client_record)).status_code == 302
    assert ClientExport.objects.count() == 1


def test_it_answers_404_for_a_missing_client(client, trainer):
    login_as(client, trainer)

    response = client.get(reverse("security:client_export", kwargs={"client_pk": 999999}))

    assert response.status_code == 404


@pytest.mark.parametrize("sessions", [1, 15])
def test_the_data_document_takes_a_fixed_number_of_queries(
    client_record, trainer, sessions, django_assert_max_num_queries
):
    pattern = factories.PatternFactory()
    for _ in range(sessions):
        assessment = factories.AssessmentFactory(client=client_record, final=True)
        factories.PatternFindingFactory(assessment=assessment, pattern=pattern)
        factories.MuscleFindingFactory(assessment=assessment)
        screening(client_record)
        plan = factories.PlanFactory(assessment=assessment)
        factories.PlanItemFactory(plan=plan)
        factories.PlanSessionFactory(plan=plan)

    with django_assert_max_num_queries(DOCUMENT_QUERIES):
        document = export_document(client_record)

    assert len(document["assessments"]) == Assessment.objects.filter(client=client_record).count()
    assert [(len(p["items"]), len(p["sessions"])) for p in document["plans"]] == [(1, 1)] * sessions


def test_the_client_page_links_to_export_and_erasure(client, trainer, client_record):
    login_as(client, trainer)

    text = client.get(reverse("clients:detail", kwargs={"pk": client_record.pk})).content.decode()

    assert reverse("security:client_export", kwargs={"client_pk": client_record.pk}) in text
    assert reverse("security:client_erase", kwargs={"client_pk": client_record.pk}) in text


def test_the_admin_lists_clients_with_links_to_their_data_but_no_health_notes(
    client, admin_user, client_record
):
    client_record.health_notes = "Secret knee trouble."
    client_record.save()
    login_as(client, admin_user)

    listing = client.get(reverse("admin:clients_client_changelist"))
    page = client.get(reverse("admin:clients_client_change", args=[client_record.pk]))

    assert listing.status_code == page.status_code == 200
    for response in (listing, page):
        text = response.content.decode()
        assert reverse("security:client_export", kwargs={"client_pk": client_record.pk}) in text
        assert reverse("security:client_erase", kwargs={"client_pk": client_record.pk}) in text
        assert "Secret knee trouble." not in text
    assert client.post(reverse("admin:clients_client_delete", args=[client_record.pk])).status_code == 403


# How many queries the data document takes, whatever the number of sessions and plans.
# One more for the reasons recorded to assess anyway (clearances come with their screenings),
# two for the measures taken (their values and their history), three for the plans (with their
# exercises and logged sessions) and five for the plans' history (every plan's id, then the
# versions of plans, items and sessions), and two for the posture photos (the photos and their history).
DOCUMENT_QUERIES = 29
MANY_SESSIONS = 400
MANY_PLANS = 5


def _ready_export(client_record, **fields) -> ClientExport:
    """A finished export with a small zip in storage, as the task leaves it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.json", json.dumps({"client": {"id": client_record.pk}}))
    name = default_storage.save(f"exports/{client_record.pk}/ready.zip", io.BytesIO(buffer.getvalue()))
    return ClientExport.objects.create(
        client=client_record,
        status=ClientExport.Status.READY,
        file_name=name,
        byte_size=len(buffer.getvalue()),
        finished_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def many_sessions(client_record):
    """Jane Doe with MANY_SESSIONS finalised sessions, a pattern finding each, made in bulk."""
    pattern = factories.PatternFactory()
    first_day = date(2020, 1, 6)
    now = timezone.now()
    assessments = Assessment.objects.bulk_create(
        Assessment(
            client=client_record,
            trainer=client_record.trainer,
            session_date=first_day + timedelta(days=3 * n),
            status=Assessment.Status.FINAL,
            finalised_at=now,
            notes=f"Session {n}.",
            pain_score=n % 11,
        )
        for n in range(MANY_SESSIONS)
    )
    PatternFinding.objects.bulk_create(
        PatternFinding(assessment=assessment, pattern=pattern, severity=1 + n % 3)
        for n, assessment in enumerate(assessments)
    )
    exercises = factories.ExerciseFactory.create_batch(3)
    for assessment in assessments[-MANY_PLANS:]:
        plan = factories.PlanFactory(
            assessment=assessment, start_date=assessment.session_date, status="ended"
        )
        for exercise in exercises:
            factories.PlanItemFactory(plan=plan, exercise=exercise)
        for day in (1, 2):
            factories.PlanSessionFactory(plan=plan, done_on=assessment.session_date + timedelta(days=day))
    return client_record


@pytest.fixture
def no_pdf_rendering(monkeypatch):
    """Fails the test if anything renders a PDF."""

    def refuse(report):
        raise AssertionError("a PDF was rendered")

    monkeypatch.setattr("security.export.render_pdf", refuse)
    monkeypatch.setattr("reports.services.render_pdf", refuse)


@pytest.fixture
def task_workers(settings):
    """Tasks go to the database queue for workers, as in production, instead of running at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_page_offers_to_prepare_a_download(client, trainer, client_record):
    login_as(client, trainer)

    response = client.get(_page(client_record))

    assert response.status_code == 200
    text = response.content.decode()
    assert "All data about Jane Doe" in text
    assert "Prepare a download of all data" in text
    assert "No download has been prepared in the last day." in text
    assert "hx-trigger" not in text
    assert [e.action for e in AuditEvent.objects.filter(client=client_record)] == ["view"]
    assert not ClientExport.objects.exists()


def test_asking_for_the_export_of_400_sessions_only_queues_a_task(
    client, trainer, many_sessions, no_pdf_rendering, task_workers
):
    login_as(client, trainer)
    small = factories.ClientFactory(trainer=trainer)
    factories.AssessmentFactory(client=small, final=True)
    client.get(_page(small))  # the session and the trainer's groups are loaded once

    with CaptureQueriesContext(connection) as for_one:
        assert client.post(_page(small)).status_code == 302
    with CaptureQueriesContext(connection) as for_many:
        response = client.post(_page(many_sessions))

    assert response.status_code == 302
    # The same few queries whatever the number of sessions: nothing is built in the request
    # (two of them the savepoint that commits the audit row with the export).
    assert len(for_many) == len(for_one) <= 16
    export = ClientExport.objects.get(client=many_sessions)
    assert (export.status, export.requested_by, export.file_name) == ("pending", trainer, "")
    queued = DBTaskResult.objects.get(args_kwargs__kwargs__export_id=export.pk)
    assert queued.task_path == "security.tasks.build_client_export"
    assert queued.status == "READY"
    text = client.get(_page(many_sessions)).content.decode()
    assert "The download is being prepared." in text
    assert "Prepare a download of all data" not in text


def test_the_task_builds_data_json_of_400_sessions_in_a_fixed_number_of_queries(
    many_sessions, trainer, django_assert_num_queries
):
    with django_assert_num_queries(DOCUMENT_QUERIES):
        document = export_document(many_sessions)

    sessions = document["assessments"]
    assert len(sessions) == MANY_SESSIONS
    assert sessions[0]["session_date"] == date(2020, 1, 6)
    assert sessions[-1]["notes"] == f"Session {MANY_SESSIONS - 1}."
    assert all(len(session["pattern_findings"]) == 1 for session in sessions)
    assert [(len(p["items"]), len(p["sessions"])) for p in document["plans"]] == [(3, 2)] * MANY_PLANS


def test_the_task_zips_every_session_of_400_into_storage(many_sessions, trainer, monkeypatch):
    """End to end with a stand-in for WeasyPrint: 400 real renders would take minutes."""
    monkeypatch.setattr("security.export.render_pdf", lambda report: f"%PDF {report.header.kind}".encode())
    export = ClientExport.objects.create(client=many_sessions, requested_by=trainer)

    assert build_client_export.call(export_id=export.pk) == "ready"

    export.refresh_from_db()
    assert export.status == ClientExport.Status.READY
    assert export.finished_at is not None
    assert export.file_name.startswith(f"exports/{many_sessions.pk}/")
    with default_storage.open(export.file_name, "rb") as stored:
        content = stored.read()
    assert export.byte_size == len(content)
    data, files = _unzip(content)
    assert len(data["assessments"]) == MANY_SESSIONS
    assert len(files) == MANY_SESSIONS + 1
    assert files["reports/jane-doe-summary-2020-01-06.pdf"] == b"%PDF summary"


def test_while_it_is_prepared_the_page_polls_for_a_few_minutes_then_asks_to_reload(
    client, trainer, client_record
):
    export = ClientExport.objects.create(client=client_record, requested_by=trainer)
    login_as(client, trainer)

    fresh = client.get(_page(client_record)).content.decode()
    ClientExport.objects.filter(pk=export.pk).update(requested_at=timezone.now() - timedelta(minutes=6))
    later = client.get(_page(client_record)).content.decode()

    assert 'hx-trigger="every 5s"' in fresh
    assert "The download is being prepared." in fresh
    assert "hx-trigger" not in later
    assert "Reload this page later" in later
    # Neither offers another build while this one may still finish.
    assert "Prepare a download of all data" not in fresh + later


def test_the_poll_gets_the_list_alone_and_stops_once_it_is_ready(client, trainer, client_record):
    export = ClientExport.objects.create(client=client_record, requested_by=trainer)
    login_as(client, trainer)

    preparing = client.get(_page(client_record), headers={"HX-Request": "true"}).content.decode()
    ready = _ready_export(client_record)
    ClientExport.objects.filter(pk=export.pk).delete()
    done = client.get(_page(client_record), headers={"HX-Request": "true"}).content.decode()

    assert preparing.strip().startswith('<section id="exports"')
    assert "<html" not in preparing
    assert 'hx-trigger="every 5s"' in preparing
    assert "hx-trigger" not in done
    assert _download_url(ready) in done
    assert "Prepare a download of all data" in done


def test_a_failed_export_says_so_and_offers_a_retry(client, trainer, client_record, monkeypatch):
    def broken(client, out):
        raise RuntimeError("disk full")

    monkeypatch.setattr("security.services.export_zip", broken)
    login_as(client, trainer)

    client.post(_page(client_record))
    text = client.get(_page(client_record)).content.decode()

    failed = ClientExport.objects.get(client=client_record)
    assert (failed.status, failed.file_name) == ("failed", "")
    assert failed.finished_at is not None
    assert "Preparing the last download failed." in text
    assert "Try again</button>" in text
    monkeypatch.undo()
    client.post(_page(client_record))
    assert [e.status for e in ClientExport.objects.filter(client=client_record)] == ["ready", "failed"]


def test_an_export_lost_by_its_worker_may_be_asked_for_again(client, trainer, client_record, task_workers):
    lost = ClientExport.objects.create(client=client_record, requested_by=trainer, status="running")
    ClientExport.objects.filter(pk=lost.pk).update(requested_at=timezone.now() - timedelta(hours=1))
    login_as(client, trainer)

    text = client.get(_page(client_record)).content.decode()
    client.post(_page(client_record))

    assert "failed" in text
    assert "Try again</button>" in text
    assert ClientExport.objects.filter(client=client_record).count() == 2


def test_asking_again_while_one_is_prepared_queues_nothing_more(client, trainer, client_record, task_workers):
    login_as(client, trainer)

    for _ in range(3):
        assert client.post(_page(client_record)).status_code == 302

    assert ClientExport.objects.filter(client=client_record).count() == 1
    assert DBTaskResult.objects.filter(task_path="security.tasks.build_client_export").count() == 1


def test_the_download_is_an_uncached_attachment_served_only_through_the_view(client, trainer, client_record):
    export = _ready_export(client_record)
    login_as(client, trainer)

    response = client.get(_download_url(export))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    day = timezone.localdate()
    assert response["Content-Disposition"] == f'attachment; filename="jane-doe-data-{day:%Y-%m-%d}.zip"'
    assert response["Cache-Control"] == "no-store, private"
    data, _ = _unzip(b"".join(response.streaming_content))
    assert data == {"client": {"id": client_record.pk}}
    event = AuditEvent.objects.get(client=client_record)
    assert (event.user, event.action) == (trainer, "export")
    assert event.url_name == "security:client_export_download"
    # The storage has no public URL of its own.
    assert client.get(f"/media/{export.file_name}").status_code == 404


def test_only_a_ready_recent_export_of_this_client_is_served(client, trainer, client_record, other_trainer):
    own_other = factories.ClientFactory(trainer=trainer)
    elsewhere = _ready_export(own_other)
    pending = ClientExport.objects.create(client=client_record, requested_by=trainer)
    old = _ready_export(client_record)
    ClientExport.objects.filter(pk=old.pk).update(requested_at=timezone.now() - timedelta(days=2))
    login_as(client, trainer)

    for export in (elsewhere, pending, old):
        url = reverse(
            "security:client_export_download", kwargs={"client_pk": client_record.pk, "export_pk": export.pk}
        )
        assert client.get(url).status_code == 404, export
    assert not AuditEvent.objects.filter(action="export").exists()
    assert "ready.zip" not in client.get(_page(client_record)).content.decode()


def test_a_client_erased_while_the_export_was_built_leaves_no_file(
    trainer, client_record, monkeypatch, django_capture_on_commit_callbacks
):
    def erase_midway(client, out):
        out.write(b"half a zip")
        client_erase(client=client, by=trainer)

    monkeypatch.setattr("security.services.export_zip", erase_midway)
    export = ClientExport.objects.create(client=client_record, requested_by=trainer)

    with django_capture_on_commit_callbacks(execute=True):
        result = build_client_export.call(export_id=export.pk)

    assert result is None
    assert not ClientExport.objects.exists()
    assert stored_files() == set()


# Sign-in records and the admin log: the client's own, in the export; nobody else's.


def test_it_exports_the_clients_sign_ins_and_nobody_elses(trainer, client_record, other_client_record):
    portal_user = client_record.portal_user
    phone = BrowserClient()
    phone.post(reverse("login"), {"username": portal_user.username, "password": "wrong"})
    signed_in = phone.post(reverse("login"), {"username": portal_user.username, "password": PASSWORD})
    assert signed_in.status_code == 302
    # Their e-mail typed where the username goes (counted under the account it names), and a
    # failure log kept under the e-mail in capitals.
    BrowserClient().post(reverse("login"), {"username": client_record.email, "password": "wrong"})
    AccessFailureLog.objects.create(
        username=client_record.email.upper(), ip_address="10.0.0.9", user_agent="Phone", path_info="/login/"
    )
    other = other_client_record.portal_user
    BrowserClient().post(reverse("login"), {"username": other.username, "password": "wrong"})
    AccessLog.objects.create(username=other.username, ip_address="10.0.0.8", user_agent="Other")
    kind = ContentType.objects.get_for_model(client_record)
    for user in (portal_user, trainer):
        LogEntry.objects.create(
            user=user,
            content_type=kind,
            object_id=str(client_record.pk),
            object_repr=f"by {user.username}",
            action_flag=CHANGE,
            change_message="[]",
        )

    document = export_document(client_record)

    records = [(r["record"], r["username"]) for r in document["login_records"]]
    assert sorted(records) == sorted(
        [
            ("signed in", portal_user.username),
            ("failed sign-ins counted towards a lockout", portal_user.username),
            ("failed sign-in", client_record.email.upper()),
        ]
    )
    assert {r["ip_address"] for r in document["login_records"]} == {"127.0.0.1", "10.0.0.9"}
    sign_in = next(r for r in document["login_records"] if r["record"] == "signed in")
    assert sign_in["at"] == AccessLog.objects.get(username=portal_user.username).attempt_time
    admin_log = [(entry["object"], entry["action"]) for entry in document["admin_log"]]
    assert admin_log == [(f"by {portal_user.username}", "changed")]
    # The other client's failures are there to be left out.
    assert AccessAttempt.objects.filter(username=other.username).exists()


def test_the_sign_ins_of_a_client_without_a_portal_account_are_those_at_their_e_mail(client_record):
    client_record.portal_user = None
    client_record.save()
    AccessAttempt.objects.create(
        username=client_record.email, ip_address="10.0.0.7", failures_since_start=2, get_data="", post_data=""
    )

    document = export_document(client_record)

    assert [(r["record"], r["failures"]) for r in document["login_records"]] == [
        ("failed sign-ins counted towards a lockout", 2)
    ]
    assert document["admin_log"] == []


def test_a_new_export_clears_the_downloads_no_longer_offered(
    client, trainer, client_record, other_client_record, task_workers, django_capture_on_commit_callbacks
):
    old = _ready_export(client_record)
    ClientExport.objects.filter(pk=old.pk).update(requested_at=timezone.now() - timedelta(days=2))
    recent = _ready_export(client_record)
    someone_elses = _ready_export(other_client_record)
    ClientExport.objects.filter(pk=someone_elses.pk).update(requested_at=timezone.now() - timedelta(days=2))
    login_as(client, trainer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_page(client_record))

    assert not ClientExport.objects.filter(pk=old.pk).exists()
    assert not default_storage.exists(old.file_name)
    assert default_storage.exists(recent.file_name)
    assert default_storage.exists(someone_elses.file_name)
    assert ClientExport.objects.filter(client=client_record).count() == 2  # recent and the new one


def test_a_damaged_export_file_is_never_served(client, trainer, client_record):
    export = _ready_export(client_record)
    with default_storage.open(export.file_name, "wb") as damaged:
        damaged.write(b"PK")  # a truncated zip
    login_as(client, trainer)

    response = client.get(_download_url(export))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()
