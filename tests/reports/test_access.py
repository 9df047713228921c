"""Who may open which report: trainers their own clients', clients their own finalised ones."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from reports.models import ReportDownload
from tests import factories
from tests.conftest import login_as

TRAINER_URLS = ["summary", "summary_pdf", "progress", "progress_pdf"]
PORTAL_URLS = ["portal_summary", "portal_summary_pdf", "portal_progress", "portal_progress_pdf"]


@pytest.fixture
def final_assessment(client_record):
    assessment = factories.AssessmentFactory(client=client_record, final=True, notes="Seen today.")
    factories.PatternFindingFactory(assessment=assessment)
    return assessment


def _url(name: str, assessment) -> str:
    if name.startswith("summary") or name.startswith("portal_summary"):
        return reverse(f"reports:{name}", args=[assessment.pk])
    if name.startswith("progress"):
        return reverse(f"reports:{name}", args=[assessment.client_id])
    return reverse(f"reports:{name}")


@pytest.mark.parametrize("name", TRAINER_URLS)
@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("trainer", 200), ("other_trainer", 404), ("client", 403), ("admin", 403)],
)
def test_trainer_report_urls(client, persona, final_assessment, name, who, status):
    login_as(client, persona[who])

    response = client.get(_url(name, final_assessment))

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))
    if status != 200:
        assert not ReportDownload.objects.exists()


@pytest.mark.parametrize("name", PORTAL_URLS)
@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("client", 200), ("trainer", 403), ("other_trainer", 403)],
)
def test_portal_report_urls(client, persona, final_assessment, name, who, status):
    login_as(client, persona[who])

    response = client.get(_url(name, final_assessment))

    assert response.status_code == status


@pytest.mark.parametrize("name", ["portal_summary", "portal_summary_pdf"])
def test_another_clients_assessment_is_404_in_the_portal(client, other_client_user, final_assessment, name):
    login_as(client, other_client_user)

    assert client.get(_url(name, final_assessment)).status_code == 404
    assert not ReportDownload.objects.exists()


def test_portal_progress_is_always_the_signed_in_clients_own(client, other_client_user, final_assessment):
    login_as(client, other_client_user)

    response = client.get(reverse("reports:portal_progress"))

    assert response.status_code == 200
    assert "Olly Other" in response.content.decode()
    assert "Jane Doe" not in response.content.decode()
    assert "Seen today." not in response.content.decode()


def test_trainer_pages_offer_report_links(client, trainer, final_assessment):
    from django.template.loader import render_to_string

    assessment_html = render_to_string("reports/_assessment_links.html", {"assessment": final_assessment})
    portal_html = render_to_string("reports/_portal_assessment_links.html", {"assessment": final_assessment})

    assert reverse("reports:summary_pdf", args=[final_assessment.pk]) in assessment_html
    assert reverse("reports:portal_summary_pdf", args=[final_assessment.pk]) in portal_html


def _sessions(client_record, count: int) -> None:
    patterns = [factories.PatternFactory() for _ in range(3)]
    muscles = [factories.MuscleFactory() for _ in range(3)]
    for index in range(count):
        assessment = factories.AssessmentFactory(
            client=client_record, final=True, session_date=date(2026, 1, 1) + timedelta(days=7 * index)
        )
        for pattern in patterns:
            factories.PatternFindingFactory(assessment=assessment, pattern=pattern)
        for muscle in muscles:
            factories.MuscleFindingFactory(assessment=assessment, muscle=muscle)


@pytest.mark.parametrize("sessions", [1, 30])
@pytest.mark.parametrize("who", ["trainer", "client"])
def test_report_pages_query_count_does_not_grow(
    client, persona, client_record, django_assert_max_num_queries, sessions, who
):
    _sessions(client_record, sessions)
    latest = client_record.assessments.first()
    login_as(client, persona[who])
    prefix = "" if who == "trainer" else "portal_"
    progress = (
        reverse("reports:progress", args=[client_record.pk])
        if who == "trainer"
        else reverse("reports:portal_progress")
    )

    # The sessions' patterns, muscles and measures come with their findings. One
    # for the plans: none here, so their exercises and home sessions are not read
    # (test_plan_in_reports). The studio once, for the report's letterhead and the page header; no
    # photos are read, as no session shares them. The trainer's page reads the client once: that
    # read checks that the client is theirs. The first request after signing in also saves the
    # session again (eight: its row, then its copy in the cache).
    with django_assert_max_num_queries(19 if who == "trainer" else 20):
        assert client.get(progress).status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get(reverse(f"reports:{prefix}summary", args=[latest.pk])).status_code == 200


def test_the_progress_pdf_link_keeps_the_chosen_period_and_preview(client, trainer, final_assessment):
    login_as(client, trainer)

    response = client.get(
        reverse("reports:progress", args=[final_assessment.client_id]),
        {"start": "2026-01-01", "end": "2026-02-01", "drafts": "1"},
    )

    pdf_url = reverse("reports:progress_pdf", args=[final_assessment.client_id])
    assert response.context["pdf_url"].startswith(pdf_url + "?")
    assert "start=2026-01-01&end=2026-02-01&drafts=1" in response.context["pdf_url"]


def test_admin_lists_downloads(client, admin_user, trainer, final_assessment):
    login_as(client, trainer)
    client.get(reverse("reports:summary_pdf", args=[final_assessment.pk]))
    login_as(client, admin_user)

    response = client.get(reverse("admin:reports_reportdownload_changelist"))

    assert response.status_code == 200
    assert "alice" in response.content.decode()
