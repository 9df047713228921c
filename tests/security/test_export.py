import io
import json
import zipfile
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessments.models import Assessment
from clients.models import Screening
from reports.models import ReportDownload
from security.export import export_document
from security.models import AuditEvent
from tests import factories
from tests.conftest import login_as

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


def _export(django_client, client_record) -> tuple[dict, dict[str, bytes], object]:
    response = django_client.get(reverse("security:client_export", kwargs={"client_pk": client_record.pk}))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files.pop("data.json")), files, response


def test_it_exports_everything_about_the_client_as_json(client, trainer, record):
    login_as(client, trainer)

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
    assert [s["needs_clearance"] for s in data["screenings"]] == [True]
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

    data, files, _ = _export(client, client_record)

    assert files == {}
    assert len(data["assessments"]) == 1
    assert data["screenings"] == []


def test_the_export_is_recorded_in_the_audit_trail(client, trainer, record):
    login_as(client, trainer)

    _export(client, record)

    event = AuditEvent.objects.get(client=record)
    assert (event.user, event.action, event.url_name) == (trainer, "export", "security:client_export")


@pytest.mark.parametrize(
    ("persona_name", "status"),
    [("trainer", 200), ("admin", 200), ("other_trainer", 404), ("client", 403), ("other_client", 403)],
)
def test_who_may_export(client, persona, client_record, persona_name, status):
    login_as(client, persona[persona_name])

    response = client.get(reverse("security:client_export", kwargs={"client_pk": client_record.pk}))

    assert response.status_code == status
    exported = AuditEvent.objects.filter(client=client_record, action="export").exists()
    assert exported is (status == 200)


def test_it_requires_login(client, client_record):
    url = reverse("security:client_export", kwargs={"client_pk": client_record.pk})

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


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

    with django_assert_max_num_queries(12):
        document = export_document(client_record)

    assert len(document["assessments"]) == Assessment.objects.filter(client=client_record).count()


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
