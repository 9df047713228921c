"""Adherence week by week: sessions ticked off against the plan's sessions a week."""

import datetime

import pytest
from django.utils import timezone

from plans.adherence import plan_adherence
from plans.models import Plan
from tests import factories

MONDAY = datetime.date(2026, 11, 2)


def plan(start: datetime.date, per_week: int = 3) -> Plan:
    return Plan(start_date=start, review_date=start + datetime.timedelta(weeks=4), sessions_per_week=per_week)


def test_whole_weeks_count_against_the_weekly_target_and_extra_sessions_do_not_make_up_for_missed_ones():
    days = [MONDAY, MONDAY + datetime.timedelta(days=2), MONDAY + datetime.timedelta(days=4)]
    days += [MONDAY + datetime.timedelta(days=7 + n) for n in range(5)]  # five in the second week
    adherence = plan_adherence(plan(MONDAY), done_on=days, until=MONDAY + datetime.timedelta(days=20))

    assert [(week.starts_on, week.done, week.planned) for week in adherence.weeks] == [
        (MONDAY, 3, 3),
        (MONDAY + datetime.timedelta(days=7), 5, 3),
        (MONDAY + datetime.timedelta(days=14), 0, 3),
    ]
    assert [week.percent for week in adherence.weeks] == [100, 100, 0]
    assert (adherence.done, adherence.planned, adherence.percent) == (8, 9, 67)


def test_a_plan_starting_midweek_asks_for_its_share_of_that_week():
    thursday = MONDAY + datetime.timedelta(days=3)
    adherence = plan_adherence(
        plan(thursday, per_week=7), done_on=[thursday], until=MONDAY + datetime.timedelta(days=9)
    )

    first, second = adherence.weeks
    assert (first.starts_on, first.done, first.planned) == (MONDAY, 1, 4)
    assert (second.done, second.planned) == (0, 3)
    # Its first week starts on a Monday; its count starts on its first day.
    assert adherence.counted_from == thursday


def test_counted_from_a_later_day_it_counts_from_that_day():
    friday = MONDAY + datetime.timedelta(days=4)
    adherence = plan_adherence(plan(MONDAY, per_week=7), done_on=[MONDAY], until=friday, since=friday)

    assert adherence.counted_from == friday
    assert [(week.starts_on, week.done, week.planned) for week in adherence.weeks] == [(MONDAY, 0, 1)]


def test_before_any_session_is_due_there_is_no_percentage():
    sunday = MONDAY + datetime.timedelta(days=6)
    adherence = plan_adherence(plan(sunday, per_week=2), done_on=[], until=sunday)
    assert adherence.weeks[0].planned == 0
    assert adherence.weeks[0].percent is None and adherence.percent is None
    assert plan_adherence(plan(sunday), done_on=[], until=MONDAY).weeks == []


@pytest.mark.django_db
def test_a_replaced_plan_asks_for_nothing_from_the_day_its_successor_starts():
    successor = factories.PlanFactory(published=True, start_date=MONDAY + datetime.timedelta(days=7))
    replaced = factories.PlanFactory(
        client=successor.client,
        start_date=MONDAY,
        status="ended",
        ended_at=timezone.make_aware(datetime.datetime(2026, 11, 9, 18, 0)),
        replaced_by=successor,
    )

    adherence = plan_adherence(replaced, done_on=[MONDAY])

    # It ended on the Monday its successor started: that day belongs to the successor alone.
    assert [(week.starts_on, week.planned) for week in adherence.weeks] == [(MONDAY, 3)]


def test_the_portal_home_and_my_plan_ask_the_same_of_a_part_week():
    thursday = MONDAY + datetime.timedelta(days=3)
    started_thursday = plan(thursday, per_week=7)
    week = plan_adherence(started_thursday, done_on=[], until=MONDAY + datetime.timedelta(days=6)).weeks[0]
    assert started_thursday.planned_between(MONDAY, MONDAY + datetime.timedelta(days=6)) == week.planned == 4
