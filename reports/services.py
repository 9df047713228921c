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
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.tasks import task_backends
from django.tasks.backends.immediate import ImmediateBackend
from django.utils import timezone

from clients.models import Client
from clients.services import storage_delete
from reports.data import Report, SummaryReport, build_progress, build_summary
from reports.models import RenderedReport, ReportDownload, ReportKind
from reports.pdf import render_pdf

logger = logging.getLogger(__name__)

# Bump when the layout changes in a way the template hash cannot see (e.g. pdf.py options).
TEMPLATE_VERSION = "2"
# A render queued or claimed this long ago and not finished is taken for lost with its worker, and
# the next request or task takes it over. A render takes seconds (pdf.py), so a live one is not
# taken for dead; one still queued behind others is queued once more, and the second task finds
# the file the first stored.
STALE_AFTER = timedelta(seconds=60)


@dataclass(frozen=True)
class ReportRequest:
    """What identifies a report, in JSON-friendly terms a task can carry."""

    kind: str
    object_id: int
    start: str | None = None
    end: str | None = None
    include_drafts: bool = False

    def build(self, *, clients: QuerySet[Client] | None = None) -> Report:
        """`clients`: for a progress report, those the viewer may see (build_progress)."""
        if self.kind == ReportKind.SUMMARY:
            return build_summary(self.object_id)
        return build_progress(
            self.object_id,
            start=date.fromisoformat(self.start) if self.start else None,
            end=date.fromisoformat(self.end) if self.end else None,
            include_drafts=self.include_drafts,
            clients=clients,
        )

    def task_kwargs(self) -> dict:
        return {
            "kind": self.kind,
            "object_id": self.object_id,
            "start": self.start,
            "end": self.end,
            "include_drafts": self.include_drafts,
        }


# The templates outside templates/reports that the reports include, shared with other pages.
SHARED_TEMPLATES = ("_body_map.html", "assessments/_landmark_overlay.html")


@cache
def templates_fingerprint() -> str:
    """Hash of the report templates and stylesheet, so a deploy that changes them renders anew."""
    digest = hashlib.sha256(TEMPLATE_VERSION.encode())
    templates = Path(settings.BASE_DIR) / "templates"
    paths = sorted((templates / "reports").glob("*.html"))
    paths += [templates / name for name in SHARED_TEMPLATES]
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


def _file_is_whole(rendered: RenderedReport) -> bool:
    """Whether storage holds the file as stored: its size and, where recorded, its sha256.

    Reads the file (a PDF is well under 1 MB: hashing it takes about a millisecond).
    """
    try:
        with default_storage.open(rendered.file_name, "rb") as stored:
            whole = stored.size == rendered.byte_size
            if whole and rendered.sha256:
                digest = hashlib.sha256()
                for chunk in stored.chunks():
                    digest.update(chunk)
                whole = digest.hexdigest() == rendered.sha256
    except OSError:
        whole = False
    if not whole:
        logger.warning("Rendered report file %s is missing or damaged; rendering anew", rendered.file_name)
    return whole


def rendered_report_find(*, key: str) -> RenderedReport | None:
    """The rendered PDF for this key if it is ready and its file in storage is whole.

    One query; reads the file.
    """
    rendered = RenderedReport.objects.filter(key=key, status=RenderedReport.Status.READY).first()
    if rendered is None or not _file_is_whole(rendered):
        return None
    return rendered


def _rendered_report_claim(
    *, report: Report, key: str, status: str, again: bool
) -> tuple[RenderedReport, bool]:
    """Marks the key's row (created if need be) `status`, PENDING to queue the render or RUNNING to
    render it here, and returns it with True; or leaves it and returns it with False when its PDF
    is ready and whole, when a render of it is live (claimed, or for PENDING queued, less than
    STALE_AFTER ago), or when it failed and not `again`.
    """
    Status = RenderedReport.Status
    with transaction.atomic():
        rendered, created = RenderedReport.objects.select_for_update().get_or_create(
            key=key, defaults={"kind": report.header.kind, **_owner_ids(report), "status": status}
        )
        if created:
            return rendered, True
        if rendered.status == Status.READY:
            # Stored whole meanwhile by another render, or its file is missing or damaged.
            take = not _file_is_whole(rendered)
        elif rendered.status == Status.FAILED:
            take = again
        elif rendered.status == Status.PENDING and status == Status.RUNNING:
            take = True  # the queued render, taken by a worker
        else:
            take = rendered.updated_at <= timezone.now() - STALE_AFTER
        if not take:
            return rendered, False
        if rendered.file_name:
            # Damaged or missing, so gone now whatever becomes of this transaction: a row that
            # is not ready names no file, and the new one may be written under the same name.
            storage_delete([rendered.file_name])
        rendered.status = status
        rendered.file_name, rendered.byte_size, rendered.sha256 = "", 0, ""
        rendered.save(update_fields=["status", "file_name", "byte_size", "sha256", "updated_at"])
    return rendered, True


def _rendered_report_fail(*, key: str) -> None:
    try:
        # A render that finished meanwhile (one taken for lost) keeps its file.
        RenderedReport.objects.filter(key=key).exclude(status=RenderedReport.Status.READY).update(
            status=RenderedReport.Status.FAILED, updated_at=timezone.now()
        )
    except DatabaseError:
        # Left running, the render is taken over once STALE_AFTER has passed.
        logger.exception("Could not mark the render of report %s as failed", key[:12])


def rendered_report_store(*, report: Report, key: str) -> RenderedReport:
    """Render the report's PDF, write it through the storage API and mark it ready under `key`
    (its `report_key`, which the caller has already worked out to look for a stored file).

    The file is written only once every byte is rendered, and the row names it, with its size and
    sha256, only once it is written: a row never names a partial file. On an error the render is
    marked failed, no file of it is left and the error is raised again: IntegrityError when the
    client was erased meanwhile.
    """
    Status = RenderedReport.Status
    name = cache_file_name(key)
    written = ""
    try:
        started = time.perf_counter()
        pdf = render_pdf(report)
        elapsed = time.perf_counter() - started
        with transaction.atomic():
            rendered = RenderedReport.objects.select_for_update().filter(key=key).first()
            if rendered is not None and rendered.status == Status.READY:
                return rendered  # a render taken for lost finished after all: same key, same bytes
            # No ready row names this file: one there was left by a render that died writing it.
            default_storage.delete(name)
            written = name
            written = default_storage.save(name, ContentFile(pdf))
            if rendered is None:
                rendered = RenderedReport(key=key, kind=report.header.kind, **_owner_ids(report))
            rendered.status = Status.READY
            rendered.file_name = written
            rendered.byte_size = len(pdf)
            rendered.sha256 = hashlib.sha256(pdf).hexdigest()
            rendered.render_seconds = elapsed
            rendered.save()
    except Exception:
        if written:
            # A partial file, or a whole one no row may name (the client was erased meanwhile).
            storage_delete([written])
        _rendered_report_fail(key=key)
        raise
    logger.info("Rendered %s report %s in %.2f s", report.header.kind, key[:12], elapsed)
    return rendered


def rendered_report_ensure(*, report: Report) -> RenderedReport:
    """The report's PDF, rendered unless a whole file holds this content already; what a task runs.

    A finalise and a download may both queue the same render; the second finds the first's file.
    A failed render or one whose worker was lost is rendered again; one that another worker is
    rendering is left to it, and its row (RUNNING) returned. Raises what the render raised.
    """
    key = report_key(report)
    if rendered := rendered_report_find(key=key):
        return rendered
    rendered, taken = _rendered_report_claim(
        report=report, key=key, status=RenderedReport.Status.RUNNING, again=True
    )
    return rendered_report_store(report=report, key=key) if taken else rendered


def rendered_report_request(*, request: ReportRequest, report: Report, retry: bool = False) -> RenderedReport:
    """The row of `report`'s PDF (`report` is `request.build()`): READY with a whole file in storage,
    PENDING or RUNNING while a worker renders it, or FAILED.

    Renders or queues it when no whole file holds it and no render of it is live: none yet, its
    file missing or damaged, its render lost (STALE_AFTER), or failed and `retry` asks again.
    With the immediate task backend the task would run here and build the report again, so the
    report in hand is rendered instead, and a failure is logged and answered as FAILED. With a
    real backend the render is queued for a worker.
    """
    # reports.tasks imports this module for the render it runs.
    from reports.tasks import render_report_pdf

    key = report_key(report)
    if rendered := rendered_report_find(key=key):
        return rendered
    immediate = isinstance(task_backends[render_report_pdf.backend], ImmediateBackend)
    Status = RenderedReport.Status
    rendered, taken = _rendered_report_claim(
        report=report, key=key, status=Status.RUNNING if immediate else Status.PENDING, again=retry
    )
    if not taken:
        return rendered
    if not immediate:
        render_report_pdf.enqueue(**request.task_kwargs())
        return rendered
    try:
        return rendered_report_store(report=report, key=key)
    except Exception:
        logger.exception("Rendering %s report %s failed", report.header.kind, key[:12])
        rendered.status = Status.FAILED
        return rendered


def rendered_reports_delete(*, reports: QuerySet[RenderedReport]) -> None:
    """Deletes these rows and, once the transaction has committed, their files.

    Inside a caller's transaction the files go only if it commits, so a rollback keeps both.
    """
    with transaction.atomic():
        # Locked, so a render finishing meanwhile cannot point a row at a file not listed here.
        names = list(reports.select_for_update().exclude(file_name="").values_list("file_name", flat=True))
        reports.delete()
        transaction.on_commit(lambda: storage_delete(names))


def report_download_record(*, user, report: Report, rendered: RenderedReport) -> ReportDownload:
    return ReportDownload.objects.create(
        user=user,
        kind=report.header.kind,
        **_owner_ids(report),
        cache_key=rendered.key,
        includes_drafts=report.header.includes_drafts,
    )
