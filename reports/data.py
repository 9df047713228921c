"""What a report says, built from the ORM in a fixed number of queries.

One builder per report kind returns plain dataclasses; the HTML page, the PDF
and the cache key are all made from the same value, so they never disagree.
Progress comes from `assessments.progress`, the one read model of it; a report
adds only its header, its charts and an appendix that links to the catalogue.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from assessments.models import Assessment
from assessments.progress import (
    ClientProgress,
    MeasureProgress,
    MuscleRef,
    PatternProgress,
    PatternRef,
    Session,
    client_progress,
    read_sessions,
)
from clients.models import Client
from imbalances.links import slug_url_maker
from reports.charts import Chart, measure_chart, pain_chart, severity_chart
from reports.models import ReportKind


@dataclass(frozen=True)
class AppendixEntry:
    """A catalogue term the report mentions, with its public page for whoever holds the PDF."""

    ref: PatternRef | MuscleRef
    url: str


@dataclass(frozen=True)
class Appendix:
    patterns: list[AppendixEntry]
    muscles: list[AppendixEntry]


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
    session: Session
    appendix: Appendix


@dataclass(frozen=True)
class ProgressReport:
    header: ReportHeader
    progress: ClientProgress
    pattern_charts: list[tuple[PatternProgress, Chart]]
    measure_charts: list[tuple[MeasureProgress, Chart]]
    pain_chart: Chart | None
    appendix: Appendix

    @property
    def client_id(self) -> int:
        return self.progress.client_id


Report = SummaryReport | ProgressReport


def _appendix(patterns: list[PatternRef], muscles: list[MuscleRef]) -> Appendix:
    """Each term once, patterns in the catalogue's order and muscles by their lay name."""
    pattern_url = slug_url_maker("imbalances:pattern")
    muscle_url = slug_url_maker("imbalances:muscle")
    unique_patterns = sorted(set(patterns), key=lambda ref: ref.sort_key)
    unique_muscles = sorted(set(muscles), key=lambda ref: ref.sort_key)
    return Appendix(
        patterns=[AppendixEntry(ref, settings.SITE_URL + pattern_url(ref.slug)) for ref in unique_patterns],
        muscles=[AppendixEntry(ref, settings.SITE_URL + muscle_url(ref.slug)) for ref in unique_muscles],
    )


def _header(*, kind: str, client: Client, includes_drafts: bool, subject: str) -> ReportHeader:
    trainer = client.trainer
    label = ReportKind(kind).label
    return ReportHeader(
        kind=kind,
        title=f"{label.capitalize()}: {client.full_name}",
        subject=subject,
        client_name=client.full_name,
        trainer_name=trainer.get_full_name() or trainer.get_username(),
        generated_on=timezone.localdate(),
        includes_drafts=includes_drafts,
        site_url=settings.SITE_URL,
    )


def build_summary(assessment_id: int) -> SummaryReport:
    """The session summary of one assessment, draft or not. Seven queries at most;
    raises Client.DoesNotExist when the assessment is gone.

    The caller has already checked that the viewer may see this assessment.
    """
    client = Client.objects.select_related("trainer").get(assessments__pk=assessment_id)
    (session,) = read_sessions(Assessment.objects.filter(pk=assessment_id))
    return SummaryReport(
        header=_header(
            kind=ReportKind.SUMMARY,
            client=client,
            includes_drafts=session.is_draft,
            subject=f"Posture and muscle-imbalance assessment of {session.session_date:%d %B %Y}",
        ),
        client_id=client.pk,
        session=session,
        appendix=_appendix(
            [finding.pattern for finding in session.pattern_findings],
            [finding.muscle for finding in session.muscle_findings],
        ),
    )


def build_progress(
    client_id: int, *, start: date | None = None, end: date | None = None, include_drafts: bool = False
) -> ProgressReport:
    """A client's progress over their finalised assessments (and drafts when asked), oldest first:
    the latest `assessments.progress.MAX_SESSIONS` of the period, and how many earlier ones it leaves out.

    Seven queries at most however many sessions; the caller has already checked access to the client.
    """
    client = Client.objects.select_related("trainer").get(pk=client_id)
    progress = client_progress(client, start=start, end=end, include_drafts=include_drafts)
    return ProgressReport(
        header=_header(
            kind=ReportKind.PROGRESS,
            client=client,
            includes_drafts=progress.has_drafts,
            subject=_period_subject(progress.period_start, progress.period_end),
        ),
        progress=progress,
        pattern_charts=[(item, severity_chart(item)) for item in progress.patterns],
        measure_charts=[(item, measure_chart(item)) for item in progress.measures],
        pain_chart=pain_chart(progress.pain) if progress.pain else None,
        appendix=_appendix(
            [item.pattern for item in progress.patterns], [item.muscle for item in progress.muscles]
        ),
    )


def _period_subject(start: date | None, end: date | None) -> str:
    if start and end:
        return f"Posture and muscle-imbalance progress from {start:%d %B %Y} to {end:%d %B %Y}"
    return "Posture and muscle-imbalance progress"
