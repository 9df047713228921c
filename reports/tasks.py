import logging

from django.tasks import task

from assessments.models import Assessment
from reports.models import RenderedReport, ReportKind
from reports.services import ReportRequest, rendered_report_ensure

logger = logging.getLogger(__name__)


@task()
def render_report_pdf(
    *, kind: str, object_id: int, start: str | None, end: str | None, include_drafts: bool
) -> str:
    """Build the report from the database as it is now, render it unless it is stored whole already
    or another worker is rendering it, and return its key. Raises, after marking it failed, what the
    render raised.

    Building here, not in whoever queued it, means a worker renders committed data, however late it runs.
    """
    report = ReportRequest(
        kind=kind, object_id=object_id, start=start, end=end, include_drafts=include_drafts
    ).build()
    return rendered_report_ensure(report=report).key


@task()
def render_reports_again() -> int:
    """After a catalogue change: queue again, as the portal serves them, the summaries of final
    assessments and the progress reports rendered before; return how many were queued.

    A report whose text the change altered has a new key and is rendered; the others are found
    whole in storage. Reports nobody asked for yet are left to be rendered when asked for.
    """
    ready = RenderedReport.objects.filter(status=RenderedReport.Status.READY)
    summaries = ready.filter(kind=ReportKind.SUMMARY, assessment__status=Assessment.Status.FINAL)
    progress = ready.filter(kind=ReportKind.PROGRESS)
    requests = [
        *(
            ReportRequest(kind=ReportKind.SUMMARY, object_id=pk)
            for pk in summaries.values_list("assessment_id", flat=True).distinct().order_by("assessment_id")
        ),
        *(
            ReportRequest(kind=ReportKind.PROGRESS, object_id=pk)
            for pk in progress.values_list("client_id", flat=True).distinct().order_by("client_id")
        ),
    ]
    queue_renders(requests)
    return len(requests)


def queue_renders(requests: list[ReportRequest]) -> None:
    """Queue a render of each; a failure is logged and never raised (a download renders what is missing)."""
    for report_request in requests:
        try:
            result = render_report_pdf.enqueue(**report_request.task_kwargs())
        except Exception:
            logger.exception("Could not queue the render of %s", report_request)
            continue
        # Only a backend that ran the task already (the immediate one) can have errors here.
        for error in result.errors:
            logger.error("Rendering %s failed:\n%s", report_request, error.traceback)
