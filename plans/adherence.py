"""Adherence: how many of the plan's sessions a week the client ticked off, week by week."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from plans.models import Plan


@dataclass(frozen=True)
class Week:
    """A week from Monday; `planned` is what the plan asks for in the part of it the plan ran."""

    starts_on: date
    done: int
    planned: int

    @property
    def percent(self) -> int | None:
        """None for a week too short to ask for a session (the plan's first or last day or two)."""
        return min(100, round(100 * self.done / self.planned)) if self.planned else None


@dataclass(frozen=True)
class Adherence:
    weeks: list[Week]
    # The first day counted: the plan's start, or the day asked for when later (plan_adherence).
    # None for adherence put together from weeks counted elsewhere.
    counted_from: date | None = None

    @property
    def done(self) -> int:
        return sum(week.done for week in self.weeks)

    @property
    def planned(self) -> int:
        return sum(week.planned for week in self.weeks)

    @property
    def percent(self) -> int | None:
        """Sessions done over sessions planned (each week counted up to its target); None before
        any session was due."""
        if not self.planned:
            return None
        return round(100 * sum(min(week.done, week.planned) for week in self.weeks) / self.planned)


def plan_adherence(
    plan: Plan, *, done_on: list[date], until: date | None = None, since: date | None = None
) -> Adherence:
    """Week by week from the plan's start (or `since`, when later) to `until` (today, or the day the
    plan ended), and never past the day before the plan that replaced it starts: a day asks for the
    sessions of one plan.

    `done_on` are the days the client ticked off (the caller read them, so several plans cost one
    query). A week the plan only partly covers asks for its share of the weekly target. Reads the
    replacing plan: callers read it along (select_related("replaced_by")).
    """
    end = until or (timezone.localtime(plan.ended_at).date() if plan.ended_at else timezone.localdate())
    if plan.replaced_by_id is not None:
        end = min(end, plan.replaced_by.start_date - timedelta(days=1))
    begin = max(plan.start_date, since) if since else plan.start_date
    if end < begin:
        return Adherence(weeks=[], counted_from=begin)
    monday = begin - timedelta(days=begin.weekday())
    weeks = []
    while monday <= end:
        first, last = max(monday, begin), min(monday + timedelta(days=6), end)
        planned = plan.planned_between(first, last)
        done = sum(1 for day in done_on if first <= day <= last)
        weeks.append(Week(starts_on=monday, done=done, planned=planned))
        monday += timedelta(days=7)
    return Adherence(weeks=weeks, counted_from=begin)
