"""What a report says, built from the ORM in a fixed number of queries.

One builder per report kind returns plain dataclasses; the HTML page, the PDF
and the cache key are all made from the same value, so they never disagree.
"""

import dataclasses
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, MuscleFinding, PatternFinding, Severity
from assessments.progress import Change
from clients.models import Client
from imbalances.models import Muscle, Pattern, Role
from reports.charts import SeverityChart, severity_chart
from reports.models import ReportKind

# Bump when the layout changes in a way the template hash cannot see (e.g. pdf.py options).
TEMPLATE_VERSION = "2"


@dataclass(frozen=True)
class PatternRef:
    slug: str
    name: str
    region: str
    description: str
    url: str

    @property
    def anchor(self) -> str:
        return f"pattern-{self.slug}"


@dataclass(frozen=True)
class MuscleRef:
    slug: str
    name: str
    lay_name: str
    description: str
    aliases: str
    url: str

    @property
    def anchor(self) -> str:
        return f"muscle-{self.slug}"


@dataclass(frozen=True)
class PatternFindingRow:
    pattern: PatternRef
    side: str
    severity: int
    severity_label: str
    note: str


@dataclass(frozen=True)
class MuscleFindingRow:
    muscle: MuscleRef
    role: str
    side: str
    note: str


@dataclass(frozen=True)
class SessionEntry:
    assessment_id: int
    session_date: date
    is_draft: bool
    notes: str
    pain_score: int | None
    pattern_findings: list[PatternFindingRow]
    muscle_findings: list[MuscleFindingRow]


@dataclass(frozen=True)
class PatternProgress:
    pattern: PatternRef
    side: str
    first_severity: str
    latest_severity: str
    trend: Change
    sessions: int
    chart: SeverityChart


@dataclass(frozen=True)
class MuscleTally:
    muscle: MuscleRef
    over_active: int
    under_active: int


@dataclass(frozen=True)
class Appendix:
    patterns: list[PatternRef]
    muscles: list[MuscleRef]


@dataclass(frozen=True)
class ReportHeader:
    kind: str
    title: str
    subject: str
    client_name: str
    trainer_name: str
    generated_on: date
    includes_drafts: bool
    site_url: str


@dataclass(frozen=True)
class SummaryReport:
    header: ReportHeader
    client_id: int
    session: SessionEntry
    appendix: Appendix


@dataclass(frozen=True)
class ProgressReport:
    header: ReportHeader
    client_id: int
    period_start: date | None
    period_end: date | None
    sessions: list[SessionEntry]
    patterns: list[PatternProgress]
    muscles: list[MuscleTally]
    appendix: Appendix


Report = SummaryReport | ProgressReport


def _catalogue_url(name: str, slug: str) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"slug": slug})


class _Refs:
    """Turns catalogue rows into refs once each and remembers which the report mentions."""

    def __init__(self) -> None:
        self.patterns: dict[int, tuple[tuple[int, int, str], PatternRef]] = {}
        self.muscles: dict[int, MuscleRef] = {}

    def pattern(self, pattern: Pattern) -> PatternRef:
        if pattern.pk not in self.patterns:
            ref = PatternRef(
                slug=pattern.slug,
                name=pattern.name,
                region=pattern.region.name,
                description=pattern.description,
                url=_catalogue_url("imbalances:pattern", pattern.slug),
            )
            order = (pattern.region.display_order, pattern.display_order, pattern.name)
            self.patterns[pattern.pk] = (order, ref)
        return self.patterns[pattern.pk][1]

    def muscle(self, muscle: Muscle) -> MuscleRef:
        if muscle.pk not in self.muscles:
            self.muscles[muscle.pk] = MuscleRef(
                slug=muscle.slug,
                name=muscle.name,
                lay_name=muscle.lay_name,
                description=muscle.description,
                aliases=muscle.aliases,
                url=_catalogue_url("imbalances:muscle", muscle.slug),
            )
        return self.muscles[muscle.pk]

    def appendix(self) -> Appendix:
        return Appendix(
            patterns=[ref for _, ref in sorted(self.patterns.values(), key=lambda item: item[0])],
            muscles=sorted(self.muscles.values(), key=lambda ref: (ref.lay_name.lower(), ref.name)),
        )


def _with_findings(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return assessments.select_related("client__trainer").prefetch_related(
        Prefetch(
            "pattern_findings",
            queryset=PatternFinding.objects.select_related("pattern__region"),
        ),
        Prefetch("muscle_findings", queryset=MuscleFinding.objects.select_related("muscle")),
    )


def _session(assessment: Assessment, refs: _Refs) -> SessionEntry:
    return SessionEntry(
        assessment_id=assessment.pk,
        session_date=assessment.session_date,
        is_draft=not assessment.is_final,
        notes=assessment.notes,
        pain_score=assessment.pain_score,
        pattern_findings=[
            PatternFindingRow(
                pattern=refs.pattern(finding.pattern),
                side=finding.side,
                severity=finding.severity,
                severity_label=Severity(finding.severity).label,
                note=finding.note,
            )
            for finding in assessment.pattern_findings.all()
        ],
        muscle_findings=[
            MuscleFindingRow(
                muscle=refs.muscle(finding.muscle),
                role=finding.role,
                side=finding.side,
                note=finding.note,
            )
            for finding in sorted(
                assessment.muscle_findings.all(), key=lambda f: (f.muscle.lay_name.lower(), f.side)
            )
        ],
    )


def _header(*, kind: str, client, includes_drafts: bool, subject: str) -> ReportHeader:
    trainer = client.trainer
    trainer_name = trainer.get_full_name() or trainer.get_username()
    label = ReportKind(kind).label
    return ReportHeader(
        kind=kind,
        title=f"{label.capitalize()}: {client.full_name}",
        subject=subject,
        client_name=client.full_name,
        trainer_name=trainer_name,
        generated_on=timezone.localdate(),
        includes_drafts=includes_drafts,
        site_url=settings.SITE_URL,
    )


def build_summary(assessment_id: int) -> SummaryReport:
    """The session summary of one assessment. Three queries; raises Assessment.DoesNotExist.

    The caller has already checked that the viewer may see this assessment.
    """
    assessment = _with_findings(Assessment.objects.filter(pk=assessment_id)).get()
    refs = _Refs()
    session = _session(assessment, refs)
    client = assessment.client
    return SummaryReport(
        header=_header(
            kind=ReportKind.SUMMARY,
            client=client,
            includes_drafts=session.is_draft,
            subject=f"Posture and muscle-imbalance assessment of {assessment.session_date:%d %B %Y}",
        ),
        client_id=client.pk,
        session=session,
        appendix=refs.appendix(),
    )


def _pattern_progress(sessions: list[SessionEntry], refs: _Refs) -> list[PatternProgress]:
    """One series per pattern and side over every session; a session that did not
    record the pattern counts as none (patterns at "none" are not stored), as in
    the assessments' progress view."""
    found: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    pattern_of: dict[str, PatternRef] = {}
    for session in sessions:
        for finding in session.pattern_findings:
            found[(finding.pattern.slug, finding.side)][session.assessment_id] = finding.severity
            pattern_of[finding.pattern.slug] = finding.pattern
    order = {ref.slug: index for index, ref in enumerate(refs.appendix().patterns)}
    progress = []
    for (slug, side), by_session in sorted(found.items(), key=lambda item: (order[item[0][0]], item[0][1])):
        points = [(s.session_date, by_session.get(s.assessment_id, Severity.NONE)) for s in sessions]
        first, latest = points[0][1], points[-1][1]
        progress.append(
            PatternProgress(
                pattern=pattern_of[slug],
                side=side,
                first_severity=Severity(first).label,
                latest_severity=Severity(latest).label,
                trend=Change.between(first, latest),
                sessions=len(by_session),
                chart=severity_chart(points),
            )
        )
    return progress


def _muscle_tallies(sessions: list[SessionEntry]) -> list[MuscleTally]:
    """How many sessions found each muscle over- and under-active (both sides count once)."""
    seen: dict[str, MuscleRef] = {}
    found: dict[tuple[str, str], set[int]] = defaultdict(set)
    for session in sessions:
        for finding in session.muscle_findings:
            seen[finding.muscle.slug] = finding.muscle
            found[(finding.muscle.slug, finding.role)].add(session.assessment_id)
    return [
        MuscleTally(
            muscle=muscle,
            over_active=len(found[(slug, Role.OVER)]),
            under_active=len(found[(slug, Role.UNDER)]),
        )
        for slug, muscle in sorted(seen.items(), key=lambda item: item[1].lay_name.lower())
    ]


def progress_assessments(
    client_id: int, *, start: date | None, end: date | None, include_drafts: bool
) -> QuerySet[Assessment]:
    """The assessments a progress report covers: those the progress page shows."""
    return Assessment.objects.filter(client_id=client_id).in_period(
        start=start, end=end, include_drafts=include_drafts
    )


def build_progress(
    client_id: int, *, start: date | None = None, end: date | None = None, include_drafts: bool = False
) -> ProgressReport:
    """A client's progress over their finalised assessments (and drafts when asked), oldest first.

    Four queries however many sessions; the caller has already checked access to the client.
    """
    client = Client.objects.select_related("trainer").get(pk=client_id)
    assessments = progress_assessments(client_id, start=start, end=end, include_drafts=include_drafts)
    assessments = _with_findings(assessments.order_by("session_date", "created_at"))
    refs = _Refs()
    sessions = [_session(assessment, refs) for assessment in assessments]
    period_start = start or (sessions[0].session_date if sessions else None)
    period_end = end or (sessions[-1].session_date if sessions else None)
    return ProgressReport(
        header=_header(
            kind=ReportKind.PROGRESS,
            client=client,
            includes_drafts=any(session.is_draft for session in sessions),
            subject=_period_subject(period_start, period_end),
        ),
        client_id=client.pk,
        period_start=period_start,
        period_end=period_end,
        sessions=sessions,
        patterns=_pattern_progress(sessions, refs),
        muscles=_muscle_tallies(sessions),
        appendix=refs.appendix(),
    )


def _period_subject(start: date | None, end: date | None) -> str:
    if start and end:
        return f"Posture and muscle-imbalance progress from {start:%d %B %Y} to {end:%d %B %Y}"
    return "Posture and muscle-imbalance progress"


@cache
def templates_fingerprint() -> str:
    """Hash of the report templates and stylesheet, so a deploy that changes them renders anew."""
    digest = hashlib.sha256(TEMPLATE_VERSION.encode())
    paths = sorted((settings.BASE_DIR / "templates" / "reports").glob("*.html"))
    paths.append(Path(settings.BASE_DIR) / "static" / "css" / "report.css")
    for path in paths:
        if path.exists():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def report_key(report: Report) -> str:
    """sha256 of everything the report shows plus the templates that lay it out."""
    payload = json.dumps(dataclasses.asdict(report), sort_keys=True, default=str)
    digest = hashlib.sha256(templates_fingerprint().encode())
    digest.update(payload.encode())
    return digest.hexdigest()
