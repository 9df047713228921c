"""A progress report covers at most MAX_SESSIONS sessions, the latest of its period, and says
plainly how many earlier ones it leaves out and how to see them."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from assessments.progress import MAX_SESSIONS, client_progress
from reports.data import build_progress
from tests import factories
from tests.conftest import login_as
from tests.reports.conftest import read_pdf

FIRST_DAY = date(2024, 1, 1)
LEFT_OUT = 3


def _day(index: int) -> date:
    return FIRST_DAY + timedelta(days=7 * index)


@pytest.fixture
def many_sessions(client_record) -> int:
    """MAX_SESSIONS + LEFT_OUT finalised weekly sessions, each with a pattern and a muscle found."""
    pattern = factories.PatternFactory(name="Capped tilt", slug="capped-tilt")
    muscle = factories.MuscleFactory(name="Cappus muscle", slug="cappus-muscle")
    count = MAX_SESSIONS + LEFT_OUT
    for index in range(count):
        assessment = factories.AssessmentFactory(
            client=client_record, final=True, session_date=_day(index), pain_score=index % 11
        )
        factories.PatternFindingFactory(assessment=assessment, pattern=pattern, severity=1 + index % 3)
        factories.MuscleFindingFactory(assessment=assessment, muscle=muscle)
    return count


def test_progress_keeps_the_latest_sessions_of_the_period_and_counts_the_rest(
    client_record, many_sessions, django_assert_max_num_queries
):
    # One more than for a period within the cap: the count of the sessions left out.
    with django_assert_max_num_queries(5):
        progress = client_progress(client_record)
    assert [s.session_date for s in progress.sessions] == [_day(i) for i in range(LEFT_OUT, many_sessions)]
    assert (progress.sessions_in_period, progress.left_out) == (many_sessions, LEFT_OUT)
    assert progress.earliest_in_period == FIRST_DAY
    assert (progress.period_start, progress.period_end) == (FIRST_DAY, _day(many_sessions - 1))
    (tilt,) = progress.patterns
    assert len(tilt.points) == len(progress.muscles[0].points) == len(progress.pain.points) == MAX_SESSIONS


def test_a_period_that_ends_earlier_shows_the_sessions_left_out(client_record, many_sessions):
    first_shown = _day(LEFT_OUT)
    progress = client_progress(client_record, end=first_shown)
    assert [s.session_date for s in progress.sessions] == [_day(i) for i in range(LEFT_OUT + 1)]
    assert progress.left_out == 0


def test_a_period_within_the_cap_leaves_nothing_out(
    client_record, many_sessions, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        progress = client_progress(client_record, start=_day(10), end=_day(20))
    assert len(progress.sessions) == progress.sessions_in_period == 11
    assert (progress.left_out, progress.earliest_in_period) == (0, _day(10))


def test_a_period_of_exactly_the_cap_leaves_nothing_out(client_record, many_sessions):
    progress = client_progress(client_record, start=_day(LEFT_OUT))
    assert len(progress.sessions) == progress.sessions_in_period == MAX_SESSIONS
    assert (progress.left_out, progress.earliest_in_period) == (0, _day(LEFT_OUT))


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_trainers_page_shows_the_cap_and_links_the_earlier_sessions(
    client, trainer, client_record, many_sessions, django_assert_max_num_queries
):
    login_as(client, trainer)
    url = reverse("reports:progress", args=[client_record.pk])
    # One query more than for a client with one session (test_access): the count of the sessions
    # left out. The one that finds no plan and the studio (the report's letterhead, shown in the
    # page header too) as there; no photos are read, as no session shares them.
    with django_assert_max_num_queries(20):
        response = client.get(url, {"start": "2023-06-01", "drafts": "on"})
    html = response.content.decode()
    assert html.count('<tr class="session-row">') == MAX_SESSIONS
    # The severity and the pain chart each draw a line through every session shown.
    lines = re.findall(r'<polyline points="([^"]+)"', html)
    assert [len(points.split()) for points in lines] == [MAX_SESSIONS, MAX_SESSIONS]
    text = _text(html)
    assert f"Sessions {MAX_SESSIONS}, the latest of {many_sessions} in this period" in text
    assert (
        f"Earlier sessions are left out. This report shows the latest {MAX_SESSIONS} sessions of the period, "
        "from 22 January 2024. The 3 earlier sessions, from 1 January 2024, are in a report of a period "
        "that ends on 22 January 2024."
    ) in text
    (link,) = re.findall(r'<a href="\?([^"]+)" data-testid="earlier-sessions-link">', html)
    assert link == "start=2023-06-01&amp;end=2024-01-22&amp;drafts=on"
    earlier = client.get(url, {"start": "2023-06-01", "end": "2024-01-22", "drafts": "on"})
    assert [s.session_date for s in earlier.context["report"].progress.sessions] == [
        _day(i) for i in range(LEFT_OUT + 1)
    ]
    assert 'data-testid="sessions-left-out"' not in earlier.content.decode()


def test_the_portal_page_says_the_trainer_can_prepare_the_earlier_report(
    client, client_user, client_record, many_sessions
):
    login_as(client, client_user)
    html = client.get(reverse("reports:portal_progress")).content.decode()
    assert html.count('<tr class="session-row">') == MAX_SESSIONS
    trainer = client_record.trainer.get_full_name() or client_record.trainer.get_username()
    assert f"{trainer} can prepare that report for you." in _text(html)
    assert "earlier-sessions-link" not in html


def test_the_pdf_says_which_sessions_it_leaves_out(client, trainer, client_record, many_sessions):
    login_as(client, trainer)
    response = client.get(reverse("reports:progress_pdf", args=[client_record.pk]))
    text = " ".join(read_pdf(b"".join(response.streaming_content)).text.split())
    assert f"the latest of {many_sessions} in this period" in text
    assert "The 3 earlier sessions, from 1 January 2024, are in a report of a period that ends on" in text
    assert "22 January 2024" in text
    assert "can prepare that report" not in text
    assert len(build_progress(client_record.pk).progress.sessions) == MAX_SESSIONS
