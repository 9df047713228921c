"""Renders what a finalise, a change to a client's plan or a catalogue change alters, so that a client's
download comes from storage.

assessments, plans and the catalogue may not import reports (data flows catalogue -> assessments ->
plans -> reports), so assessment_finalise, the plan services and imbalances.services.catalogue_changed
send their own signals, explicitly and after the commit, and ReportsConfig.ready() connects the
receivers here to them.
"""

import logging

from assessments.models import Assessment
from plans.models import Plan
from reports.models import ReportKind
from reports.services import ReportRequest
from reports.tasks import queue_renders, render_reports_again

logger = logging.getLogger(__name__)


def render_finalised_reports(sender, *, assessment: Assessment, **kwargs) -> None:
    """Queue the session summary and the client's progress report as the portal serves them."""
    queue_renders(
        [
            ReportRequest(kind=ReportKind.SUMMARY, object_id=assessment.pk),
            # The client's own view: finalised sessions only, whole history, as portal_progress_pdf.
            ReportRequest(kind=ReportKind.PROGRESS, object_id=assessment.client_id),
        ]
    )


def render_plan_reports(sender, *, plan: Plan, **kwargs) -> None:
    """After a publish, a save of the current plan or its end: queue, as the portal serves them, the
    summary of the session the plan was built from (it shows the plan), the summaries of the
    sessions whose plans it replaced (they now say that their plan ended) and the client's progress
    report (its plan and adherence). One query."""
    replaced = Plan.objects.filter(replaced_by=plan).values_list("assessment_id", flat=True)
    assessment_ids = dict.fromkeys([plan.assessment_id, *replaced])
    queue_renders(
        [
            *(ReportRequest(kind=ReportKind.SUMMARY, object_id=pk) for pk in assessment_ids),
            ReportRequest(kind=ReportKind.PROGRESS, object_id=plan.client_id),
        ]
    )


def render_after_catalogue_change(sender, **kwargs) -> None:
    """One task that queues the rest, so that a catalogue save only queues (with a worker backend).

    A failure is logged and never reaches the save: a download renders what is missing.
    """
    try:
        result = render_reports_again.enqueue()
    except Exception:
        logger.exception("Could not queue the renders after a catalogue change")
        return
    for error in result.errors:
        logger.error("Rendering again after a catalogue change failed:\n%s", error.traceback)
