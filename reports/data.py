"""What a report says, built from the ORM in a fixed number of queries.

One builder per report kind returns plain dataclasses; the HTML page, the PDF
and the cache key are all made from the same value, so they never disagree.
Progress comes from `assessments.progress`, the one read model of it; a report
adds only its header, its charts, the plan the client was given (with, in the
progress report, how much of it they did) and an appendix that links to the catalogue.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from assessments.body_map import BodyMap, FoundMuscle, FoundRegion, session_body_map
from assessments.models import Assessment
from assessments.progress import (
    Change,
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
from imbalances.models import Phase, times_a_week
from plans.adherence import Adherence, plan_adherence
from plans.models import Plan, PlanItem, PlanSession
from reports.charts import Chart, measure_chart, pain_chart, severity_chart
from reports.models import ReportKind
from reports.photos import PhotoPair, ReportPhoto, photo_pairs, shared_photos
from studio.branding import trainer_name, trainer_signature
from studio.models import Studio

# The plans a client was given: a draft is the trainer's work in progress, never shown.
GIVEN = (Plan.Status.PUBLISHED, Plan.Status.ENDED)


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
class ReportPlanItem:
    """An exercise of the plan in plain words, with its public page for whoever holds the PDF."""

    name: str
    phase: str
    dosage: str
    tempo: str
    note: str
    url: str
    # Retired from the catalogue since: it stays in the plan and its page stays readable.
    retired: bool


@dataclass(frozen=True)
class ReportPlan:
    """A plan as the client was given it, never a draft; `ended_on` once it was ended or replaced."""

    start_date: date
    review_date: date
    ended_on: date | None
    # The sessions a week, in words: "twice a week".
    frequency: str
    notes: str
    items: list[ReportPlanItem]


@dataclass(frozen=True)
class PlanAdherence:
    """Home sessions from `start`: `done` as the client ticked them off, `planned` as the plans in
    force asked (plans.adherence), and `percent` with each week counted up to its target."""

    start: date
    done: int
    planned: int
    percent: int


@dataclass(frozen=True)
class ProgressAdherence:
    """How much of the home plan the client did, over the spans the progress report compares.

    The change tables compare the latest session with the first and with the previous one, so the
    figures beside them cover the same spans: `first_to_latest` from the first session's day to
    the day before the latest, `since_previous` from the previous session's day to the day before
    the latest (a home session on the day of a session counts towards the next one); with two
    sessions only, the previous one is the first, and `since_previous` is None. One line for
    the whole table rather than a column: every row of it spans the same days, so a column would
    repeat one figure on every row. `overall` is the whole period up to its end or today, with the
    sessions since the latest one: what the client did so far. While a plan runs it grows with the
    days (each few days another session is due), and the report's content key with it: the PDF
    says it as of the day it is rendered.
    """

    overall: PlanAdherence
    first_to_latest: PlanAdherence | None
    since_previous: PlanAdherence | None


@dataclass(frozen=True)
class ReportHeader:
    kind: str
    # What the report is called: its kind's name, or "assessment summary" for one session's progress.
    name: str
    title: str
    subject: str
    client_name: str
    # As studio.branding names the trainer: the name alone, and with credentials to sign the report.
    trainer_name: str
    trainer_signature: str
    generated_on: date
    includes_drafts: bool
    site_url: str
    studio_name: str
    studio_contact_lines: list[str]
    # The logo's name in storage, "" without one: part of the content key, so a new logo renders
    # the PDFs anew. The PDF embeds the picture itself (studio_logo_src) only as it is laid out.
    studio_logo: str
    # The studio's colour (#rrggbb) for the letterhead's rule.
    studio_accent: str
    # The logo as a data: URI, set only for the PDF (reports.pdf); the page header shows it already.
    studio_logo_src: str = ""


@dataclass(frozen=True)
class SummaryReport:
    header: ReportHeader
    client_id: int
    session: Session
    body_map: BodyMap
    # The plan built from this session that the client was given, as it stands.
    plan: ReportPlan | None
    # Only when the trainer shared the session's photos with the client.
    photos: list[ReportPhoto]
    appendix: Appendix


@dataclass(frozen=True)
class ProgressReport:
    header: ReportHeader
    progress: ClientProgress
    pattern_charts: list[tuple[PatternProgress, Chart]]
    measure_charts: list[tuple[MeasureProgress, Chart]]
    pain_chart: Chart | None
    # The overview's "then and now": the first session's map with two sessions or more, the latest's.
    body_map_first: BodyMap | None
    body_map_latest: BodyMap | None
    # The client's current plan, and how much of their plans they did in the period.
    plan: ReportPlan | None
    adherence: ProgressAdherence | None
    # The same view from the first and the latest session, when both were shared.
    photo_pairs: list[PhotoPair]
    appendix: Appendix

    @property
    def client_id(self) -> int:
        return self.progress.client_id

    @property
    def pattern_changes(self) -> dict[str, int]:
        """How many patterns are better, the same and worse since the first session."""
        changes = [item.change for item in self.progress.patterns]
        return {change.value: changes.count(change) for change in (Change.BETTER, Change.SAME, Change.WORSE)}


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


# All that a report reads of the client and their trainer: their names (studio.branding). Read
# alone, these columns take 0.5 ms against 0.8 ms for the three whole rows (bench studio).
REPORT_CLIENT_FIELDS = (
    "pk", "first_name", "last_name", "trainer__first_name", "trainer__last_name", "trainer__username",
    "trainer__trainer_profile__display_name", "trainer__trainer_profile__credentials",
)  # fmt: skip


def _report_client(clients: QuerySet[Client], **lookup) -> Client:
    """The client with their trainer and the trainer's profile: one query."""
    return clients.select_related("trainer__trainer_profile").only(*REPORT_CLIENT_FIELDS).get(**lookup)


def _header(
    *, kind: str, client: Client, includes_drafts: bool, subject: str, label: str | None = None
) -> ReportHeader:
    """`label` names the report where its kind's name would mislead (one session is no progress).
    One query: the studio; the client comes with its trainer and their profile."""
    studio = Studio.current()
    label = label or ReportKind(kind).label
    return ReportHeader(
        kind=kind,
        name=label,
        title=f"{label.capitalize()}: {client.full_name}",
        subject=subject,
        client_name=client.full_name,
        trainer_name=trainer_name(client.trainer),
        trainer_signature=trainer_signature(client.trainer),
        generated_on=timezone.localdate(),
        includes_drafts=includes_drafts,
        site_url=settings.SITE_URL,
        studio_name=studio.name,
        studio_contact_lines=studio.contact_lines,
        studio_logo=studio.logo.name or "",
        studio_accent=studio.accent_colour,
    )


def build_summary(assessment_id: int) -> SummaryReport:
    """The session summary of one assessment, draft or not. Nine queries at most (five for the
    session, two for its plan, one for the studio, one for its photos when shared); raises
    Client.DoesNotExist when the assessment is gone.

    The caller has already checked that the viewer may see this assessment.
    """
    client = _report_client(Client.objects, assessments__pk=assessment_id)
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
        body_map=_body_map(session),
        plan=_report_plan(
            Plan.objects.filter(assessment_id=assessment_id, status__in=GIVEN)
            .order_by("-published_at", "-pk")
            .first()
        ),
        photos=shared_photos(session),
        appendix=_appendix(
            [finding.pattern for finding in session.pattern_findings],
            [finding.muscle for finding in session.muscle_findings],
        ),
    )


def build_progress(
    client_id: int,
    *,
    start: date | None = None,
    end: date | None = None,
    include_drafts: bool = False,
    clients: QuerySet[Client] | None = None,
) -> ProgressReport:
    """A client's progress over their finalised assessments (and drafts when asked), oldest first:
    the latest `assessments.progress.MAX_SESSIONS` of the period, and how many earlier ones it leaves out.

    Eleven queries at most however many sessions, plans, exercises, home sessions and photos: five
    for the sessions (six when the period holds MAX_SESSIONS or more), three for the plans, one
    for the studio, one for the photos of the first and latest session when both were shared.

    The client is read from `clients` (by default, all): a page passes those its viewer may see,
    so that this read checks access too, and gets Client.DoesNotExist for any other.
    """
    client = _report_client(Client.objects if clients is None else clients, pk=client_id)
    progress = client_progress(client, start=start, end=end, include_drafts=include_drafts)
    plans = _plans_in_period(client.pk, progress)
    return ProgressReport(
        header=_header(
            kind=ReportKind.PROGRESS,
            client=client,
            includes_drafts=progress.has_drafts,
            subject=_progress_subject(progress),
            # One session shows where the client is, not how they progressed.
            label="assessment summary" if len(progress.sessions) == 1 else None,
        ),
        progress=progress,
        pattern_charts=[(item, severity_chart(item)) for item in progress.patterns],
        measure_charts=[(item, measure_chart(item)) for item in progress.measures],
        pain_chart=pain_chart(progress.pain) if progress.pain else None,
        body_map_first=_body_map(progress.sessions[0]) if len(progress.sessions) > 1 else None,
        body_map_latest=_body_map(progress.sessions[-1]) if progress.sessions else None,
        plan=_report_plan(next((plan for plan in plans if plan.is_current), None)),
        adherence=_progress_adherence(plans, progress),
        photo_pairs=photo_pairs(progress.sessions),
        appendix=_appendix(
            [item.pattern for item in progress.patterns], [item.muscle for item in progress.muscles]
        ),
    )


def _body_map(session: Session) -> BodyMap:
    return session_body_map(
        [
            FoundMuscle(row.muscle.slug, row.muscle.lay_name, row.role, row.side)
            for row in session.muscle_findings
        ],
        [
            FoundRegion(row.pattern.region_slug, row.pattern.region, row.side)
            for row in session.pattern_findings
        ],
    )


def _progress_subject(progress: ClientProgress) -> str:
    start, end = progress.period_start, progress.period_end
    if len(progress.sessions) == 1:
        return f"Posture and muscle-imbalance assessment of {progress.sessions[0].session_date:%d %B %Y}"
    if start and end:
        return f"Posture and muscle-imbalance progress from {start:%d %B %Y} to {end:%d %B %Y}"
    return "Posture and muscle-imbalance progress"


def _report_plan(plan: Plan | None) -> ReportPlan | None:
    """The plan with its exercises in their order: one query."""
    if plan is None:
        return None
    exercise_url = slug_url_maker("imbalances:exercise")
    items = PlanItem.objects.filter(plan=plan).select_related("exercise")
    return ReportPlan(
        start_date=plan.start_date,
        review_date=plan.review_date,
        ended_on=timezone.localdate(plan.ended_at) if plan.ended_at else None,
        frequency=times_a_week(plan.sessions_per_week),
        notes=plan.notes,
        items=[
            ReportPlanItem(
                name=item.exercise.name,
                phase=Phase(item.exercise.phase).label,
                dosage=item.dosage,
                tempo=item.tempo_in_words,
                note=item.note,
                url=settings.SITE_URL + exercise_url(item.exercise.slug),
                retired=not item.exercise.is_active,
            )
            for item in items
        ],
    )


def _adherence_end(progress: ClientProgress) -> date:
    today = timezone.localdate()
    return min(progress.end, today) if progress.end else today


def _plans_in_period(client_id: int, progress: ClientProgress) -> list[Plan]:
    """The client's current plan and the plans they were given that ran in the report's period,
    oldest first. Without a chosen start, every plan: the home plan may have begun before the first
    assessment of the report.

    One query for every plan the client was given (a handful), filtered here, and each replaced
    plan given the one that replaced it from the same list (adherence reads its start): 0.5 ms
    against 0.8 ms for the period's plans filtered and joined in SQL (bench studio).
    """
    start, end = progress.start, _adherence_end(progress)
    given = list(Plan.objects.filter(client_id=client_id, status__in=GIVEN).order_by("start_date", "pk"))
    by_pk = {plan.pk: plan for plan in given}
    for plan in given:
        if (successor := by_pk.get(plan.replaced_by_id)) is not None:
            plan.replaced_by = successor
    return [plan for plan in given if plan.is_current or _ran_from(plan, start=start, end=end)]


def _ran_from(plan: Plan, *, start: date | None, end: date) -> bool:
    if plan.start_date > end:
        return False
    return start is None or plan.ended_at is None or timezone.localdate(plan.ended_at) >= start


def _progress_adherence(plans: list[Plan], progress: ClientProgress) -> ProgressAdherence | None:
    """None when no plan asked for a home session in the period. One query (none without plans):
    the days ticked off."""
    if not plans:
        return None
    start, end = progress.start, _adherence_end(progress)
    sessions = PlanSession.objects.filter(plan__in=plans, done_on__lte=end).order_by()
    if start:
        sessions = sessions.filter(done_on__gte=start)
    done_on: dict[int, list[date]] = defaultdict(list)
    for plan_id, day in sessions.values_list("plan_id", "done_on"):
        done_on[plan_id].append(day)
    overall = _span_adherence(plans, done_on, start=start, end=end)
    if overall is None:
        return None
    checks = [session.session_date for session in progress.sessions]
    first_to_latest = since_previous = None
    if len(checks) > 1:
        before_latest = checks[-1] - timedelta(days=1)
        first_to_latest = _span_adherence(plans, done_on, start=checks[0], end=before_latest)
        if len(checks) > 2:
            since_previous = _span_adherence(plans, done_on, start=checks[-2], end=before_latest)
    return ProgressAdherence(overall=overall, first_to_latest=first_to_latest, since_previous=since_previous)


def _span_adherence(
    plans: list[Plan], done_on: dict[int, list[date]], *, start: date | None, end: date
) -> PlanAdherence | None:
    """The plans' adherence counted from `start` (or each plan's start) to `end`, week by week as
    plans.adherence counts it; None when nothing was planned in that span."""
    weeks, first = [], None
    for plan in plans:
        until = min(end, timezone.localdate(plan.ended_at)) if plan.ended_at else end
        adherence = plan_adherence(plan, done_on=done_on[plan.pk], until=until, since=start)
        if adherence.weeks:
            weeks.extend(adherence.weeks)
            first = min(first or adherence.counted_from, adherence.counted_from)
    total = Adherence(weeks=weeks)
    if first is None or not total.planned:
        return None
    return PlanAdherence(start=first, done=total.done, planned=total.planned, percent=total.percent)
