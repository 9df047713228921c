"""A session that starts from last time: the new form says what the latest finalised session
found, shows those patterns first, and can copy its findings into a draft to confirm or change."""

import uuid
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from tests import factories
from tests.conftest import login_as


@pytest.fixture
def last_session(client_record, catalogue):
    """A finalised session that found the turn (moderate, left) with its trapezius, then a draft."""
    final = factories.AssessmentFactory(client=client_record, session_date=date(2026, 2, 5), final=True)
    factories.PatternFindingFactory(
        assessment=final, pattern=catalogue.turn, severity=2, side="left", note="Old"
    )
    factories.MuscleFindingFactory(
        assessment=final,
        muscle=catalogue.turn_same.muscle,
        pattern=catalogue.turn,
        role="over-active",
        side="left",
    )
    factories.AssessmentFactory(
        client=client_record, session_date=date(2026, 3, 1)
    )  # a draft: not "last time"
    return final


def test_the_new_form_says_what_last_time_found_and_shows_it_first(
    client, trainer, client_record, catalogue, last_session
):
    login_as(client, trainer)

    html = client.get(reverse("assessments:create", args=[client_record.pk])).content.decode()

    assert 'data-testid="start-from-last"' in html
    found = html.index('data-testid="found-before"')
    assert found < html.index('id="pattern-test-turn"') < html.index('id="pattern-test-tilt"')
    assert "Last time (5 Feb 2026): moderate, left; muscles: Test trapezius over-active, left" in html
    assert html.count('id="pattern-test-turn"') == 1


def test_a_client_never_assessed_has_no_last_time(client, trainer, client_record, catalogue):
    login_as(client, trainer)

    html = client.get(reverse("assessments:create", args=[client_record.pk])).content.decode()

    assert 'data-testid="start-from-last"' not in html and 'data-testid="found-before"' not in html


def test_starting_from_last_time_copies_its_findings_into_a_draft_once(
    client, trainer, client_record, catalogue, last_session
):
    login_as(client, trainer)
    url = reverse("assessments:start_from_last", args=[client_record.pk])
    token = str(uuid.uuid4())

    response = client.post(url, {"submission_token": token})
    again = client.post(url, {"submission_token": token})

    draft = Assessment.objects.get(client=client_record, session_date=timezone.localdate())
    assert response.url == again.url == reverse("assessments:update", args=[draft.pk])
    assert draft.status == "draft" and draft.notes == ""
    assert list(draft.pattern_findings.values_list("pattern", "severity", "side", "note")) == [
        (catalogue.turn.pk, 2, "left", "")
    ]
    assert list(draft.muscle_findings.values_list("muscle", "role", "side")) == [
        (catalogue.turn_same.muscle_id, "over-active", "left")
    ]
    edit = client.get(response.url).content.decode()
    assert "(last time: over-active, left)" in edit
    assert 'data-testid="start-from-last"' not in edit


def test_with_nothing_finalised_there_is_nothing_to_start_from(client, trainer, client_record, catalogue):
    login_as(client, trainer)

    response = client.post(reverse("assessments:start_from_last", args=[client_record.pk]))

    assert response.url == reverse("assessments:create", args=[client_record.pk])
    assert not Assessment.objects.exists()


def test_starting_from_last_time_obeys_the_same_gate_as_a_new_assessment(client, trainer, catalogue):
    unscreened = factories.ClientFactory(trainer=trainer)  # no consent, no screening
    final = factories.AssessmentFactory(client=unscreened, final=True)
    factories.PatternFindingFactory(assessment=final, pattern=catalogue.tilt)
    login_as(client, trainer)

    response = client.post(reverse("assessments:start_from_last", args=[unscreened.pk]))

    assert response.status_code in (200, 403)
    assert "consent" in response.content.decode().lower()
    assert Assessment.objects.filter(client=unscreened).count() == 1
