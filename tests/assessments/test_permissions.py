from datetime import date

import pytest
from django.urls import reverse

from assessments.models import Assessment
from tests import factories
from tests.assessments.conftest import form_data
from tests.conftest import login_as

PERSONAS = [
    ("anonymous", 302),
    ("trainer", 200),
    ("other_trainer", 404),
    ("client", 403),
    ("admin", 403),
]


@pytest.fixture
def assessment(client_record, catalogue):
    assessment = factories.AssessmentFactory(
        client=client_record, session_date=date(2026, 3, 1), notes="as is"
    )
    factories.PatternFindingFactory(assessment=assessment, pattern=catalogue.tilt, severity=2)
    return assessment


def _urls(assessment) -> dict[str, str]:
    return {
        "create": reverse("assessments:create", kwargs={"client_pk": assessment.client_id}),
        "update": reverse("assessments:update", kwargs={"pk": assessment.pk}),
        "detail": reverse("assessments:detail", kwargs={"pk": assessment.pk}),
        "history": reverse("assessments:history", kwargs={"pk": assessment.pk}),
    }


@pytest.mark.parametrize("view", ["create", "update", "detail", "history"])
@pytest.mark.parametrize(("who", "status"), PERSONAS)
def test_who_may_see_each_page(client, persona, assessment, view, who, status):
    login_as(client, persona[who])
    response = client.get(_urls(assessment)[view])
    assert response.status_code == status
    if who == "anonymous":
        assert response.url.startswith(reverse("login"))


def _snapshot(assessment: Assessment) -> tuple:
    assessment.refresh_from_db()
    return (
        assessment.notes,
        assessment.status,
        assessment.version,
        list(assessment.pattern_findings.values_list("pattern_id", "severity")),
        Assessment.objects.count(),
    )


@pytest.mark.parametrize("action", ["create", "update", "finalise", "reopen"])
@pytest.mark.parametrize("who", ["anonymous", "other_trainer", "client", "admin"])
def test_a_post_by_the_wrong_person_changes_nothing(client, persona, assessment, catalogue, action, who):
    if action == "reopen":
        Assessment.objects.filter(pk=assessment.pk).update(status="final")
    before = _snapshot(assessment)
    login_as(client, persona[who])
    url = {
        **_urls(assessment),
        "finalise": reverse("assessments:finalise", kwargs={"pk": assessment.pk}),
        "reopen": reverse("assessments:reopen", kwargs={"pk": assessment.pk}),
    }[action]
    response = client.post(
        url, form_data(version=1, notes="hijacked", **{f"p{catalogue.tilt.pk}": {"severity": "3"}})
    )
    assert response.status_code in {302, 403, 404}
    if who != "anonymous":
        assert response.status_code == (404 if who == "other_trainer" else 403)
    assert _snapshot(assessment) == before


@pytest.mark.parametrize("action", ["finalise", "reopen"])
def test_actions_need_a_post(client, trainer, assessment, action):
    client.force_login(trainer)
    assert client.get(reverse(f"assessments:{action}", kwargs={"pk": assessment.pk})).status_code == 405


def test_the_detail_page_shows_the_findings_and_the_actions(client, trainer, assessment):
    client.force_login(trainer)
    html = client.get(reverse("assessments:detail", kwargs={"pk": assessment.pk})).content.decode()
    assert "Test tilt" in html and "moderate" in html
    assert 'data-testid="status">draft' in html
    # Finalising starts from the summary the client will see (test_finalise_review).
    assert reverse("reports:summary", kwargs={"pk": assessment.pk}) + "#finalise" in html
    assert reverse("assessments:history", kwargs={"pk": assessment.pk}) in html
    assert reverse("imbalances:pattern", kwargs={"slug": "test-tilt"}) in html
