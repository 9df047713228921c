"""Finalising an assessment renders the client's PDFs, so that their first download renders nothing."""

import logging
from types import SimpleNamespace

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse

from assessments.models import Assessment
from assessments.services import assessment_finalise, assessment_reopen, assessment_save
from imbalances.catalogue_io import export_document
from imbalances.services import catalogue_import
from reports.data import build_progress, build_summary
from reports.models import RenderedReport, ReportDownload
from reports.services import rendered_report_find, report_key
from security.models import AuditEvent
from tests import factories
from tests.assessments.conftest import form_data
from tests.conftest import login_as
from tests.reports.conftest import read_pdf

pytestmark = pytest.mark.django_db


def _by_action(client, assessment: Assessment) -> Assessment:
    response = client.post(
        reverse("assessments:finalise", kwargs={"pk": assessment.pk}), {"version": assessment.version}
    )
    assert response.status_code == 302
    return assessment


def _by_form(client, assessment: Assessment) -> Assessment:
    """Save and finalise a new assessment in one POST of the form."""
    data = {**form_data(session_date="2026-05-02", notes="Saved and finalised at once."), "finalise": "1"}
    response = client.post(reverse("assessments:create", kwargs={"client_pk": assessment.client_id}), data)
    assert response.status_code == 302
    return Assessment.objects.get(client_id=assessment.client_id, session_date="2026-05-02")


@pytest.fixture
def finalise(client, trainer, django_capture_on_commit_callbacks):
    """Finalise through a trainer's POST, and run what waits for the commit as a real one would."""

    def finalise(assessment: Assessment, how=_by_action) -> Assessment:
        login_as(client, trainer)
        with django_capture_on_commit_callbacks(execute=True):
            finalised = how(client, assessment)
        client.logout()
        finalised.refresh_from_db()
        assert finalised.is_final
        return finalised

    return finalise


def _stored_pdf(key: str) -> bytes:
    rendered = rendered_report_find(key=key)
    assert rendered is not None, "no PDF in storage for this content"
    with default_storage.open(rendered.file_name, "rb") as stored:
        return stored.read()


@pytest.mark.parametrize("how", [_by_action, _by_form], ids=["finalise button", "save and finalise"])
def test_finalising_stores_the_summary_and_the_progress_report(finalise, studio, client_record, how):
    assessment = finalise(studio.draft, how)

    summary = read_pdf(_stored_pdf(report_key(build_summary(assessment.pk))))
    progress = read_pdf(_stored_pdf(report_key(build_progress(client_record.pk))))

    assert assessment.notes in summary.text
    assert assessment.notes in progress.text
    assert RenderedReport.objects.filter(status="ready").count() == 2


def test_the_stored_progress_report_is_the_clients_view_without_drafts(finalise, studio, client_record):
    factories.AssessmentFactory(
        client=client_record, session_date=studio.draft.session_date, notes="Still a draft."
    )

    finalise(studio.draft)

    text = read_pdf(_stored_pdf(RenderedReport.objects.get(kind="progress").key)).text
    assert "Unfinished draft note." in text
    assert "Still a draft." not in text and "DRAFT" not in text


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(lambda s: reverse("reports:portal_summary_pdf", args=[s.draft.pk]), id="summary"),
        pytest.param(lambda s: reverse("reports:portal_progress_pdf"), id="progress"),
    ],
)
def test_the_first_download_after_finalise_renders_nothing(
    client, client_user, client_record, studio, finalise, forbid_rendering, url
):
    finalise(studio.draft)
    forbid_rendering()

    login_as(client, client_user)
    response = client.get(url(studio))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Unfinished draft note." in read_pdf(b"".join(response.streaming_content)).text
    downloads = AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD)
    assert list(downloads.values_list("user_id", "client_id")) == [(client_user.pk, client_record.pk)]
    assert ReportDownload.objects.get().user == client_user


def test_finalising_again_after_a_reopen_serves_the_new_content(
    client, trainer, client_user, studio, finalise, forbid_rendering
):
    finalise(studio.draft)
    assessment_reopen(assessment=studio.draft, by=trainer)
    assessment_save(
        assessment=studio.draft,
        header={"notes": "Corrected after the reopen."},
        pattern_findings=[],
        muscle_findings=[],
        expected_version=studio.draft.version,
        by=trainer,
    )
    finalise(studio.draft)
    forbid_rendering()

    login_as(client, client_user)
    response = client.get(reverse("reports:portal_summary_pdf", args=[studio.draft.pk]))

    text = read_pdf(b"".join(response.streaming_content)).text
    assert "Corrected after the reopen." in text
    assert "Unfinished draft note." not in text


def test_a_rolled_back_finalise_renders_nothing(trainer, studio, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        assessment_finalise(assessment=studio.draft, by=trainer)
        raise RuntimeError("the surrounding work failed")
    assert callbacks == []
    studio.draft.refresh_from_db()
    assert not studio.draft.is_final

    # The same finalise, committed, does announce itself.
    with django_capture_on_commit_callbacks() as callbacks:
        assessment_finalise(assessment=studio.draft, by=trainer)
    assert len(callbacks) == 1


def _failing_render(monkeypatch):
    def render_pdf(report):
        raise RuntimeError("WeasyPrint broke")

    monkeypatch.setattr("reports.services.render_pdf", render_pdf)


def _failing_queue(monkeypatch):
    def enqueue(**kwargs):
        raise ConnectionError("the task queue is down")

    monkeypatch.setattr("reports.tasks.render_report_pdf", SimpleNamespace(enqueue=enqueue))


@pytest.mark.parametrize("failure", [_failing_render, _failing_queue], ids=["render fails", "queue fails"])
def test_a_failure_after_finalise_is_logged_and_the_download_renders_on_demand(
    client, client_user, studio, finalise, monkeypatch, caplog, failure
):
    failure(monkeypatch)

    with caplog.at_level(logging.ERROR, logger="reports.tasks"):
        finalise(studio.draft)

    # One for the summary, one for the progress report.
    logged = [record.levelno for record in caplog.records if record.name == "reports.tasks"]
    assert logged == [logging.ERROR, logging.ERROR]
    # Nothing stored: a render that raised is recorded as failed, and a download renders it again.
    assert not RenderedReport.objects.exclude(status="failed").exists()
    monkeypatch.undo()
    login_as(client, client_user)
    response = client.get(reverse("reports:portal_summary_pdf", args=[studio.draft.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "Unfinished draft note." in read_pdf(b"".join(response.streaming_content)).text


def _import_with(description: str, *, slug: str) -> None:
    """The catalogue imported again with one pattern's description changed, as an admin would."""
    document = export_document()
    next(entry for entry in document["patterns"] if entry["slug"] == slug)["description"] = description
    catalogue_import(document=document)


def test_a_catalogue_change_renders_again_the_reports_whose_text_it_alters(
    finalise, studio, client_record, django_capture_on_commit_callbacks
):
    assessment = finalise(studio.draft)
    other = factories.PatternFactory(slug="not-in-these-reports")
    keys = {report_key(build_summary(assessment.pk)), report_key(build_progress(client_record.pk))}

    with django_capture_on_commit_callbacks(execute=True):
        _import_with("Worded anew.", slug=other.slug)
    assert {report_key(build_summary(assessment.pk)), report_key(build_progress(client_record.pk))} == keys
    assert RenderedReport.objects.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        _import_with("The pelvis tips forward, as worded anew.", slug=studio.tilt.slug)
    summary = read_pdf(_stored_pdf(report_key(build_summary(assessment.pk))))
    progress = read_pdf(_stored_pdf(report_key(build_progress(client_record.pk))))
    assert "as worded anew" in summary.text
    assert "as worded anew" in progress.text
    assert RenderedReport.objects.filter(status="ready").count() == 4
