"""What the client's latest finalised session found, for the next session to start from."""

from dataclasses import dataclass, field, replace
from datetime import date

from django.utils import timezone

from assessments.models import Assessment, MuscleFinding, PatternFinding, Severity
from assessments.services import MuscleFindingData, PatternFindingData, assessment_save


@dataclass(frozen=True)
class LastTime:
    """The findings of one finalised session: patterns by id, muscles by (pattern, muscle)."""

    assessment_id: int
    session_date: date
    patterns: dict[int, list[PatternFindingData]] = field(default_factory=dict)
    muscles: dict[tuple[int | None, int], list[MuscleFindingData]] = field(default_factory=dict)

    def pattern_text(self, pattern_id: int) -> str:
        """'moderate, left' (both sides if seen on each), or '' when it was not found."""
        return "; ".join(
            f"{Severity(f.severity).label}, {f.side}" if f.side else Severity(f.severity).label
            for f in self.patterns.get(pattern_id, [])
        )

    def muscle_text(self, pattern_id: int, muscle_id: int) -> str:
        """'over-active, left', or '' when it was not found under that pattern."""
        return "; ".join(f"{f.role}, {f.side}" for f in self.muscles.get((pattern_id, muscle_id), []))


def last_time(client_id: int, *, other_than: int | None = None) -> LastTime | None:
    """The latest finalised session of the client but `other_than`, with its findings: three
    queries, one when the client has none.

    Three plain reads by key: two that found the session by a subquery and joined it for its
    date took 1.6 ms against 1.1 ms for these (bench studio, in-process).
    """
    latest = (
        Assessment.objects.final()
        .filter(client_id=client_id)
        .exclude(pk=other_than)
        .order_by("-session_date", "-created_at", "-pk")
        .values_list("pk", "session_date")
        .first()
    )
    if latest is None:
        return None
    found = LastTime(*latest)
    pattern_rows = PatternFinding.objects.filter(assessment_id=found.assessment_id).order_by()
    for pattern_id, side, severity, note in pattern_rows.values_list(
        "pattern_id", "side", "severity", "note"
    ):
        found.patterns.setdefault(pattern_id, []).append(PatternFindingData(pattern_id, severity, side, note))
    muscle_rows = MuscleFinding.objects.filter(assessment_id=found.assessment_id).order_by()
    for pattern_id, muscle_id, role, side, note in muscle_rows.values_list(
        "pattern_id", "muscle_id", "role", "side", "note"
    ):
        found.muscles.setdefault((pattern_id, muscle_id), []).append(
            MuscleFindingData(muscle_id, role, side, pattern_id, note)
        )
    if not found.patterns and not found.muscles:
        return None
    return found


def draft_from(*, last: LastTime, client, by, submission_token) -> Assessment:
    """A new draft dated today holding `last`'s findings to confirm or change, its notes left out
    (they spoke of that day). The same form posted twice creates one (AlreadySubmittedError)."""
    return assessment_save(
        assessment=Assessment(client=client, trainer=by),
        header={"session_date": timezone.localdate(), "notes": "", "private_notes": "", "pain_score": None},
        pattern_findings=[replace(f, note="") for found in last.patterns.values() for f in found],
        muscle_findings=[replace(f, note="") for found in last.muscles.values() for f in found],
        expected_version=None,
        by=by,
        submission_token=submission_token,
    )
