"""The demo portal client's plan: built from their latest finalised session, tailored, published three
weeks ago and mostly followed since, so the portal and the trainer's pages show adherence. Idempotent."""

from dataclasses import replace
from datetime import timedelta

from django.utils import timezone

from assessments.models import Assessment
from clients.demo import PORTAL_CLIENT_EMAIL
from clients.models import Client
from plans.models import Plan
from plans.services import REVIEW_AFTER, PlanItemData, plan_build, plan_publish, plan_save, session_log

STARTED_DAYS_AGO = 21
PLAN_NOTES = (
    "Aim to do the whole plan three times a week at home, and tick off each session here. Move slowly "
    "and breathe out as you stretch. Stop any exercise that hurts and tell me at your next session."
)
FIRST_ITEM_NOTE = "Go gently the first week: mild pressure is enough."
# What the client ticked off, by day after the plan started: two or three sessions a week,
# as people manage at home, some with how hard it felt and a word about it.
SESSIONS = [
    (1, 4, "Easier than I thought. The stretch pulled at the front of my hip."),
    (3, 5, ""),
    (8, 5, ""),
    (10, 6, "Did it after work. My back felt looser on the drive home."),
    (12, None, ""),
    (16, 6, ""),
    (19, 7, "Harder with the extra repetitions, but no ache the next morning."),
]


def load_plans() -> int:
    """Give the demo portal client their published plan and its logged sessions, once.

    Returns how many sessions were logged: none when the client already has a plan, or has no
    finalised session to build one from.
    """
    client = (
        Client.objects.select_related("trainer", "portal_user")
        .filter(email=PORTAL_CLIENT_EMAIL, trainer__username="trainer", portal_user__isnull=False)
        .first()
    )
    if client is None or Plan.objects.filter(client=client).exists():
        return 0
    assessment = Assessment.objects.final().filter(client=client).first()
    if assessment is None:
        return 0
    trainer = client.trainer
    plan, _ = plan_build(assessment=assessment, by=trainer)
    start = timezone.localdate() - timedelta(days=STARTED_DAYS_AGO)
    plan = plan_save(
        plan=plan,
        fields={"start_date": start, "review_date": start + REVIEW_AFTER, "notes": PLAN_NOTES},
        items=_tailored(plan),
        expected_version=plan.version,
        by=trainer,
    )
    plan = plan_publish(plan=plan, by=trainer)
    for days, effort, note in SESSIONS:
        session_log(
            plan=plan, done_on=start + timedelta(days=days), effort=effort, note=note, by=client.portal_user
        )
    return len(SESSIONS)


def _tailored(plan: Plan) -> list[PlanItemData]:
    """The proposed items as a trainer adjusts them: a note on the first, two more repetitions
    on the first one done in repetitions."""
    items = [PlanItemData.of(item) for item in plan.items.all()]
    items[0] = replace(items[0], note=FIRST_ITEM_NOTE)
    with_reps = next((index for index, item in enumerate(items) if item.reps), None)
    if with_reps is not None:
        item = items[with_reps]
        items[with_reps] = replace(item, reps=item.reps + 2)
    return items
