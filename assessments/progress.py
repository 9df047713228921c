"""A client's progress over sessions, as plain data (no request, no HTML).

Reused by the reports app for PDFs, so it only reads the database and returns
dataclasses. Three queries, whatever the number of sessions or findings.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property

from django.utils import dateformat

from assessments.models import Assessment, MuscleFinding, PatternFinding, Severity
from clients.models import Client
from imbalances.models import Role


class Change(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    SAME = "same"

    @classmethod
    def between(cls, first: int, latest: int) -> "Change":
        """From a first severity to a latest one (absent counts as none)."""
        if latest < first:
            return cls.BETTER
        if latest > first:
            return cls.WORSE
        return cls.SAME


class Since(StrEnum):
    """A pattern's state at the latest session compared with the one before."""

    NEW = "new"
    PERSISTING = "persisting"
    RESOLVED = "resolved"
    ABSENT = "absent"


@dataclass(frozen=True)
class PatternRef:
    """What progress shows of a catalogue pattern."""

    pk: int
    name: str
    slug: str
    display_order: int
    region_name: str
    region_order: int


@dataclass(frozen=True)
class MuscleRef:
    """What progress shows of a catalogue muscle."""

    pk: int
    name: str
    slug: str


@dataclass(frozen=True)
class Session:
    assessment_id: int
    date: date
    is_draft: bool
    pain_score: int | None
    notes: str

    # Charts print every session's date several times; format each date once.
    @cached_property
    def short_label(self) -> str:
        return dateformat.format(self.date, "j M")

    @cached_property
    def long_label(self) -> str:
        return dateformat.format(self.date, "j M Y")


@dataclass(frozen=True)
class SeverityPoint:
    session: Session
    severity: int

    @property
    def label(self) -> str:
        return Severity(self.severity).label


@dataclass
class PatternProgress:
    pattern: PatternRef
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
        """From the first session of the period to the latest."""
        return Change.between(self.first, self.latest)

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
    muscle: MuscleRef
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
    Reads plain rows (no model instances): a client with dozens of sessions has
    hundreds of findings, and only a few columns of each are shown.
    """
    assessments = Assessment.objects.filter(client=client).in_period(
        start=start, end=end, include_drafts=include_drafts
    )
    rows = assessments.order_by("session_date", "created_at", "pk").values_list(
        "pk", "session_date", "status", "pain_score", "notes"
    )
    sessions = [
        Session(
            assessment_id=pk,
            date=day,
            is_draft=status == Assessment.Status.DRAFT,
            pain_score=pain_score,
            notes=notes,
        )
        for pk, day, status, pain_score, notes in rows
    ]
    ids = [session.assessment_id for session in sessions]
    # order_by() drops the models' default ordering, whose joins and sort nothing here needs.
    pattern_findings = (
        PatternFinding.objects.filter(assessment_id__in=ids)
        .order_by()
        .values_list(
            "assessment_id",
            "side",
            "severity",
            "pattern_id",
            "pattern__name",
            "pattern__slug",
            "pattern__display_order",
            "pattern__region__name",
            "pattern__region__display_order",
        )
        if ids
        else []
    )
    muscle_findings = (
        MuscleFinding.objects.filter(assessment_id__in=ids)
        .order_by()
        .values_list("assessment_id", "side", "role", "muscle_id", "muscle__name", "muscle__slug")
        if ids
        else []
    )
    return ClientProgress(
        client=client,
        sessions=sessions,
        patterns=_patterns(sessions, pattern_findings),
        muscles=_muscles(sessions, muscle_findings),
        start=start,
        end=end,
        include_drafts=include_drafts,
    )


def _patterns(sessions: list[Session], findings) -> list[PatternProgress]:
    severity: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    patterns: dict[int, PatternRef] = {}
    for assessment_id, side, level, pattern_id, name, slug, order, region, region_order in findings:
        if pattern_id not in patterns:
            patterns[pattern_id] = PatternRef(pattern_id, name, slug, order, region, region_order)
        severity[(pattern_id, side)][assessment_id] = level
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
            p.pattern.region_order,
            p.pattern.region_name,
            p.pattern.display_order,
            p.pattern.name,
            p.side,
        )
    )
    return result


def _muscles(sessions: list[Session], findings) -> list[MuscleProgress]:
    date_of = {session.assessment_id: session.date for session in sessions}
    latest = sessions[-1].date if sessions else None
    # Counted per session, not per finding: a muscle checked under two patterns
    # in one session was still found once that day.
    seen: dict[int, set[tuple[str, int]]] = defaultdict(set)
    progress: dict[int, MuscleProgress] = {}
    for assessment_id, side, role, muscle_id, name, slug in findings:
        item = progress.get(muscle_id)
        if item is None:
            item = progress[muscle_id] = MuscleProgress(
                muscle=MuscleRef(muscle_id, name, slug), _latest=latest
            )
        item.sides.add(side)
        key = (role, assessment_id)
        if key in seen[muscle_id]:
            continue
        seen[muscle_id].add(key)
        when = date_of[assessment_id]
        if role == Role.OVER:
            item.over_active += 1
            item.last_over_active = max(filter(None, [item.last_over_active, when]))
        else:
            item.under_active += 1
            item.last_under_active = max(filter(None, [item.last_under_active, when]))
    return sorted(progress.values(), key=lambda m: (-(m.over_active + m.under_active), m.muscle.name))
