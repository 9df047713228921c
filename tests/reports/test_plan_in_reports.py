"""The plan a client was given, in their session summary and progress report (page and PDF), with how
much of it they did; publishing a plan renders both again."""

import datetime
import re
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from plans.models import Plan, PlanItem
from plans.services import plan_publish
from reports.data import build_progress, build_summary
from reports.models import RenderedReport
from reports.services import rendered_report_find, report_key
from tests import factories
from tests.conftest import login_as
from tests.reports.conftest import read_pdf

pytestmark = pytest.mark.django_db

SITE = "https://studio.example.com"
# The studio's sessions: the first on Saturday 10 January, the latest on Saturday 14 March 2026.
FIRST_PLAN_START = date(2026, 1, 12)  # a Monday
FIRST_PLAN_ENDED = date(2026, 3, 14)
LATEST_PLAN_START = date(2026, 3, 16)  # a Monday
PERIOD_END = date(2026, 3, 29)  # a Sunday: the report's period ends here, so "today" plays no part


def _at_noon(day: date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _plan(assessment, *, items: list[dict], **fields) -> Plan:
    plan = factories.PlanFactory(assessment=assessment, **fields)
    for position, item in enumerate(items, start=1):
        factories.PlanItemFactory(plan=plan, position=position, **item)
    return plan


def _text(pdf) -> str:
    """The PDF's text with its line breaks as spaces, and none after a hyphen a line ended with:
    a table cell wraps where its column ends ("a 2-" and "second pause")."""
    return re.sub(r"(?<=\w)- (?=\w)", "-", " ".join(pdf.text.split()))


def _download(client, user, url: str) -> bytes:
    login_as(client, user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def _stored_pdf(key: str) -> bytes:
    rendered = rendered_report_find(key=key)
    assert rendered is not None, "no PDF in storage for this content"
    with default_storage.open(rendered.file_name, "rb") as stored:
        return stored.read()


@pytest.fixture
def exercises():
    release = factories.ExerciseFactory(
        name="Hip flexor foam roll", slug="hip-flexor-foam-roll", phase="inhibit"
    )
    bridge = factories.ExerciseFactory(name="Glute bridge hold", slug="glute-bridge-hold", phase="activate")
    retired = factories.ExerciseFactory(
        name="Old couch stretch", slug="old-couch-stretch", phase="lengthen", is_active=False
    )
    return release, bridge, retired


@pytest.fixture
def plans(studio, exercises):
    """The plan given after the first session, ended when the latest one replaced it, and the
    latest, current plan; each with the home sessions the client ticked off."""
    release, bridge, retired = exercises
    first = _plan(
        studio.first,
        items=[{"exercise": release, "sets": 1, "reps": None, "hold_seconds": 60, "per_week": 3}],
        status=Plan.Status.ENDED,
        start_date=FIRST_PLAN_START,
        review_date=date(2026, 2, 9),
        sessions_per_week=3,
        published_at=_at_noon(FIRST_PLAN_START),
        ended_at=_at_noon(FIRST_PLAN_ENDED),
    )
    latest = _plan(
        studio.latest,
        items=[
            {"exercise": release, "sets": 1, "reps": None, "hold_seconds": 90, "per_week": 2},
            {
                "exercise": bridge,
                "sets": 2,
                "reps": 12,
                "tempo": "4/2/1",
                "per_week": 2,
                "note": "Squeeze your seat before you lift.",
            },
            {"exercise": retired, "sets": 3, "reps": None, "hold_seconds": 30, "per_week": 2},
        ],
        status=Plan.Status.PUBLISHED,
        start_date=LATEST_PLAN_START,
        review_date=date(2026, 4, 13),
        sessions_per_week=2,
        notes="Do it after your walk.",
        published_at=_at_noon(LATEST_PLAN_START),
    )
    Plan.objects.filter(pk=first.pk).update(replaced_by=latest)
    # The first plan: Monday and Wednesday in each of its eight whole weeks, and Monday 9 March.
    for week in range(8):
        monday = FIRST_PLAN_START + timedelta(weeks=week)
        factories.PlanSessionFactory(plan=first, done_on=monday)
        factories.PlanSessionFactory(plan=first, done_on=monday + timedelta(days=2))
    factories.PlanSessionFactory(plan=first, done_on=date(2026, 3, 9))
    # The latest plan: twice in its first week, once in its second.
    for day in (date(2026, 3, 16), date(2026, 3, 18), date(2026, 3, 23)):
        factories.PlanSessionFactory(plan=latest, done_on=day)
    return first, latest


def test_the_summary_pdf_shows_the_plan_given_after_that_session(client, client_user, studio, plans):
    pdf = read_pdf(
        _download(client, client_user, reverse("reports:portal_summary_pdf", args=[studio.latest.pk]))
    )
    text = _text(pdf)

    assert "Your plan" in text
    assert "Started on 16 March 2026. Do the whole plan twice a week at home." in text
    assert "Next check: 13 April 2026" in text
    assert "From your trainer: Do it after your walk." in text
    for expected in [
        "Hip flexor foam roll",
        "Release (inhibit)",
        "hold 90 seconds, twice a week",
        "Glute bridge hold",
        "Strengthen (activate)",
        "2 sets of 12, twice a week",
        "4 seconds lowering, a 2-second pause, 1 second lifting",
        "Squeeze your seat before you lift.",
    ]:
        assert expected in text
    assert {
        f"{SITE}/catalogue/exercises/hip-flexor-foam-roll/",
        f"{SITE}/catalogue/exercises/glute-bridge-hold/",
    } <= set(pdf.external_links)
    # The first plan's dosage belongs to the first session's summary.
    assert "hold 60 seconds" not in text


def test_an_ended_plan_says_so_in_its_sessions_summary(client, trainer, studio, plans):
    text = _text(read_pdf(_download(client, trainer, reverse("reports:summary_pdf", args=[studio.first.pk]))))

    assert "Hip flexor foam roll" in text and "hold 60 seconds, 3 times a week" in text
    assert "This plan ended on 14 March 2026." in text
    assert "Next check" not in text
    assert "Glute bridge hold" not in text


def test_a_retired_exercise_stays_in_the_plan_with_its_page(client, client_user, studio, plans):
    pdf = read_pdf(_download(client, client_user, reverse("reports:portal_progress_pdf")))
    text = _text(pdf)

    assert "Old couch stretch (no longer offered for new plans; it stays in yours)" in text
    assert "3 holds of 30 seconds, twice a week" in text
    assert f"{SITE}/catalogue/exercises/old-couch-stretch/" in pdf.external_links
    assert "Hip flexor foam roll" in text and "Glute bridge hold" in text
    assert "(no longer offered" not in text.split("Old couch stretch")[0]


def test_the_progress_pdf_shows_the_current_plan_and_the_adherence_over_the_same_time(
    client, trainer, client_record, studio, plans
):
    url = reverse("reports:progress_pdf", args=[client_record.pk]) + f"?end={PERIOD_END:%Y-%m-%d}"
    pdf = read_pdf(_download(client, trainer, url))
    text = _text(pdf)

    # Overall, 10 January to 29 March. The first plan, 12 January to 14 March: eight whole weeks of
    # 3, then Monday to Saturday 9-14 March, round(3 * 6 / 7) = 3; 27 planned. Done: 2 in each of
    # the eight weeks, 1 in the last: 17, each week within its target. The latest plan, 16 to 29
    # March: two weeks of 2, 4 planned; done 2 and 1: 3. In all 20 of 31: round(64.5) = 65%.
    assert "Home plan 20 home sessions done of 31 planned (65%) since 12 January 2026" in text
    # Beside the changes, from the first session (10 January) to the day before the latest (13
    # March): the first plan's eight weeks (24) and Monday to Friday 9-13 March, round(3 * 5 / 7) =
    # 2; 26 planned, 17 done: 65%. The latest plan had not started. With two sessions, the
    # previous one is the first: no second figure.
    assert (
        "Your home plan over the same time: 17 home sessions done of 26 planned (65%) "
        "from the first session to the latest."
    ) in text
    # The current plan, with its exercises and their public pages.
    assert "Your plan" in text and "Next check: 13 April 2026" in text
    assert "Glute bridge hold" in text and "2 sets of 12, twice a week" in text
    assert f"{SITE}/catalogue/exercises/glute-bridge-hold/" in pdf.external_links
    assert "hold 60 seconds" not in text


def test_with_three_sessions_the_adherence_since_the_previous_one_is_told_too(client_record, studio, plans):
    report = build_progress(client_record.pk, end=date(2026, 4, 5), include_drafts=True)

    # The previous session is the one of 14 March, the latest the draft of 1 April: 14 to 31 March.
    # The first plan, ended on 14 March, asks round(3 * 1 / 7) = 0 that day. The latest plan:
    # 2 and 2 in its whole weeks, round(2 * 2 / 7) = 1 on Monday and Tuesday 30-31 March; done 2,
    # 1 and 0. 3 of 5: 60%.
    since_previous = report.adherence.since_previous
    assert (since_previous.done, since_previous.planned, since_previous.percent) == (3, 5, 60)
    assert since_previous.start == date(2026, 3, 14)


def test_a_period_counts_only_the_plans_that_ran_in_it(client_record, studio, plans):
    # From 15 March: the first plan ended the day before, so only the latest counts: two weeks
    # of 2 from 16 March, 4 planned, 3 done.
    after = build_progress(client_record.pk, start=date(2026, 3, 15), end=PERIOD_END).adherence.overall
    assert (after.start, after.done, after.planned) == (LATEST_PLAN_START, 3, 4)
    # From 14 March, its last day: the first plan counts that day (round(3 * 1 / 7) = 0 asked, 0
    # done), then it was replaced, and the latest plan asks from its start as before.
    on_last_day = build_progress(client_record.pk, start=FIRST_PLAN_ENDED, end=PERIOD_END)
    overall = on_last_day.adherence.overall
    assert (overall.start, overall.done, overall.planned) == (FIRST_PLAN_ENDED, 3, 4)
    # A period that ends before the latest plan starts: the first plan only, which still shows as
    # given in that period, and no current plan's figures after the period's end.
    before = build_progress(client_record.pk, end=date(2026, 2, 1)).adherence.overall
    assert before.start == FIRST_PLAN_START
    assert before.planned == 9  # three whole weeks of 3, 12 January to 1 February


def test_the_html_pages_show_the_same_plan_and_adherence(client, trainer, client_record, studio, plans):
    login_as(client, trainer)
    summary = client.get(reverse("reports:summary", args=[studio.latest.pk])).content.decode()
    progress = client.get(
        reverse("reports:progress", args=[client_record.pk]), {"end": PERIOD_END.isoformat()}
    ).content.decode()

    for page in (summary, progress):
        assert page.count('data-testid="plan-item"') == 3
        assert f'href="{SITE}/catalogue/exercises/glute-bridge-hold/"' in page
        assert "Next check: 13 April 2026" in page
    assert "20 home sessions done of 31 planned (65%) since 12 January 2026" in progress
    assert "17 home sessions done of 26 planned (65%)" in progress


def test_a_draft_plan_never_appears(client, trainer, client_user, client_record, studio, exercises):
    release, bridge, _ = exercises
    _plan(
        studio.first,
        items=[{"exercise": release}],
        status=Plan.Status.PUBLISHED,
        start_date=FIRST_PLAN_START,
        published_at=_at_noon(FIRST_PLAN_START),
    )
    # The trainer's next plan, built from the latest session and not published yet.
    secret = factories.ExerciseFactory(name="Unpublished wall slide", slug="unpublished-wall-slide")
    draft = _plan(studio.latest, items=[{"exercise": secret}, {"exercise": bridge}])
    factories.PlanSessionFactory(plan=draft, done_on=date(2026, 3, 20))
    assert draft.is_draft

    summary = _text(
        read_pdf(_download(client, trainer, reverse("reports:summary_pdf", args=[studio.latest.pk])))
    )
    progress = _text(read_pdf(_download(client, client_user, reverse("reports:portal_progress_pdf"))))

    for text in (summary, progress):
        assert "Unpublished wall slide" not in text
        assert "Glute bridge hold" not in text
        assert "Forward pelvis tip" in text
    # The latest session's plan is the draft: its summary shows none; the progress report shows the
    # published one, and counts none of the draft's sessions.
    assert "Your plan" not in summary
    assert "Your plan" in progress and "Hip flexor foam roll" in progress
    assert "Home plan 0 home sessions done of" in progress


def test_publishing_a_plan_stores_the_reports_that_show_it(
    trainer, client_record, studio, exercises, django_capture_on_commit_callbacks
):
    release, bridge, _ = exercises
    earlier = _plan(
        studio.first,
        items=[{"exercise": release}],
        status=Plan.Status.PUBLISHED,
        published_at=_at_noon(FIRST_PLAN_START),
        start_date=FIRST_PLAN_START,
    )
    draft = _plan(studio.latest, items=[{"exercise": bridge, "sets": 3, "reps": 8, "per_week": 4}])

    with django_capture_on_commit_callbacks(execute=True):
        plan_publish(plan=draft, by=trainer)

    summary = _text(read_pdf(_stored_pdf(report_key(build_summary(studio.latest.pk)))))
    progress = _text(read_pdf(_stored_pdf(report_key(build_progress(client_record.pk)))))
    for text in (summary, progress):
        assert "Glute bridge hold" in text and "3 sets of 8, 4 times a week" in text
    # The summary of the session whose plan it replaced now says that plan ended.
    replaced = _text(read_pdf(_stored_pdf(report_key(build_summary(earlier.assessment_id)))))
    assert f"This plan ended on {timezone.localdate():%-d %B %Y}." in replaced
    assert RenderedReport.objects.filter(status="ready").count() == 3


def test_the_content_key_changes_when_a_dosage_changes(client_record, studio, plans):
    _, latest = plans
    before = report_key(build_summary(studio.latest.pk)), report_key(build_progress(client_record.pk))

    PlanItem.objects.filter(plan=latest, exercise__slug="glute-bridge-hold").update(reps=15)

    after = report_key(build_summary(studio.latest.pk)), report_key(build_progress(client_record.pk))
    assert before[0] != after[0] and before[1] != after[1]
    assert build_summary(studio.latest.pk).plan.items[1].dosage == "2 sets of 15, twice a week"


def _more(plans, exercises_count: int, weeks: int) -> None:
    """More exercises in the current plan and more home sessions in both plans."""
    first, latest = plans
    for _ in range(exercises_count):
        factories.PlanItemFactory(plan=latest, tempo="3/0/3", note="Slowly.")
    for week in range(weeks):
        factories.PlanSessionFactory(plan=first, done_on=FIRST_PLAN_START + timedelta(weeks=week, days=4))
        factories.PlanSessionFactory(plan=latest, done_on=LATEST_PLAN_START + timedelta(weeks=week, days=4))


@pytest.mark.parametrize(("extra_exercises", "extra_weeks"), [(0, 0), (12, 8)])
def test_the_plan_read_takes_a_fixed_number_of_queries(
    client, trainer, client_record, studio, plans, extra_exercises, extra_weeks, django_assert_max_num_queries
):
    _more(plans, extra_exercises, extra_weeks)

    # The session's five, the studio for the letterhead, then the plan and its exercises (no photos:
    # the session does not share them).
    with django_assert_max_num_queries(8):
        summary = build_summary(studio.latest.pk)
    # The sessions' five, the studio, then the plans, their home sessions and the current plan's
    # exercises (no photos: no session shares them).
    with django_assert_max_num_queries(9):
        progress = build_progress(client_record.pk)
    assert len(summary.plan.items) == len(progress.plan.items) == 3 + extra_exercises

    login_as(client, trainer)
    client.get(reverse("reports:summary", args=[studio.first.pk]))  # saves the new login's session
    # Session, user, role; the report's nine (its read of the client checks that the client is the
    # trainer's); the audit row (the header shows the report's studio).
    with django_assert_max_num_queries(13):
        assert client.get(reverse("reports:progress", args=[client_record.pk])).status_code == 200
    # Session, user, role, the assessment (looked up twice); the report's eight; audit.
    with django_assert_max_num_queries(14):
        assert client.get(reverse("reports:summary", args=[studio.latest.pk])).status_code == 200
