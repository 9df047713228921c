"""Pages keep a constant number of queries as the catalogue and the sessions grow."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from imbalances.models import Pattern, PatternMuscle
from tests import factories
from tests.assessments.conftest import form_data, grow_catalogue

SIZES = [
    pytest.param(False, 1, id="small-catalogue-1-session"),
    pytest.param(True, 20, id="grown-20-sessions"),
]


@pytest.fixture
def studio(request, client_record, catalogue):
    """The client's sessions, each with a finding for every active pattern and its muscles."""

    def build(grown: bool, sessions: int):
        if grown:
            grow_catalogue(patterns=10, muscles_each=3)
        patterns = list(Pattern.objects.active())
        links = list(PatternMuscle.objects.select_related("pattern"))
        assessments = []
        for n in range(sessions):
            assessment = factories.AssessmentFactory(
                client=client_record, session_date=date(2025, 1, 1) + timedelta(days=7 * n), status="final"
            )
            for pattern in patterns:
                factories.PatternFindingFactory(assessment=assessment, pattern=pattern, severity=1 + n % 3)
            for link in {(link.pattern_id, link.muscle_id): link for link in links}.values():
                factories.MuscleFindingFactory(
                    assessment=assessment, muscle=link.muscle, pattern=link.pattern, role=link.role
                )
            assessments.append(assessment)
        latest = assessments[-1]
        latest.status = "draft"
        latest.save()
        return latest, patterns, links

    return build


def _full_post(assessment, patterns, links) -> dict:
    blocks = {}
    for pattern in patterns:
        fields = {"severity": "2", "note": "seen"}
        if pattern.is_lateral:
            fields["side"] = "right"
        blocks[f"p{pattern.pk}"] = fields
    for link in links:
        blocks[f"p{link.pattern_id}"][f"m{link.pk}-confirmed"] = "on"
    return form_data(version=assessment.version, session_date="2025-06-01", **blocks)


@pytest.mark.parametrize(("grown", "sessions"), SIZES)
def test_form_pages_keep_a_constant_query_count(
    client,
    trainer,
    client_record,
    studio,
    grown,
    sessions,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    assessment, patterns, links = studio(grown, sessions)
    client.force_login(trainer)
    create_url = reverse("assessments:create", kwargs={"client_pk": client_record.pk})
    with django_assert_max_num_queries(13):
        assert client.get(create_url).status_code == 200
    url = reverse("assessments:update", kwargs={"pk": assessment.pk})
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(33):
        response = client.post(url, _full_post(assessment, patterns, links))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.pattern_findings.count() == len(patterns)


@pytest.mark.parametrize(("grown", "sessions"), SIZES)
def test_read_pages_keep_a_constant_query_count(
    client,
    trainer,
    client_record,
    studio,
    grown,
    sessions,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    assessment, _, _ = studio(grown, sessions)
    client.force_login(trainer)
    for url in [
        reverse("assessments:detail", kwargs={"pk": assessment.pk}),
        reverse("assessments:history", kwargs={"pk": assessment.pk}),
        reverse("assessments:progress", kwargs={"client_pk": client_record.pk}),
    ]:
        with django_assert_max_num_queries(13):
            assert client.get(url).status_code == 200
