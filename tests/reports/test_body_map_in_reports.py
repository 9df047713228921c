"""The body map on the assessment page, the report pages, the portal and both PDFs, and the progress
report's overview ("At a glance") before its detail."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.urls import reverse

from imbalances.models import Muscle, Pattern
from reports.data import build_progress, build_summary
from reports.pdf import render_pdf
from tests import factories
from tests.conftest import login_as
from tests.reports.conftest import read_pdf

LEGEND_WORDS = ["Over-active, working too hard", "Under-active, not working enough", "Dashed outline"]
FIRST_FRONT = (
    'role="img" aria-label="Front of the body. Over-active: front of the hip (left and right). '
    "Under-active: tummy (left and right)."
)


@dataclass
class Sessions:
    first: object
    latest: object


@pytest.fixture
def sessions(client_record) -> Sessions:
    """Two finalised sessions on the seeded catalogue: one pattern better, one the same, one worse."""
    tilt = Pattern.objects.get(slug="anterior-pelvic-tilt")
    chin = Pattern.objects.get(slug="forward-chin")
    head_tilt = Pattern.objects.get(slug="head-tilt-turn")
    psoas = Muscle.objects.get(slug="psoas")
    abdominals = Muscle.objects.get(slug="abdominals")
    uncharted = factories.MuscleFactory(lay_name="muscle added since", slug="added-since")
    first = factories.AssessmentFactory(
        client=client_record, session_date=date(2026, 1, 10), final=True, pain_score=6
    )
    latest = factories.AssessmentFactory(
        client=client_record, session_date=date(2026, 3, 14), final=True, pain_score=2
    )
    for assessment, severities in [(first, (3, 2, 1)), (latest, (1, 2, 2))]:
        factories.PatternFindingFactory(assessment=assessment, pattern=tilt, severity=severities[0])
        factories.PatternFindingFactory(assessment=assessment, pattern=chin, severity=severities[1])
        factories.PatternFindingFactory(
            assessment=assessment, pattern=head_tilt, severity=severities[2], side="left"
        )
    factories.MuscleFindingFactory(assessment=first, pattern=tilt, muscle=psoas, role="over-active")
    factories.MuscleFindingFactory(assessment=first, pattern=tilt, muscle=abdominals, role="under-active")
    factories.MuscleFindingFactory(assessment=first, pattern=tilt, muscle=uncharted, role="over-active")
    factories.MuscleFindingFactory(
        assessment=latest, pattern=tilt, muscle=psoas, role="over-active", side="left"
    )
    return Sessions(first, latest)


def test_the_summary_pdf_shows_the_map_with_its_legend(sessions):
    report = build_summary(sessions.first.pk)
    pdf = read_pdf(render_pdf(report))

    first_page = " ".join(pdf.page_texts[0].split())
    for words in LEGEND_WORDS:
        assert words in first_page
    assert "Found but not drawn on the figure: muscle added since." in first_page
    assert report.body_map.front_text.startswith(FIRST_FRONT.split('aria-label="')[1])


def test_the_progress_pdf_opens_with_then_and_now(sessions):
    report = build_progress(sessions.first.client_id)
    pdf = read_pdf(render_pdf(report))

    first_page = " ".join(pdf.page_texts[0].split())
    assert "At a glance" in first_page
    assert "Then: 10 January 2026" in first_page and "Now: 14 March 2026" in first_page
    assert "Posture patterns since the first session: 1 better, 1 the same, 1 worse." in first_page
    assert "Pain: from 6 to 2 out of 10, better." in first_page
    for words in LEGEND_WORDS:
        assert words in first_page
    # The overview comes first, the detail after it.
    assert pdf.text.index("At a glance") < pdf.text.index("Patterns: where you started")
    assert report.body_map_latest.front_text == (
        "Front of the body. Over-active: front of the hip (left). "
        "Outlined, where a posture pattern was found: front of the neck (left and right)."
    )


def test_the_report_pages_describe_the_map_in_words(client, trainer, client_user, sessions):
    login_as(client, trainer)
    summary = client.get(reverse("reports:summary", args=[sessions.first.pk])).content.decode()
    assert FIRST_FRONT in summary
    assert 'role="img" aria-label="Back of the body. Outlined, where a posture pattern was found: ' in summary

    progress = client.get(reverse("reports:progress", args=[sessions.first.client_id])).content.decode()
    assert progress.count('data-testid="body-map-front"') == 2
    assert FIRST_FRONT in progress
    assert 'aria-label="Front of the body. Over-active: front of the hip (left).' in progress
    assert progress.count('data-testid="body-map-legend"') == 1

    login_as(client, client_user)
    portal = client.get(reverse("reports:portal_summary", args=[sessions.latest.pk])).content.decode()
    assert 'aria-label="Front of the body. Over-active: front of the hip (left).' in portal


def test_a_report_of_one_session_shows_one_map(client, trainer, sessions):
    sessions.latest.delete()
    login_as(client, trainer)

    page = client.get(reverse("reports:progress", args=[sessions.first.client_id])).content.decode()

    assert page.count('data-testid="body-map-front"') == 1
    assert 'data-testid="then-and-now"' not in page
    assert 'data-testid="overview-patterns"' not in page
    assert "Pain: 6 out of 10." in page


def test_the_assessment_page_shows_the_map(client, trainer, sessions):
    login_as(client, trainer)

    # Its query count is pinned in tests/assessments/test_query_counts.py: the map reads nothing more.
    page = client.get(reverse("assessments:detail", args=[sessions.first.pk])).content.decode()

    assert FIRST_FRONT in page
    assert "Over-active, working too hard" in page
    assert "Found but not drawn on the figure: muscle added since." in page
    assert "css/report.css" in page
