"""What the client's latest finalised session found, for the next session to start from."""

from dataclasses import dataclass, field, replace
from datetime import date

from django.db.models import Subquery
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
    """The latest finalised session of the client but `other_than`, with its findings: two queries.

    Found by a subquery in each query, so a client with no finalised session costs the same two.
    """
    latest = (
        Assessment.objects.final()
        .filter(client_id=client_id)
        .exclude(pk=other_than)
        .order_by("-session_date", "-created_at", "-pk")
        .values("pk")[:1]
    )
    pattern_rows = list(
        PatternFinding.objects.filter(assessment=Subquery(latest))
        .order_by()
        .values_list("assessment_id", "assessment__session_date", "pattern_id", "side", "severity", "note")
    )
    muscle_rows = list(
        MuscleFinding.objects.filter(assessment=Subquery(latest))
        .order_by()
        .values_list(
            "assessment_id", "assessment__session_date", "pattern_id", "muscle_id", "role", "side", "note"
        )
    )
    if not pattern_rows and not muscle_rows:
        return None
    assessment_id, session_date = (pattern_rows or muscle_rows)[0][:2]
    found = LastTime(assessment_id, session_date)
    for _, _, pattern_id, side, severity, note in pattern_rows:
        found.patterns.setdefault(pattern_id, []).append(PatternFindingData(pattern_id, severity, side, note))
    for _, _, pattern_id, muscle_id, role, side, note in muscle_rows:
        found.muscles.setdefault((pattern_id, muscle_id), []).append(
            MuscleFindingData(muscle_id, role, side, pattern_id, note)
        )
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
