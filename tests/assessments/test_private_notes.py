"""Notes for whom: the client reads the session's notes; private notes stay with trainers, out of
the portal and every report, but in the trainer's export of the client's data."""

import pytest
from django.urls import reverse

from assessments.models import Assessment
from security.export import export_document
from tests import factories
from tests.assessments.conftest import form_data
from tests.conftest import login_as
from tests.reports.conftest import read_pdf

PRIVATE = "Guarded about the old injury."
FOR_CLIENT = "Lovely progress on the stretches."


@pytest.fixture
def session(client_record, catalogue):
    assessment = factories.AssessmentFactory(
        client=client_record, final=True, notes=FOR_CLIENT, private_notes=PRIVATE
    )
    factories.PatternFindingFactory(assessment=assessment, pattern=catalogue.tilt, severity=2)
    return assessment


def test_the_form_saves_both_notes_and_says_who_reads_them(client, trainer, client_record, catalogue):
    login_as(client, trainer)
    url = reverse("assessments:create", kwargs={"client_pk": client_record.pk})

    page = client.get(url).content.decode()
    response = client.post(url, {**form_data(notes=FOR_CLIENT), "private_notes": PRIVATE})

    assert "Notes for the client" in page and "Private notes" in page
    assert "never the client&#x27;s portal or reports" in page
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.notes, assessment.private_notes) == (FOR_CLIENT, PRIVATE)
    detail = client.get(assessment.get_absolute_url()).content.decode()
    assert PRIVATE in detail and "trainers only" in detail


def test_private_notes_reach_no_report_page_or_pdf(client, trainer, client_user, session):
    login_as(client, trainer)
    trainer_pages = [
        reverse("reports:summary", args=[session.pk]),
        reverse("reports:progress", args=[session.client_id]),
    ]
    trainer_pdfs = [
        reverse("reports:summary_pdf", args=[session.pk]),
        reverse("reports:progress_pdf", args=[session.client_id]),
    ]
    texts = [client.get(url).content.decode() for url in trainer_pages]
    pdfs = [read_pdf(b"".join(client.get(url).streaming_content)).text for url in trainer_pdfs]
    login_as(client, client_user)
    portal_pages = [
        reverse("portal:home"),
        reverse("reports:portal_summary", args=[session.pk]),
        reverse("reports:portal_progress"),
    ]
    texts += [client.get(url).content.decode() for url in portal_pages]
    pdfs += [
        read_pdf(b"".join(client.get(url).streaming_content)).text
        for url in [
            reverse("reports:portal_summary_pdf", args=[session.pk]),
            reverse("reports:portal_progress_pdf"),
        ]
    ]

    assert all(PRIVATE not in text for text in texts + pdfs)
    # The summary, on screen and on paper, still carries the client's own notes.
    assert FOR_CLIENT in texts[0] and FOR_CLIENT in " ".join(pdfs[0].split())


def test_the_trainers_export_keeps_private_notes(session):
    document = export_document(session.client)

    (exported,) = document["assessments"]
    assert (exported["notes"], exported["private_notes"]) == (FOR_CLIENT, PRIVATE)
