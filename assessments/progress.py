"""A client's progress over sessions, as plain data (no request, no HTML).

Reused by the reports app for PDFs, so it only reads the database and returns
dataclasses. Three queries, whatever the number of sessions or findings.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from assessments.models import Assessment, MuscleFinding, PatternFinding, Severity
from clients.models import Client
from imbalances.models import Muscle, Pattern, Role


class Change(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    SAME = "same"


class Since(StrEnum):
    """A pattern's state at the latest session compared with the one before."""

    NEW = "new"
    PERSISTING = "persisting"
    RESOLVED = "resolved"
    ABSENT = "absent"


@dataclass(frozen=True)
class Session:
    assessment_id: int
    date: date
    is_draft: bool
    pain_score: int | None
    notes: str


@dataclass(frozen=True)
class SeverityPoint:
    session: Session
    severity: int

    @property
    def label(self) -> str:
        return Severity(self.severity).label


@dataclass
class PatternProgress:
    pattern: Pattern
    side: str
    points: list[SeverityPoint]

    @property
    def first(self) -> int:
        return self.points[0].severity

    @property
    def latest(self) -> int:
        return self.points[-1].severity

    @property
    def previous(self) -> int | None:
        return self.points[-2].severity if len(self.points) > 1 else None

    @property
    def change(self) -> Change:
        """From the first session of the period to the latest (absent counts as none)."""
        if self.latest < self.first:
            return Change.BETTER
        if self.latest > self.first:
            return Change.WORSE
        return Change.SAME

    @property
    def since_previous(self) -> Since:
        before = self.previous or Severity.NONE
        if self.latest and before:
            return Since.PERSISTING
        if self.latest:
            return Since.NEW
        if before:
            return Since.RESOLVED
        return Since.ABSENT

    @property
    def label(self) -> str:
        return f"{self.pattern.name} ({self.side})" if self.side else self.pattern.name


@dataclass
class MuscleProgress:
    muscle: Muscle
    over_active: int = 0
    under_active: int = 0
    last_over_active: date | None = None
    last_under_active: date | None = None
    sides: set[str] = field(default_factory=set)

    @property
    def last_seen(self) -> date | None:
        return max(filter(None, [self.last_over_active, self.last_under_active]), default=None)

    @property
    def in_latest_session(self) -> bool:
        return self._latest is not None and self.last_seen == self._latest

    _latest: date | None = None


@dataclass
class ClientProgress:
    client: Client
    sessions: list[Session]
    patterns: list[PatternProgress]
    muscles: list[MuscleProgress]
    start: date | None = None
    end: date | None = None
    include_drafts: bool = True

    @property
    def first_session(self) -> Session | None:
        return self.sessions[0] if self.sessions else None

    @property
    def latest_session(self) -> Session | None:
        return self.sessions[-1] if self.sessions else None

    @property
    def has_drafts(self) -> bool:
        return any(session.is_draft for session in self.sessions)


def client_progress(
    client: Client,
    *,
    include_drafts: bool = False,
    start: date | None = None,
    end: date | None = None,
) -> ClientProgress:
    """The client's sessions in [start, end], oldest first, and what was found over them.

    Drafts count only when `include_drafts`: trainers see them, clients never do.
    """
    assessments = Assessment.objects.filter(client=client)
    if not include_drafts:
        assessments = assessments.final()
    if start:
        assessments = assessments.filter(session_date__gte=start)
    if end:
        assessments = assessments.filter(session_date__lte=end)
    sessions = [
        Session(
            assessment_id=a.pk,
            date=a.session_date,
            is_draft=a.status == Assessment.Status.DRAFT,
            pain_score=a.pain_score,
            notes=a.notes,
        )
        for a in assessments.order_by("session_date", "created_at", "pk")
    ]
    ids = [session.assessment_id for session in sessions]
    pattern_findings = list(
        PatternFinding.objects.filter(assessment_id__in=ids).select_related("pattern__region")
    )
    muscle_findings = list(MuscleFinding.objects.filter(assessment_id__in=ids).select_related("muscle"))
    progress = ClientProgress(
        client=client,
        sessions=sessions,
        patterns=_patterns(sessions, pattern_findings),
        muscles=_muscles(sessions, muscle_findings),
        start=start,
        end=end,
        include_drafts=include_drafts,
    )
    return progress


def _patterns(sessions: list[Session], findings: list[PatternFinding]) -> list[PatternProgress]:
    severity: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    patterns: dict[int, Pattern] = {}
    for finding in findings:
        patterns[finding.pattern_id] = finding.pattern
        severity[(finding.pattern_id, finding.side)][finding.assessment_id] = finding.severity
    result = [
        PatternProgress(
            pattern=patterns[pattern_id],
            side=side,
            points=[SeverityPoint(session, by_session.get(session.assessment_id, 0)) for session in sessions],
        )
        for (pattern_id, side), by_session in severity.items()
    ]
    result.sort(
        key=lambda p: (
            p.pattern.region.display_order,
            p.pattern.region.name,
            p.pattern.display_order,
            p.pattern.name,
            p.side,
        )
    )
    return result


def _muscles(sessions: list[Session], findings: list[MuscleFinding]) -> list[MuscleProgress]:
    date_of = {session.assessment_id: session.date for session in sessions}
    latest = sessions[-1].date if sessions else None
    # Counted per session, not per finding: a muscle checked under two patterns
    # in one session was still found once that day.
    seen: dict[int, set[tuple[str, int]]] = defaultdict(set)
    progress: dict[int, MuscleProgress] = {}
    for finding in findings:
        item = progress.setdefault(finding.muscle_id, MuscleProgress(muscle=finding.muscle, _latest=latest))
        item.sides.add(finding.side)
        key = (finding.role, finding.assessment_id)
        if key in seen[finding.muscle_id]:
            continue
        seen[finding.muscle_id].add(key)
        when = date_of[finding.assessment_id]
        if finding.role == Role.OVER:
            item.over_active += 1
            item.last_over_active = max(filter(None, [item.last_over_active, when]))
        else:
            item.under_active += 1
            item.last_under_active = max(filter(None, [item.last_under_active, when]))
    return sorted(progress.values(), key=lambda m: (-(m.over_active + m.under_active), m.muscle.name))
