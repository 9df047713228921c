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


def _post_as_stored(assessment, patterns, links) -> dict:
    """Every finding `studio` stored, each with a new severity or role: updates only.

    A removed finding costs a DELETE of its own (the service records who removed each), so
    a post that keeps the rows shows whether anything else grows with the catalogue.
    """
    blocks = {}
    for pattern in patterns:
        fields = {"severity": "3", "note": "seen"}
        if pattern.is_lateral:
            fields["side"] = "left"  # as PatternFindingFactory stored it
        blocks[f"p{pattern.pk}"] = fields
    for link in links:
        blocks[f"p{link.pattern_id}"].update(
            {f"m{link.pk}-confirmed": "on", f"m{link.pk}-role": "under-active", f"m{link.pk}-side": "both"}
        )
    return form_data(version=assessment.version, session_date="2025-06-01", **blocks)


# Session, user and the trainer role, the client or the assessment with its client,
# the stored findings and measures (three, for an existing assessment), the catalogue's
# version (the catalogue itself is read once per version: three more), the client's latest
# screening, what the latest finalised session found (LAST_TIME) and the audit row.
# A new assessment also reads the latest screening with its clearance for the gate (one more;
# clients.gating: reasons to assess anyway are read only when something is missing).
# The studio, for the page header, one more.
NEW_GET = 9
EXISTING_GET = 11
# The latest finalised session, then its patterns and muscles; the first read only without one.
LAST_TIME = {True: 3, False: 1}
# A post reads what a GET reads but the screening and the last session, validates the
# header's constraints (three), and writes in one transaction (two more): the assessment
# (its version claimed first when it exists) and its history, then the findings in bulk with
# their history; the audit row last.
# The audit row is written in the save's transaction, so the save's own atomic block is a
# savepoint inside it: SAVEPOINT and RELEASE SAVEPOINT, two more than when audited after it.
NEW_POST = 20  # with the gate's read of the screening, as for NEW_GET
EXISTING_POST = 23


@pytest.mark.parametrize(("grown", "sessions"), SIZES)
def test_form_pages_keep_a_constant_query_count(
    client, trainer, client_record, studio, grown, sessions, django_assert_num_queries
):
    assessment, patterns, links = studio(grown, sessions)
    client.force_login(trainer)
    create_url = reverse("assessments:create", kwargs={"client_pk": client_record.pk})
    client.get(create_url)  # the session saved, the catalogue read at its version
    finalised_before = sessions > 1  # the latest session is the draft
    with django_assert_num_queries(NEW_GET + LAST_TIME[finalised_before]):
        assert client.get(create_url).status_code == 200
    url = reverse("assessments:update", kwargs={"pk": assessment.pk})
    with django_assert_num_queries(EXISTING_GET + LAST_TIME[finalised_before]):
        response = client.get(url)
    # Every pattern has findings, so every block shows its muscles.
    assert response.content.decode().count('class="muscle-row"') == len(links)
    new_post = _post_as_stored(assessment, patterns, links)
    del new_post["version"]
    with django_assert_num_queries(NEW_POST):
        assert client.post(create_url, new_post).status_code == 302
    with django_assert_num_queries(EXISTING_POST):
        assert client.post(url, _post_as_stored(assessment, patterns, links)).status_code == 302
    assert set(assessment.pattern_findings.values_list("severity", flat=True)) == {3}
    assert set(assessment.muscle_findings.values_list("role", flat=True)) == {"under-active"}
    # Two sources may link the same muscle to a pattern: one finding records it.
    assert assessment.muscle_findings.count() == len({(link.pattern_id, link.muscle_id) for link in links})


@pytest.mark.parametrize("grown", [False, True], ids=["small-catalogue", "grown-catalogue"])
def test_a_patterns_muscles_cost_a_constant_query_count(
    client, trainer, catalogue, grown, django_assert_num_queries
):
    if grown:
        grow_catalogue(patterns=10, muscles_each=6)
    pattern = factories.PatternMuscleFactory(pattern=factories.PatternFactory(is_lateral=True)).pattern
    client.force_login(trainer)
    # Session, user and role, the pattern, its links, the session saved again (eight: its row, then
    # its copy in the cache).
    with django_assert_num_queries(13):
        response = client.get(reverse("assessments:pattern_muscles", kwargs={"slug": pattern.slug}))
    assert response.content.decode().count('class="muscle-row"') == 1


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
    ]:
        # The first also saves the session again (eight: its row, then its copy in the cache).
        with django_assert_max_num_queries(18):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("sessions", [1, 30])
@pytest.mark.parametrize("drafts", ["", "1"], ids=["final", "preview-with-drafts"])
def test_the_progress_page_keeps_a_constant_query_count(
    client, trainer, client_record, studio, sessions, drafts, django_assert_max_num_queries
):
    studio(True, sessions)
    client.force_login(trainer)
    url = reverse("reports:progress", kwargs={"pk": client_record.pk})
    # Session, user and role, the report (its client, a read that checks the client is the
    # trainer's, and four reads), the audit row, the session saved again (eight: its row, then its
    # copy in the cache), the client's plans and the studio once (the report's letterhead, built as
    # for its PDF, which the page header shows too); no photos, none shared.
    with django_assert_max_num_queries(19):
        response = client.get(url, {"drafts": drafts})
    assert response.status_code == 200
    # The latest session is a draft: shown only in the preview.
    shown = sessions - (not drafts)
    assert len(response.context["report"].progress.sessions) == shown
