"""No page or PDF that a client or trainer reads carries our internal words ("seed", "draft
catalogue", "TODO", "lorem"), whatever the catalogue holds: here the seed's table and every pack."""

import re
from datetime import date

import pytest
from django.urls import reverse

from imbalances.models import Exercise, Muscle, Pattern
from imbalances.services import SHIPPED_PACKS, shipped_packs_import
from tests import factories
from tests.reports.conftest import read_pdf

pytestmark = pytest.mark.django_db

INTERNAL = re.compile(r"\bseed(?:s|ed)?\b|\bdraft\s+catalogue\b|\btodo\b|\blorem\b", re.IGNORECASE)


def internal_words(text: str) -> list[str]:
    """Each internal word found, with a little of the text around it to find it by."""
    return [text[max(match.start() - 40, 0) : match.end() + 40] for match in INTERNAL.finditer(text)]


@pytest.fixture
def catalogue():
    assert len(shipped_packs_import()) == len(SHIPPED_PACKS)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("From the seed article.", True),
        ("SEEDED catalogue", True),
        ("A draft\ncatalogue", True),
        ("TODO: write", True),
        ("Lorem ipsum", True),
        ("Seedling, proceeds, todos, the draft of a plan, a catalogue", False),
    ],
)
def test_the_check_finds_whole_words_only(text, found):
    assert bool(internal_words(text)) is found


def test_no_public_catalogue_page_says_an_internal_word(client, catalogue):
    urls = [
        reverse("imbalances:index"),
        reverse("imbalances:index") + "?kind=movement",
        reverse("imbalances:sources"),
        reverse("imbalances:measures"),
        reverse("imbalances:exercises"),
        *(pattern.get_absolute_url() for pattern in Pattern.objects.order_by("slug")),
        *(muscle.get_absolute_url() for muscle in Muscle.objects.order_by("slug")),
        *(exercise.get_absolute_url() for exercise in Exercise.objects.order_by("slug")),
    ]
    # Every page of the seed's table and of the packs.
    assert len(urls) > 5 + 37 + 50 + 80
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if words := internal_words(response.content.decode()):
            found[url] = words
    assert found == {}
    # The measures page read holds the packs' measures, with how to take each.
    measures = client.get(reverse("imbalances:measures")).content.decode()
    assert "Craniovertebral angle" in measures and "plumb line" in measures
    # And the exercise pages hold the exercise pack's words.
    exercises = client.get(reverse("imbalances:exercises")).content.decode()
    assert "Calf foam roll" in exercises and "Wall slide" in exercises


def test_no_trainer_catalogue_view_says_an_internal_word(client, trainer, client_record, catalogue):
    client.force_login(trainer)
    urls = [
        reverse("assessments:create", kwargs={"client_pk": client_record.pk}),
        *(
            reverse("assessments:pattern_muscles", kwargs={"slug": slug})
            for slug in Pattern.objects.active().order_by("slug").values_list("slug", flat=True)
        ),
    ]
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if words := internal_words(response.content.decode()):
            found[url] = words
    assert found == {}


@pytest.fixture
def session(client_record):
    """A finalised session with a finding on every pattern and on every muscle of the catalogue."""
    assessment = factories.AssessmentFactory(
        client=client_record, session_date=date(2026, 2, 3), final=True, notes="Back to the gym."
    )
    patterns = list(Pattern.objects.active().prefetch_related("pattern_muscles"))
    for pattern in patterns:
        factories.PatternFindingFactory(assessment=assessment, pattern=pattern)
    roles = {row.muscle_id: row.role for pattern in patterns for row in pattern.pattern_muscles.all()}
    for muscle_id, role in roles.items():
        factories.MuscleFindingFactory(assessment=assessment, muscle_id=muscle_id, role=role)
    return assessment


def test_the_session_summary_page_and_pdf_say_no_internal_word(client, trainer, catalogue, session):
    client.force_login(trainer)
    page = client.get(reverse("reports:summary", args=[session.pk]))
    assert page.status_code == 200
    assert internal_words(page.content.decode()) == []

    response = client.get(reverse("reports:summary_pdf", args=[session.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = read_pdf(b"".join(response.streaming_content))
    # The PDF holds what the check reads: the catalogue's words for the findings.
    assert "Overhead squat: knees cave in" in pdf.text and "Back to the gym." in pdf.text
    assert internal_words(pdf.text) == []
