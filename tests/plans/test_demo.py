"""Right after `make run` loads the demo studio, its portal client follows a published plan."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from clients.demo import PORTAL_CLIENT_EMAIL
from plans.adherence import plan_adherence
from plans.demo import FIRST_ITEM_NOTE, PLAN_NOTES, SESSIONS, STARTED_DAYS_AGO
from plans.models import Plan, PlanItem, PlanSession

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _rows() -> dict[str, set]:
    return {
        "plans": set(Plan.objects.values_list("pk", "status", "version", "start_date", "notes")),
        "items": set(PlanItem.objects.values_list("pk", "exercise_id", "sets", "reps", "note")),
        "sessions": set(PlanSession.objects.values_list("pk", "done_on", "effort", "note")),
        "history": {(Plan.history.count(), PlanItem.history.count(), PlanSession.history.count())},
    }


def test_the_demo_portal_client_has_a_published_plan_they_mostly_followed():
    out = _load()

    assert f"Added {len(SESSIONS)} demo plan sessions." in out
    plan = Plan.objects.get(client__portal_user__username=PORTAL_CLIENT_EMAIL)
    assert plan.status == Plan.Status.PUBLISHED
    assert plan.trainer.username == "trainer"
    assert plan.assessment.is_final
    # The latest finalised session, not the draft after it.
    assert plan.assessment == plan.client.assessments.final().order_by("-session_date").first()
    today = timezone.localdate()
    assert plan.start_date == today - timedelta(days=STARTED_DAYS_AGO)
    assert plan.review_date > today
    assert plan.notes == PLAN_NOTES
    items = list(plan.items.select_related("exercise"))
    assert items and items[0].note == FIRST_ITEM_NOTE
    assert all(item.reason.startswith("For ") for item in items)
    tailored = next(item for item in items if item.reps)
    assert tailored.reps == tailored.exercise.reps + 2
    sessions = list(plan.sessions.all())
    assert len(sessions) == len(SESSIONS) >= 5
    assert all(plan.start_date < s.done_on < today for s in sessions)
    assert any(s.note for s in sessions) and any(s.effort for s in sessions)
    # The client ticked them off themself.
    assert set(PlanSession.history.values_list("history_user__username", flat=True)) == {PORTAL_CLIENT_EMAIL}
    adherence = plan_adherence(plan, done_on=[s.done_on for s in sessions])
    assert 50 <= adherence.percent < 100
    # Nobody else has a plan in the demo.
    assert Plan.objects.count() == 1


def test_loading_the_demo_again_adds_no_plan_or_session():
    _load()
    before = _rows()

    out = _load()

    assert "demo plan sessions" not in out
    assert _rows() == before
