"""A client's progress over sessions: the one read model behind the trainer's progress
page, the portal and the PDFs.

Plain data (no request, no HTML) read as plain rows, not model instances: a client
with dozens of sessions has hundreds of findings, and only a few columns of each are
shown. Four queries at most, whatever the number of sessions or findings (a fifth counts
a period that holds as many sessions as one report shows, or more).

One report covers at most MAX_SESSIONS sessions, the latest of its period, so that no page
or PDF grows with a client's whole history; it says how many earlier ones it leaves out.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.db.models import Count, Min, QuerySet

from assessments.models import Assessment, MeasureValue, MuscleFinding, PatternFinding, Severity
from clients.models import Client
from imbalances.models import Better, Role, show_measure

# The most sessions one progress report shows: a year of weekly sessions. The latest ones
# of the period are shown; a period that ends earlier shows the ones before them.
MAX_SESSIONS = 52
# The columns of an assessment that a session reads, in the order `_sessions` unpacks them.
SESSION_COLUMNS = ("pk", "session_date", "status", "pain_score", "notes", "share_photos")
# The columns of a measure that progress reads, in MeasureRef's order.
MEASURE_COLUMNS = ("pk", "slug", "name", "unit", "better", "display_order")
# The columns of a muscle that progress reads, in MuscleRef's order.
MUSCLE_COLUMNS = ("pk", "slug", "name", "lay_name", "description", "aliases")
# The columns of a pattern that progress reads, in PatternRef's order.
PATTERN_COLUMNS = (
    "pk", "slug", "name", "description", "region__name", "region__display_order", "display_order",
    "region__slug",
)  # fmt: skip


class Change(StrEnum):
    """The one rule for better and worse: a lower number (severity, pain, a muscle
    found or not) is better, unless the measure says that higher is."""

    BETTER = "better"
    WORSE = "worse"
    SAME = "same"

    @classmethod
    def between(cls, before, after, *, higher_is_better: bool = False) -> "Change":
        if higher_is_better:
            before, after = -before, -after
        if after < before:
            return cls.BETTER
        if after > before:
            return cls.WORSE
        return cls.SAME


@dataclass(frozen=True)
class PatternRef:
    pk: int
    slug: str
    name: str
    description: str
    region: str
    region_order: int
    display_order: int
    # Where the body map outlines it (imbalances.body_map.REGION_AREAS).
    region_slug: str = ""

    @property
    def sort_key(self) -> tuple:
        """The catalogue's order: by region, then as the region lists its patterns."""
        return (self.region_order, self.region, self.display_order, self.name)


@dataclass(frozen=True)
class MuscleRef:
    pk: int
    slug: str
    name: str
    lay_name: str
    description: str
    aliases: str

    @property
    def sort_key(self) -> tuple:
        # Clients read the lay name first, so lists follow it.
        return (self.lay_name.lower(), self.name)


@dataclass(frozen=True)
class MeasureRef:
    pk: int
    slug: str
    name: str
    unit: str
    better: str
    display_order: int

    @property
    def is_test(self) -> bool:
        return self.better == Better.PASS

    @property
    def higher_is_better(self) -> bool:
        return self.better != Better.LOWER

    def show(self, value: Decimal) -> str:
        return show_measure(value, unit=self.unit, is_test=self.is_test)

    @property
    def sort_key(self) -> tuple:
        return (self.display_order, self.name)


@dataclass(frozen=True)
class MeasureRow:
    """A measure as taken at one session."""

    measure: MeasureRef
    side: str
    value: Decimal

    @property
    def label(self) -> str:
        return self.measure.show(self.value)


@dataclass(frozen=True)
class PatternFindingRow:
    pattern: PatternRef
    side: str
    severity: int
    note: str

    @property
    def severity_label(self) -> str:
        return Severity(self.severity).label

    def __str__(self) -> str:
        """How the finding reads in a list of a session's findings: "Forward head posture (left): mild"."""
        side = f" ({self.side})" if self.side else ""
        return f"{self.pattern.name}{side}: {self.severity_label.lower()}"


@dataclass(frozen=True)
class MuscleFindingRow:
    muscle: MuscleRef
    role: str
    side: str
    note: str


@dataclass(frozen=True)
class Session:
    """One assessment with what was found at it, as progress and the reports show it."""

    assessment_id: int
    session_date: date
    is_draft: bool
    pain_score: int | None
    notes: str
    # The trainer shared the session's posture photos with the client (reports show only those).
    shares_photos: bool
    pattern_findings: list[PatternFindingRow]
    muscle_findings: list[MuscleFindingRow]
    measures: list[MeasureRow]


@dataclass(frozen=True)
class Point:
    """One session's value in a series: a severity, a pain score, or 1 for a muscle found."""

    session_date: date
    is_draft: bool
    value: int


@dataclass(frozen=True)
class MusclePoint(Point):
    roles: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return " and ".join(self.roles) if self.roles else "not found"


@dataclass(frozen=True, kw_only=True)
class Series:
    """Values over the sessions, oldest first, compared by `Change.between`."""

    points: list[Point]
    higher_is_better = False

    @property
    def first(self) -> int:
        return self.points[0].value

    @property
    def latest(self) -> int:
        return self.points[-1].value

    @property
    def previous(self) -> int | None:
        return self.points[-2].value if len(self.points) > 1 else None

    @property
    def change(self) -> Change:
        """From the first session of the period to the latest."""
        return Change.between(self.first, self.latest, higher_is_better=self.higher_is_better)

    @property
    def change_since_previous(self) -> Change | None:
        if self.previous is None:
            return None
        return Change.between(self.previous, self.latest, higher_is_better=self.higher_is_better)

    @property
    def since_previous(self) -> str:
        """Says "new" when the previous session did not find it, "resolved" when the latest does not."""
        if not self.previous and self.latest and self.previous is not None:
            return "new"
        if self.previous and not self.latest:
            return "resolved"
        return ""


@dataclass(frozen=True, kw_only=True)
class PatternProgress(Series):
    """A pattern on one side; a session that did not record it counts as none."""

    pattern: PatternRef
    side: str

    @property
    def label(self) -> str:
        return f"{self.pattern.name} ({self.side})" if self.side else self.pattern.name

    @property
    def first_label(self) -> str:
        return Severity(self.first).label

    @property
    def latest_label(self) -> str:
        return Severity(self.latest).label


@dataclass(frozen=True, kw_only=True)
class MuscleProgress(Series):
    """A muscle on one side, so that over-active on the right and under-active on the
    left stay two readable rows. A point's value is 1 when the muscle was found."""

    muscle: MuscleRef
    side: str
    points: list[MusclePoint]

    @property
    def over_active(self) -> int:
        """In how many sessions (not findings: one muscle may be checked under two patterns)."""
        return sum(Role.OVER in point.roles for point in self.points)

    @property
    def under_active(self) -> int:
        return sum(Role.UNDER in point.roles for point in self.points)

    @property
    def first_label(self) -> str:
        return self.points[0].label

    @property
    def latest_label(self) -> str:
        return self.points[-1].label


@dataclass(frozen=True, kw_only=True)
class MeasureProgress(Series):
    """A measure on one side, over the sessions that took it."""

    measure: MeasureRef
    side: str

    @property
    def higher_is_better(self) -> bool:
        return self.measure.higher_is_better

    @property
    def since_previous(self) -> str:
        # A value is not a finding that comes and goes: a failed test is not "resolved".
        return ""

    @property
    def label(self) -> str:
        return f"{self.measure.name} ({self.side})" if self.side else self.measure.name

    @property
    def first_label(self) -> str:
        return self.measure.show(self.first)

    @property
    def latest_label(self) -> str:
        return self.measure.show(self.latest)


@dataclass(frozen=True)
class ClientProgress:
    """The latest sessions of the period (at most MAX_SESSIONS), oldest first, and what changed
    over them. `sessions_in_period` counts every session of the period, shown or not, and
    `earliest_in_period` is the date of its first."""

    client_id: int
    start: date | None
    end: date | None
    sessions: list[Session]
    patterns: list[PatternProgress]
    muscles: list[MuscleProgress]
    measures: list[MeasureProgress]
    pain: Series | None
    sessions_in_period: int
    earliest_in_period: date | None

    @property
    def left_out(self) -> int:
        """How many earlier sessions of the period this progress does not cover."""
        return self.sessions_in_period - len(self.sessions)

    @property
    def period_start(self) -> date | None:
        return self.start or self.earliest_in_period

    @property
    def period_end(self) -> date | None:
        return self.end or (self.sessions[-1].session_date if self.sessions else None)

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
    """The client's latest MAX_SESSIONS sessions in [start, end], oldest first, and what
    changed over them. Four queries at most; five when the period holds MAX_SESSIONS or more.

    Drafts count only when `include_drafts`: trainers may preview them, clients never do.
    The caller has already checked that the viewer may see this client.
    """
    assessments = Assessment.objects.filter(client=client).in_period(
        start=start, end=end, include_drafts=include_drafts
    )
    newest_first = assessments.order_by("-session_date", "-created_at", "-pk")
    latest = list(newest_first.values_list(*SESSION_COLUMNS)[:MAX_SESSIONS])
    if len(latest) < MAX_SESSIONS:
        # All of the period is shown. A query of its own for the few with more to count costs less
        # than window functions for everyone (0.43 against 0.62 ms, 23 sessions, bench studio).
        in_period, earliest = len(latest), latest[-1][1] if latest else None
    else:
        totals = assessments.aggregate(count=Count("pk"), first=Min("session_date"))
        in_period, earliest = totals["count"], totals["first"]
    sessions = _sessions(latest[::-1])
    pain = [
        Point(session.session_date, session.is_draft, session.pain_score)
        for session in sessions
        if session.pain_score is not None
    ]
    return ClientProgress(
        client_id=client.pk,
        start=start,
        end=end,
        sessions=sessions,
        patterns=_patterns(sessions),
        muscles=_muscles(sessions),
        measures=_measures(sessions),
        pain=Series(points=pain) if pain else None,
        sessions_in_period=in_period,
        earliest_in_period=earliest,
    )


def read_sessions(assessments: QuerySet[Assessment]) -> list[Session]:
    """`assessments` as sessions with their findings, oldest first. Four queries at most."""
    return _sessions(
        list(assessments.order_by("session_date", "created_at", "pk").values_list(*SESSION_COLUMNS))
    )


def _sessions(rows: list[tuple]) -> list[Session]:
    """Sessions from rows of SESSION_COLUMNS, in their order, with their findings and measures:
    three queries at most."""
    ids = [row[0] for row in rows]
    if not ids:
        return []
    # order_by() drops the models' default ordering, whose joins nothing here needs.
    # Each row comes with the catalogue entry it names: a session finds a few patterns and
    # muscles and takes a few measures, so repeating an entry costs less than a query for it.
    pattern_findings = list(
        PatternFinding.objects.filter(assessment_id__in=ids)
        .order_by()
        .values_list(
            "assessment_id", "side", "severity", "note", *(f"pattern__{name}" for name in PATTERN_COLUMNS)
        )
    )
    muscle_findings = list(
        MuscleFinding.objects.filter(assessment_id__in=ids)
        .order_by()
        .values_list("assessment_id", "role", "side", "note", *(f"muscle__{name}" for name in MUSCLE_COLUMNS))
    )
    measure_values = list(
        MeasureValue.objects.filter(assessment_id__in=ids)
        .order_by()
        .values_list("assessment_id", "side", "value", *(f"measure__{name}" for name in MEASURE_COLUMNS))
    )
    patterns: dict[int, PatternRef] = {}
    found_patterns: dict[int, list[PatternFindingRow]] = defaultdict(list)
    for assessment_id, side, severity, note, *ref in pattern_findings:
        pattern = patterns.setdefault(ref[0], PatternRef(*ref))
        found_patterns[assessment_id].append(PatternFindingRow(pattern, side, severity, note))
    muscles: dict[int, MuscleRef] = {}
    found_muscles: dict[int, list[MuscleFindingRow]] = defaultdict(list)
    for assessment_id, role, side, note, *ref in muscle_findings:
        muscle = muscles.setdefault(ref[0], MuscleRef(*ref))
        found_muscles[assessment_id].append(MuscleFindingRow(muscle, role, side, note))
    measures: dict[int, MeasureRef] = {}
    taken: dict[int, list[MeasureRow]] = defaultdict(list)
    for assessment_id, side, value, *ref in measure_values:
        measure = measures.setdefault(ref[0], MeasureRef(*ref))
        taken[assessment_id].append(MeasureRow(measure, side, value))
    return [
        Session(
            assessment_id=pk,
            session_date=day,
            is_draft=status == Assessment.Status.DRAFT,
            pain_score=pain_score,
            notes=notes,
            shares_photos=share_photos,
            pattern_findings=sorted(found_patterns[pk], key=lambda row: (row.pattern.sort_key, row.side)),
            muscle_findings=sorted(found_muscles[pk], key=lambda row: (row.muscle.sort_key, row.side)),
            measures=sorted(taken[pk], key=lambda row: (row.measure.sort_key, row.side)),
        )
        for pk, day, status, pain_score, notes, share_photos in rows
    ]


def _patterns(sessions: list[Session]) -> list[PatternProgress]:
    severity: dict[tuple[PatternRef, str], dict[int, int]] = defaultdict(dict)
    for session in sessions:
        for finding in session.pattern_findings:
            severity[(finding.pattern, finding.side)][session.assessment_id] = finding.severity
    series = [
        PatternProgress(
            pattern=pattern,
            side=side,
            points=[
                Point(
                    session.session_date,
                    session.is_draft,
                    by_session.get(session.assessment_id, Severity.NONE),
                )
                for session in sessions
            ],
        )
        for (pattern, side), by_session in severity.items()
    ]
    return sorted(series, key=lambda item: (item.pattern.sort_key, item.side))


def _muscles(sessions: list[Session]) -> list[MuscleProgress]:
    roles: dict[tuple[MuscleRef, str], dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for session in sessions:
        for finding in session.muscle_findings:
            roles[(finding.muscle, finding.side)][session.assessment_id].add(finding.role)
    series = [
        MuscleProgress(
            muscle=muscle,
            side=side,
            points=[
                _muscle_point(session, by_session.get(session.assessment_id, set())) for session in sessions
            ],
        )
        for (muscle, side), by_session in roles.items()
    ]
    # Both sides of a muscle next to each other ("both", "left", "right").
    return sorted(series, key=lambda item: (item.muscle.sort_key, item.side))


def _measures(sessions: list[Session]) -> list[MeasureProgress]:
    points: dict[tuple[MeasureRef, str], list[Point]] = defaultdict(list)
    for session in sessions:
        for row in session.measures:
            points[(row.measure, row.side)].append(Point(session.session_date, session.is_draft, row.value))
    series = [
        MeasureProgress(measure=measure, side=side, points=taken) for (measure, side), taken in points.items()
    ]
    return sorted(series, key=lambda item: (item.measure.sort_key, item.side))


def _muscle_point(session: Session, roles: set[str]) -> MusclePoint:
    return MusclePoint(session.session_date, session.is_draft, 1 if roles else 0, tuple(sorted(roles)))
