"""Demo assessments: a few months of sessions per demo client, showing progress. Idempotent."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from assessments.catalogue import expected_muscle_side
from assessments.models import Assessment
from assessments.services import (
    MeasureValueData,
    MuscleFindingData,
    PatternFindingData,
    assessment_save,
)
from clients.models import Client
from imbalances.models import Measure, Pattern

DEMO_TRAINERS = ("trainer", "trainer2")
SESSIONS = 6
DAYS_BETWEEN = 21

# Per client, in turn: pattern slug -> (side, severity at each session). Severity
# eases over the sessions, as it does when corrective work is followed.
PLANS: list[dict[str, tuple[str, list[int]]]] = [
    {
        "anterior-pelvic-tilt": ("", [3, 3, 2, 2, 1, 1]),
        "forward-chin": ("", [2, 2, 1, 1, 0, 0]),
    },
    {
        "head-tilt-turn": ("left", [3, 2, 2, 1, 1, 0]),
        "forward-chin": ("", [2, 2, 2, 1, 1, 1]),
    },
    {
        "posterior-pelvic-tilt": ("", [2, 2, 1, 1, 1, 0]),
        "head-tilt-turn": ("right", [0, 1, 1, 1, 0, 0]),
    },
]
PAIN = [6, 5, 5, 3, 2, 2]
NOTES = [
    "First assessment. Sits most of the day; aches after long drives.",
    "Started daily mobility routine. Slightly less stiff in the mornings.",
    "Good adherence. Stretching the over-active side, strengthening the other.",
    "Noticeably better posture when standing. Progressing the strength work.",
    "Pain mostly gone. Keeps the routine three times a week.",
    "Review session; draft until we go through it together.",
]
# What a trainer keeps to themself: the client never reads these.
PRIVATE_NOTES = [
    "Guarded when talking about the old shoulder injury; ask again once trust is built.",
    "",
    "Skipped the band work twice; keep the homework to two exercises.",
    "",
    "Ready for loaded carries next block.",
    "",
]


# Measures that a working corrective programme moves: (first value, change per session) by slug,
# the right side one step behind the left. A test fails until the session given, then passes.
MEASURE_TRENDS = {
    "craniovertebral-angle": (Decimal("44"), Decimal("1.5")),
    "knee-to-wall": (Decimal("7.5"), Decimal("0.8")),
    "shoulder-flexion": (Decimal("150"), Decimal("5")),
    "ear-shoulder-offset": (Decimal("6"), Decimal("-0.8")),
}
TEST_PASSED_FROM = {"thomas-test": 3}


def _measure_values(measures: list[Measure], session: int) -> list[MeasureValueData]:
    values = []
    for measure in measures:
        for lag, side in enumerate(["left", "right"] if measure.per_side else [""]):
            if measure.slug in TEST_PASSED_FROM:
                value = Decimal(1 if session >= TEST_PASSED_FROM[measure.slug] + lag else 0)
            elif measure.slug in MEASURE_TRENDS:
                first, step = MEASURE_TRENDS[measure.slug]
                value = first + step * max(session - lag, 0)
            else:
                continue
            values.append(MeasureValueData(measure_id=measure.pk, side=side, value=value))
    return values


def load_assessments() -> int:
    """Give every active demo client without assessments their sessions. Returns how many were added."""
    patterns = {
        p.slug: p
        for p in Pattern.objects.active().prefetch_related("pattern_muscles__muscle")
        if any(p.slug in plan for plan in PLANS)
    }
    clients = (
        Client.objects.filter(trainer__username__in=DEMO_TRAINERS, is_archived=False)
        .select_related("trainer")
        .order_by("trainer__username", "pk")
    )
    measures = list(Measure.objects.filter(is_active=True, slug__in=[*MEASURE_TRENDS, *TEST_PASSED_FROM]))
    added = 0
    for index, client in enumerate(clients):
        if Assessment.objects.filter(client=client).exists():
            continue
        added += _load_client(client, PLANS[index % len(PLANS)], patterns, measures)
    return added


def _load_client(client: Client, plan: dict, patterns: dict[str, Pattern], measures: list[Measure]) -> int:
    today = timezone.localdate()
    first = today - timedelta(days=7 + DAYS_BETWEEN * (SESSIONS - 1))
    for session in range(SESSIONS):
        pattern_findings, muscle_findings = [], []
        for slug, (side, severities) in plan.items():
            pattern = patterns.get(slug)
            severity = severities[session]
            if pattern is None or severity == 0:
                continue
            side = side if pattern.is_lateral else ""
            pattern_findings.append(PatternFindingData(pattern_id=pattern.pk, severity=severity, side=side))
            # Fewer muscles stay involved as the pattern eases: some resolve.
            links = [link for link in pattern.pattern_muscles.all() if link.muscle.is_active]
            keep = -(-len(links) * severity // 3)
            muscle_findings += [
                MuscleFindingData(
                    muscle_id=link.muscle_id,
                    role=link.role,
                    side=expected_muscle_side(link, side),
                    pattern_id=pattern.pk,
                )
                for link in links[:keep]
            ]
        assessment_save(
            assessment=Assessment(client=client, trainer=client.trainer),
            header={
                "session_date": first + timedelta(days=DAYS_BETWEEN * session),
                "notes": NOTES[session],
                "private_notes": PRIVATE_NOTES[session],
                "pain_score": PAIN[session],
            },
            pattern_findings=pattern_findings,
            muscle_findings=muscle_findings,
            measure_values=_measure_values(measures, session),
            expected_version=None,
            by=client.trainer,
            finalise=session < SESSIONS - 1,
        )
    return SESSIONS
