"""Rendered report PDFs: their content key, rendering them into storage, recording downloads.

A rendered PDF is found by one key, the hash of what the report shows and of the
templates that lay it out, so a report whose content changed can never be served
from an older file.
"""

import dataclasses
import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.tasks import task_backends
from django.tasks.backends.immediate import ImmediateBackend
from django.utils import timezone

from reports.data import Report, SummaryReport, build_progress, build_summary
from reports.models import RenderedReport, ReportDownload, ReportKind
from reports.pdf import render_pdf

logger = logging.getLogger(__name__)

# Bump when the layout changes in a way the template hash cannot see (e.g. pdf.py options).
TEMPLATE_VERSION = "2"
# A render that has not finished in this long is assumed lost and is queued again.
PENDING_TIMEOUT = timedelta(minutes=10)


@dataclass(frozen=True)
class ReportRequest:
    """What identifies a report, in JSON-friendly terms a task can carry."""

    kind: str
    object_id: int
    start: str | None = None
    end: str | None = None
    include_drafts: bool = False

    def build(self) -> Report:
        if self.kind == ReportKind.SUMMARY:
            return build_summary(self.object_id)
        return build_progress(
            self.object_id,
            start=date.fromisoformat(self.start) if self.start else None,
            end=date.fromisoformat(self.end) if self.end else None,
            include_drafts=self.include_drafts,
        )

    def task_kwargs(self) -> dict:
        return {
            "kind": self.kind,
            "object_id": self.object_id,
            "start": self.start,
            "end": self.end,
            "include_drafts": self.include_drafts,
        }


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
    """sha256 of the report's kind, subject and data, and of the templates that lay it out.

    The day it was generated is left out: a PDF rendered when the assessment was
    finalised stays the one to serve on later days, until what it shows changes.
    """
    content = dataclasses.asdict(report)
    del content["header"]["generated_on"]
    digest = hashlib.sha256(templates_fingerprint().encode())
    digest.update(json.dumps(content, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _owner_ids(report: Report) -> dict:
    assessment_id = report.session.assessment_id if isinstance(report, SummaryReport) else None
    return {"client_id": report.client_id, "assessment_id": assessment_id}


def cache_file_name(key: str) -> str:
    return f"reports/cache/{key}.pdf"


def rendered_report_store(*, report: Report, key: str) -> RenderedReport:
    """Render the report's PDF, write it through the storage API and mark it ready under `key`
    (its `report_key`, which the caller has already worked out to look for a stored file).

    Raises IntegrityError, leaving no file, when the client was erased meanwhile.
    """
    started = time.perf_counter()
    pdf = render_pdf(report)
    elapsed = time.perf_counter() - started
    name = cache_file_name(key)
    # Same key means same bytes, so replacing a file another render wrote is harmless.
    if default_storage.exists(name):
        default_storage.delete(name)
    saved_name = default_storage.save(name, ContentFile(pdf))
    try:
        with transaction.atomic():
            rendered, _ = RenderedReport.objects.update_or_create(
                key=key,
                defaults={
                    "kind": report.header.kind,
                    **_owner_ids(report),
                    "status": RenderedReport.Status.READY,
                    "file_name": saved_name,
                    "byte_size": len(pdf),
                    "render_seconds": elapsed,
                },
            )
    except IntegrityError:
        # The client was erased while this render ran: leave no file of theirs behind.
        default_storage.delete(saved_name)
        raise
    logger.info("Rendered %s report %s in %.2f s", report.header.kind, key[:12], elapsed)
    return rendered


def rendered_report_find(*, key: str) -> RenderedReport | None:
    """The rendered PDF for this key if it is ready and its file is still in storage. One query."""
    rendered = RenderedReport.objects.filter(key=key, status=RenderedReport.Status.READY).first()
    if rendered is None or not default_storage.exists(rendered.file_name):
        return None
    return rendered


def rendered_report_ensure(*, report: Report) -> RenderedReport:
    """The report's PDF, rendered only if no file holds this content yet.

    A finalise and a download may both queue the same render; the second finds the first's file.
    """
    key = report_key(report)
    return rendered_report_find(key=key) or rendered_report_store(report=report, key=key)


def rendered_report_request(*, request: ReportRequest, report: Report) -> RenderedReport | None:
    """The PDF of `report`, already `request.build()`: from storage, else rendered now or queued.

    With the immediate task backend the task would run here and build the report again,
    so the report in hand is rendered instead. With a real backend the render is queued
    (once, until PENDING_TIMEOUT) and None is returned until a worker has stored it.
    """
    # reports.tasks imports this module for the render it runs.
    from reports.tasks import render_report_pdf

    key = report_key(report)
    if rendered := rendered_report_find(key=key):
        return rendered
    if isinstance(task_backends[render_report_pdf.backend], ImmediateBackend):
        return rendered_report_store(report=report, key=key)
    with transaction.atomic():
        pending, created = RenderedReport.objects.select_for_update().get_or_create(
            key=key, defaults={"kind": report.header.kind, **_owner_ids(report)}
        )
        already_queued = (
            not created
            and pending.status == RenderedReport.Status.PENDING
            and pending.updated_at > timezone.now() - PENDING_TIMEOUT
        )
        if not already_queued and not created:
            pending.status = RenderedReport.Status.PENDING
            pending.save(update_fields=["status", "updated_at"])
    if not already_queued:
        render_report_pdf.enqueue(**request.task_kwargs())
    return None


def rendered_reports_delete(*, reports: QuerySet[RenderedReport]) -> None:
    """Deletes these rows and, once the transaction has committed, their files.

    Inside a caller's transaction the files go only if it commits, so a rollback keeps both.
    """
    with transaction.atomic():
        # Locked, so a render finishing meanwhile cannot point a row at a file not listed here.
        names = list(reports.select_for_update().exclude(file_name="").values_list("file_name", flat=True))
        reports.delete()
        transaction.on_commit(lambda: _storage_delete(names))


def _storage_delete(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            # The rows are gone already; a file left behind is logged for the admin to remove.
            logger.exception("Could not delete the rendered report file %s", name)


def report_download_record(*, user, report: Report, rendered: RenderedReport) -> ReportDownload:
    return ReportDownload.objects.create(
        user=user,
        kind=report.header.kind,
        **_owner_ids(report),
        cache_key=rendered.key,
        includes_drafts=report.header.includes_drafts,
    )
