"""Rendering reports into the PDF cache and recording downloads."""

import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from reports.data import Report, SummaryReport, build_progress, build_summary, report_key
from reports.fingerprint import report_fingerprint
from reports.models import RenderedReport, ReportDownload, ReportKind
from reports.pdf import pdf_filename, render_pdf

logger = logging.getLogger(__name__)

# How long a fingerprint remembers its PDF; the PDF's own row and file are checked on every hit.
FINGERPRINT_TIMEOUT = int(timedelta(days=1).total_seconds())
# A render that has not finished in this long is assumed lost and is queued again.
PENDING_TIMEOUT = timedelta(minutes=10)


class ReportRenderFailed(RuntimeError):
    pass


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


def _owner_ids(report: Report) -> dict:
    assessment_id = report.session.assessment_id if isinstance(report, SummaryReport) else None
    return {"client_id": report.client_id, "assessment_id": assessment_id}


def cache_file_name(key: str) -> str:
    return f"reports/cache/{key}.pdf"


def rendered_report_store(*, report: Report) -> RenderedReport:
    """Render the report's PDF, write it through the storage API and mark it ready."""
    key = report_key(report)
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
    """The cached PDF for this key if it is ready and its file is still in storage."""
    rendered = RenderedReport.objects.filter(key=key, status=RenderedReport.Status.READY).first()
    if rendered is None or not default_storage.exists(rendered.file_name):
        return None
    return rendered


def rendered_report_request(*, request: ReportRequest, report: Report) -> RenderedReport | None:
    """The PDF of `report` from the cache, or rendered through the task backend.

    Returns None while a render is queued elsewhere (a real task backend); with the
    immediate backend the render happens here and its result is returned.
    Raises ReportRenderFailed when the task failed.
    """
    from reports.tasks import render_report_pdf

    key = report_key(report)
    if rendered := rendered_report_find(key=key):
        return rendered
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
    if already_queued:
        return None
    result = render_report_pdf.enqueue(**request.task_kwargs())
    if not result.is_finished:
        return None
    if result.errors:
        RenderedReport.objects.filter(key=key, status=RenderedReport.Status.PENDING).delete()
        raise ReportRenderFailed(result.errors[-1].traceback)
    # The task rebuilt the data; if it changed meanwhile, its key is the newer truth.
    return rendered_report_find(key=result.return_value)


@dataclass(frozen=True)
class CachedDownload:
    """What serving and recording a rendered PDF needs, without the report itself."""

    key: str
    file_name: str
    download_name: str
    kind: str
    client_id: int
    assessment_id: int | None
    includes_drafts: bool


def _fingerprint_cache_key(fingerprint: str) -> str:
    return f"reports:fingerprint:{fingerprint}"


def cached_download_find(*, fingerprint: str) -> CachedDownload | None:
    """The PDF last served for this fingerprint, if it is still ready and in storage. May query once."""
    download = cache.get(_fingerprint_cache_key(fingerprint))
    if download is None or rendered_report_find(key=download.key) is None:
        return None
    return download


def cached_download_remember(
    *, request: ReportRequest, fingerprint: str, report: Report, rendered: RenderedReport
) -> CachedDownload:
    """Describe the rendered PDF and remember it under the fingerprint taken before the build.

    Remembered only when the PDF is this report's and the data did not change during the
    build (same fingerprint after it), so a fingerprint never points at another content.
    """
    download = CachedDownload(
        key=rendered.key,
        file_name=rendered.file_name,
        download_name=pdf_filename(report),
        kind=report.header.kind,
        **_owner_ids(report),
        includes_drafts=report.header.includes_drafts,
    )
    if rendered.key == report_key(report) and report_fingerprint(**request.task_kwargs()) == fingerprint:
        cache.set(_fingerprint_cache_key(fingerprint), download, FINGERPRINT_TIMEOUT)
    return download


def cached_download_record(*, user, download: CachedDownload) -> ReportDownload:
    return ReportDownload.objects.create(
        user=user,
        kind=download.kind,
        client_id=download.client_id,
        assessment_id=download.assessment_id,
        cache_key=download.key,
        includes_drafts=download.includes_drafts,
    )
