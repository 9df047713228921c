"""The proposal rules: which exercises a plan starts from, given a finalised assessment's findings.

Calm what is over-active, strengthen what is under-active, then retrain each pattern as a whole
movement: for each over-active muscle a release (inhibit) and a stretch (lengthen), for each
under-active muscle an isolated strengthening exercise (activate), and for each pattern an
integrate exercise. Each exercise once, in the order of the continuum, with its default dosage.
"""

from dataclasses import dataclass, field

from assessments.models import Assessment
from imbalances.models import PHASE_ORDER, Exercise, Phase, Role

# Which phases answer a muscle observed in each role.
PHASES_FOR_ROLE = {Role.OVER: (Phase.INHIBIT, Phase.LENGTHEN), Role.UNDER: (Phase.ACTIVATE,)}


@dataclass
class Proposal:
    """An exercise the plan starts with and the findings it answers, in the order they were met."""

    exercise: Exercise
    answers: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return "For " + ", ".join(self.answers)


@dataclass(frozen=True)
class Gap:
    """A finding the active library has no exercise for, in that phase: the trainer adds one by hand."""

    finding: str
    phase: str


@dataclass(frozen=True)
class PlanProposal:
    proposals: list[Proposal]
    gaps: list[Gap]


def propose(assessment: Assessment) -> PlanProposal:
    """The exercises for `assessment`'s findings, ordered by phase. Five queries whatever the findings.

    Only active exercises are proposed. Where an exercise already proposed in the same phase
    targets the muscle too, it answers that muscle as well instead of adding another; otherwise
    the exercise reaching the most of the muscles that need that phase is chosen (the library's
    order breaks ties), so the plan stays short.
    """
    library = list(Exercise.objects.active().in_phase_order().prefetch_related("muscles", "patterns"))
    by_phase = {
        phase: [exercise for exercise in library if exercise.phase == phase] for phase in Phase.values
    }
    muscle_findings = list(
        assessment.muscle_findings.select_related("muscle").order_by("muscle__name", "side")
    )
    needing = {phase: set() for phase in Phase.values}
    for finding in muscle_findings:
        for phase in PHASES_FOR_ROLE[finding.role]:
            needing[phase].add(finding.muscle_id)
    chosen: dict[int, Proposal] = {}
    gaps = []

    def reach(exercise: Exercise) -> int:
        return len(needing[exercise.phase] & {muscle.pk for muscle in exercise.muscles.all()})

    def answer(phase: str, finding: str, targets) -> None:
        candidates = [exercise for exercise in by_phase[phase] if targets(exercise)]
        if not candidates:
            gaps.append(Gap(finding=finding, phase=phase))
            return
        exercise = next((c for c in candidates if c.pk in chosen), None) or max(candidates, key=reach)
        proposal = chosen.setdefault(exercise.pk, Proposal(exercise=exercise))
        if finding not in proposal.answers:
            proposal.answers.append(finding)

    for finding in muscle_findings:
        described = f"{finding.muscle.name} ({finding.get_role_display()})"
        for phase in PHASES_FOR_ROLE[finding.role]:
            answer(
                phase, described, lambda exercise, muscle=finding.muscle_id: _targets_muscle(exercise, muscle)
            )
    for finding in assessment.pattern_findings.select_related("pattern"):
        answer(
            Phase.INTEGRATE,
            finding.pattern.name,
            lambda exercise, pattern=finding.pattern_id: _retrains_pattern(exercise, pattern),
        )
    ordered = sorted(chosen.values(), key=lambda proposal: PHASE_ORDER[proposal.exercise.phase])
    # Each gap once, in the order found.
    return PlanProposal(proposals=ordered, gaps=list(dict.fromkeys(gaps)))


def _targets_muscle(exercise: Exercise, muscle_id: int) -> bool:
    return any(muscle.pk == muscle_id for muscle in exercise.muscles.all())


def _retrains_pattern(exercise: Exercise, pattern_id: int) -> bool:
    return any(pattern.pk == pattern_id for pattern in exercise.patterns.all())
