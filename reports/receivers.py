"""Renders what a finalise changes, so that a client's first download comes from storage.

assessments may not import reports (data flows catalogue -> assessments -> reports),
so assessment_finalise sends its own assessment_finalised signal, explicitly and after
the commit, and ReportsConfig.ready() connects the receiver here to it.
"""

import logging

from assessments.models import Assessment
from reports.models import ReportKind
from reports.services import ReportRequest
from reports.tasks import render_report_pdf

logger = logging.getLogger(__name__)


def render_finalised_reports(sender, *, assessment: Assessment, **kwargs) -> None:
    """Queue the session summary and the client's progress report as the portal serves them.

    A failure is logged and never reaches the finalise: a download renders what is missing.
    """
    requests = [
        ReportRequest(kind=ReportKind.SUMMARY, object_id=assessment.pk),
        # The client's own view: finalised sessions only, whole history, as portal_progress_pdf.
        ReportRequest(kind=ReportKind.PROGRESS, object_id=assessment.client_id),
    ]
    for report_request in requests:
        try:
            result = render_report_pdf.enqueue(**report_request.task_kwargs())
        except Exception:
            logger.exception("Could not queue the render of %s", report_request)
            continue
        # Only a backend that ran the task already (the immediate one) can have errors here.
        for error in result.errors:
            logger.error("Rendering %s failed:\n%s", report_request, error.traceback)
