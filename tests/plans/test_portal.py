"""The client's side of a plan in the portal: reading it, ticking off sessions, undoing a mistake."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from plans.models import Plan, PlanSession
from security.models import AuditEvent
from tests.factories import (
    AssessmentFactory,
    ExerciseFactory,
    PlanFactory,
    PlanItemFactory,
    PlanSessionFactory,
)

pytestmark = pytest.mark.django_db

PLAN_URL = reverse("portal_plan:plan")
LOG_URL = reverse("portal_plan:log")


def _remove_url(session: PlanSession) -> str:
    return reverse("portal_plan:remove", kwargs={"pk": session.pk})


@pytest.fixture
def plan(client_record) -> Plan:
    """Jane's current plan, started a week ago, with one exercise tailored by her trainer."""
    plan = PlanFactory(
        assessment__client=client_record,
        published=True,
        start_date=timezone.localdate() - timedelta(days=7),
        notes="Little and often beats a lot once a week.",
    )
    exercise = ExerciseFactory(
        name="Glute bridge",
        slug="glute-bridge",
        phase="activate",
        instructions="Lie on your back with your knees bent.\n\nLift your hips until your body is straight.",
        cues="Squeeze your seat\nKeep your ribs down",
        contraindications="Skip it if your lower back hurts while lifting.",
        equipment="a mat",
        sets=2,
        reps=12,
        tempo="4/2/1",
        per_week=3,
    )
    PlanItemFactory(
        plan=plan,
        exercise=exercise,
        position=1,
        sets=3,
        reps=8,
        per_week=4,
        tempo="3/1/2",
        note="Go gently at first.",
    )
    return plan


@pytest.fixture
def jane(client, client_user):
    client.force_login(client_user)
    return client


def _log(browser, **data):
    today = timezone.localdate().isoformat()
    return browser.post(LOG_URL, {"done_on": today, "effort": "", "note": "", **data})


def test_the_plan_page_shows_the_trainers_tailored_plan(jane, plan):
    response = jane.get(PLAN_URL)

    assert response.status_code == 200
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    text = response.text
    assert "Little and often beats a lot once a week." in text
    assert 'href="/catalogue/exercises/glute-bridge/"' in text
    assert "Strengthen (activate)" in text
    assert "<p>Lie on your back with your knees bent.</p>" in text
    assert "<p>Lift your hips until your body is straight.</p>" in text
    assert "<li>Squeeze your seat</li>" in text and "<li>Keep your ribs down</li>" in text
    assert "Skip it if your lower back hurts while lifting." in text
    assert "A mat" in text
    assert "Go gently at first." in text
    # The trainer's dosage and tempo, not the exercise's defaults.
    assert "3 sets of 8, 4 times a week" in text
    assert "2 sets of 12" not in text
    assert "3 seconds lowering, a 1-second pause, 2 seconds lifting" in text
    assert "4 seconds lowering" not in text
    assert 'name="done_on"' in text and f'value="{timezone.localdate().isoformat()}"' in text


def test_exercises_show_in_the_plans_order_with_picture_and_video(jane, plan):
    last = ExerciseFactory(name="Wall slide", slug="wall-slide", video_url="https://video.example.com/w")
    first = ExerciseFactory(name="Chin tuck", slug="chin-tuck", is_active=False)
    first.image.name = "exercises/chin.png"
    first.save()
    PlanItemFactory(plan=plan, exercise=last, position=9)
    PlanItemFactory(plan=plan, exercise=first, position=0)

    text = jane.get(PLAN_URL).text

    assert text.index("Chin tuck") < text.index("Glute bridge") < text.index("Wall slide")
    assert 'src="/catalogue/exercises/chin-tuck/image/"' in text
    assert 'alt="Chin tuck, as described under “How to do it”"' in text
    assert '<a href="https://video.example.com/w" rel="noopener noreferrer external">' in text
    assert "<iframe" not in text


def test_a_draft_plan_is_never_shown(jane, client_record):
    draft = PlanFactory(assessment__client=client_record)
    PlanItemFactory(plan=draft, exercise=ExerciseFactory(name="Secret draft move"))

    response = jane.get(PLAN_URL)

    assert response.status_code == 200
    assert 'data-testid="no-plan"' in response.text
    assert "has not published a plan for you yet" in response.text
    assert "Secret draft move" not in response.text
    assert _log(jane).status_code == 404
    assert not PlanSession.objects.exists()


def test_another_clients_plan_is_never_shown(client, jane, other_client_record, other_client_user):
    theirs = PlanFactory(assessment__client=other_client_record, published=True, notes="Olly's own notes")
    PlanItemFactory(plan=theirs, exercise=ExerciseFactory(name="Olly's move"))

    text = jane.get(PLAN_URL).text
    assert 'data-testid="no-plan"' in text
    assert "Olly" not in text

    client.force_login(other_client_user)
    assert "Olly&#x27;s move" in client.get(PLAN_URL).text


def test_ticking_off_a_session_saves_it_and_shows_it(jane, plan, client_user):
    response = _log(jane, effort="6", note="  Felt good  ")

    assert response.status_code == 302
    assert response["Location"] == PLAN_URL
    session = PlanSession.objects.get()
    assert (session.plan, session.done_on, session.effort, session.note) == (
        plan,
        timezone.localdate(),
        6,
        "Felt good",
    )
    assert session.history.get().history_user == client_user
    page = jane.get(PLAN_URL).text
    assert "is ticked off" in page
    assert "effort 6 of 10" in page and "Felt good" in page
    assert f"This week: <strong>1 of {plan.sessions_per_week}</strong>" in page


def test_effort_is_optional(jane, plan):
    assert _log(jane).status_code == 302
    assert PlanSession.objects.get().effort is None


def test_a_second_tick_off_on_the_same_day_is_refused_next_to_the_date(jane, plan):
    PlanSessionFactory(plan=plan, done_on=timezone.localdate(), note="first")

    response = _log(jane, effort="4", note="Did it twice, really")

    assert response.status_code == 200
    text = response.text
    assert f"You already ticked off {timezone.localdate():%-d %B %Y}" in text
    assert 'id="error_1_id_done_on"' in text
    assert "Did it twice, really</textarea>" in text
    assert '<option value="4" selected>' in text
    assert list(PlanSession.objects.values_list("note", flat=True)) == ["first"]


def test_a_database_that_does_not_answer_keeps_what_was_typed(jane, plan, monkeypatch):
    def timed_out(**kwargs):
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr("plans.views.portal.session_log", timed_out)

    response = _log(jane, note="Kept for the retry")

    assert response.status_code == 503
    assert "Not saved — the database did not answer in time" in response.text
    assert "Kept for the retry</textarea>" in response.text
    assert not PlanSession.objects.exists()


@pytest.mark.parametrize(
    ("days_ago", "message"),
    [
        (-1, "That day is still to come"),
        (8, "Your plan started on"),
    ],
)
def test_a_date_in_the_future_or_before_the_plan_is_refused(jane, plan, days_ago, message):
    day = timezone.localdate() - timedelta(days=days_ago)

    response = _log(jane, done_on=day.isoformat(), note="kept")

    assert response.status_code == 200
    assert message in response.text
    assert "kept</textarea>" in response.text
    assert not PlanSession.objects.exists()


def test_a_session_more_than_two_weeks_ago_is_refused_with_the_reason(jane, plan):
    Plan.objects.filter(pk=plan.pk).update(start_date=timezone.localdate() - timedelta(days=60))

    response = _log(jane, done_on=(timezone.localdate() - timedelta(days=15)).isoformat())

    assert "for the last 14 days only" in response.text
    assert "hard to remember" in response.text
    assert not PlanSession.objects.exists()
    assert _log(jane, done_on=(timezone.localdate() - timedelta(days=14)).isoformat()).status_code == 302


@pytest.mark.parametrize("effort", ["11", "0", "ten"])
def test_an_effort_outside_one_to_ten_is_refused(jane, plan, effort):
    response = _log(jane, effort=effort)

    assert response.status_code == 200
    assert "Choose a number from 1 (very easy) to 10 (as hard as you could)" in response.text
    assert not PlanSession.objects.exists()


def test_a_session_ticked_off_by_mistake_can_be_removed(jane, plan):
    session = PlanSessionFactory(plan=plan, done_on=timezone.localdate() - timedelta(days=1))
    page = jane.get(PLAN_URL).text
    assert f'action="{_remove_url(session)}"' in page
    assert "data-confirm=" in page

    response = jane.post(_remove_url(session), follow=True)

    assert response.redirect_chain == [(PLAN_URL, 302)]
    assert "is no longer ticked off" in response.text
    assert not PlanSession.objects.exists()


def test_another_clients_session_cannot_be_removed(jane, plan, other_client_record):
    theirs = PlanSessionFactory(plan=PlanFactory(assessment__client=other_client_record, published=True))

    assert jane.post(_remove_url(theirs)).status_code == 404
    assert jane.get(_remove_url(theirs)).status_code == 404
    assert PlanSession.objects.filter(pk=theirs.pk).exists()


def test_a_session_of_an_ended_plan_is_kept(jane, plan, client_record):
    ended = PlanFactory(assessment__client=client_record, status="ended", ended_at=timezone.now())
    session = PlanSessionFactory(plan=ended)

    response = jane.post(_remove_url(session), follow=True)

    assert "belongs to a plan that has ended" in response.text
    assert PlanSession.objects.filter(pk=session.pk).exists()


def test_the_owner_gets_405_for_a_get_on_the_actions(jane, plan):
    session = PlanSessionFactory(plan=plan)
    assert jane.get(LOG_URL).status_code == 405
    assert jane.get(_remove_url(session)).status_code == 405
    assert jane.post(PLAN_URL).status_code == 405


def test_a_trainer_is_refused_every_portal_page(client, trainer, plan):
    session = PlanSessionFactory(plan=plan)
    client.force_login(trainer)

    assert client.get(PLAN_URL).status_code == 403
    assert _log(client).status_code == 403
    assert client.post(_remove_url(session)).status_code == 403
    assert list(PlanSession.objects.all()) == [session]


def test_the_anonymous_are_sent_to_sign_in(client, plan):
    session = PlanSessionFactory(plan=plan)
    for response, path in (
        (client.get(PLAN_URL), PLAN_URL),
        (_log(client), LOG_URL),
        (client.post(_remove_url(session)), _remove_url(session)),
    ):
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={path}"
    assert list(PlanSession.objects.all()) == [session]


def test_each_view_writes_an_audit_row_naming_the_client(jane, plan, client_record, client_user):
    jane.get(PLAN_URL)
    _log(jane)
    _log(jane)  # refused: the page shown again is a read
    jane.post(_remove_url(PlanSession.objects.get()))

    rows = list(AuditEvent.objects.order_by("pk").values_list("user", "client", "action", "url_name"))
    assert rows == [
        (client_user.pk, client_record.pk, "view", "portal_plan:plan"),
        (client_user.pk, client_record.pk, "change", "portal_plan:log"),
        (client_user.pk, client_record.pk, "view", "portal_plan:log"),
        (client_user.pk, client_record.pk, "change", "portal_plan:remove"),
    ]


@pytest.mark.parametrize("rows", [1, 12])
def test_the_plan_page_reads_a_fixed_number_of_queries(jane, plan, rows, django_assert_max_num_queries):
    today = timezone.localdate()
    for _ in range(rows):
        PlanItemFactory(plan=plan, exercise=ExerciseFactory(cues="One\nTwo", contraindications="Pain."))
    for days_ago in range(min(rows, 8)):
        PlanSessionFactory(plan=plan, done_on=today - timedelta(days=days_ago))

    # Session, user, role (trainer group, client), plan, items with their exercises, sessions, the
    # audit row, the studio (page header), and the session's activity stamp (its row: savepoint,
    # update, release; its copy in the cache: savepoint, count, select, update, release).
    with django_assert_max_num_queries(17):
        response = jane.get(PLAN_URL)
    assert response.text.count('class="card plan-card') == rows + 1


def test_the_portal_home_shows_the_current_plan_first(jane, plan, client_record):
    AssessmentFactory(client=client_record, final=True)
    PlanSessionFactory(plan=plan, done_on=timezone.localdate())

    text = jane.get(reverse("portal:home")).text

    assert text.index('data-testid="portal-plan"') < text.index("Your assessments")
    assert f'href="{PLAN_URL}">Open my plan</a>' in text
    assert f"Started on {plan.start_date:%-d %B %Y}, with 1 exercise." in text
    assert f"This week: <strong>1 of {plan.sessions_per_week}</strong>" in text
    assert f"{plan.review_date:%-d %B %Y}" in text


def test_the_portal_home_says_when_there_is_no_plan_yet(jane, client_record):
    PlanFactory(assessment__client=client_record)  # a draft

    text = jane.get(reverse("portal:home")).text

    assert "Your trainer has not published a plan for you yet." in text
    assert "Open my plan" not in text
