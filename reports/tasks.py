from django.tasks import task

from reports.services import ReportRequest, rendered_report_ensure


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
