"""Renders that recover and files that are whole: a render whose worker died is taken over, one
that failed says so and leaves no file, a page stops polling after a bound, and a stored file that
is missing, cut short or damaged is rendered again, never served."""

import errno
import hashlib
import os
import time
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import RenderedReport, ReportKind
from reports.services import ReportRequest, report_key
from reports.tasks import render_report_pdf
from reports.views import POLL_FOR, WAITING_SINCE_HEADER
from tests.conftest import login_as
from tests.reports.conftest import read_pdf

pytestmark = pytest.mark.django_db

POLL = {"HX-Request": "true"}


@pytest.fixture
def progress_url(client, trainer, client_record, studio) -> str:
    login_as(client, trainer)
    return reverse("reports:progress_pdf", args=[client_record.pk])


@pytest.fixture
def queued_backend(settings):
    """A backend that only queues: what a worker does, the test does by calling the task."""
    # Django's setting_changed handler swaps the task backend for this test.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def failing_render(monkeypatch):
    calls = []

    def render_pdf(report):
        calls.append(report)
        raise RuntimeError("WeasyPrint broke")

    monkeypatch.setattr(services, "render_pdf", render_pdf)
    return calls


def _pdf(response) -> bytes:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def _progress_key(client_record) -> str:
    return report_key(ReportRequest(kind=ReportKind.PROGRESS, object_id=client_record.pk).build())


def _row_left(client_record, *, status: str, ago: timedelta) -> RenderedReport:
    """The row of the client's progress report as a worker left it `ago`: queued or claimed."""
    rendered = RenderedReport.objects.create(
        key=_progress_key(client_record), kind=ReportKind.PROGRESS, client=client_record, status=status
    )
    RenderedReport.objects.filter(pk=rendered.pk).update(updated_at=timezone.now() - ago)
    return rendered


def _stored_files() -> list[str]:
    if not default_storage.exists("reports/cache"):
        return []
    return default_storage.listdir("reports/cache")[1]


# Renders that recover


def test_a_render_left_running_by_a_dead_worker_two_minutes_ago_is_taken_over(
    client, progress_url, client_record
):
    _row_left(client_record, status="running", ago=timedelta(minutes=2))

    pdf = _pdf(client.get(progress_url))

    assert "Much better." in read_pdf(pdf).text
    rendered = RenderedReport.objects.get()
    assert rendered.status == "ready"
    assert rendered.sha256 == hashlib.sha256(pdf).hexdigest()


def test_a_render_claimed_moments_ago_is_left_to_its_worker(
    client, progress_url, client_record, forbid_rendering
):
    _row_left(client_record, status="running", ago=timedelta(seconds=10))
    forbid_rendering()

    waiting = client.get(progress_url)

    assert waiting["Content-Type"].startswith("text/html")
    assert "being prepared" in waiting.text and 'hx-trigger="every 2s"' in waiting.text
    assert RenderedReport.objects.get().status == "running"


@pytest.mark.parametrize("status", ["running", "pending"])
def test_a_render_lost_two_minutes_ago_is_queued_again_for_a_worker(
    client, progress_url, client_record, queued_backend, status
):
    """Claimed by a worker that died, or queued in a task that was lost."""
    _row_left(client_record, status=status, ago=timedelta(minutes=2))

    client.get(progress_url, headers=POLL)

    rendered = RenderedReport.objects.get()
    assert rendered.status == "pending"
    assert rendered.updated_at > timezone.now() - timedelta(seconds=10)
    # A worker takes the queued task and renders it.
    render_report_pdf.call(
        kind="progress", object_id=client_record.pk, start=None, end=None, include_drafts=False
    )
    assert "download the PDF" in client.get(progress_url, headers=POLL).text


def test_a_failed_render_leaves_no_file_and_offers_to_try_again(
    client, progress_url, failing_render, monkeypatch
):
    page = client.get(progress_url)

    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "could not be prepared" in page.text
    assert f'href="{progress_url}">Try again</a>' in page.text
    assert "hx-trigger" not in page.text
    assert RenderedReport.objects.get().status == "failed"
    assert _stored_files() == []

    # The page's poll reports the failure without rendering again; a person's "Try again" does.
    assert "could not be prepared" in client.get(progress_url, headers=POLL).text
    assert len(failing_render) == 1
    monkeypatch.undo()
    assert "Much better." in read_pdf(_pdf(client.get(progress_url))).text


def test_a_render_that_dies_writing_its_file_leaves_no_file(client, progress_url, monkeypatch):
    """A disk that fills up halfway through the file."""

    def save_half(storage, name, content):
        path = storage.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as partial:
            partial.write(content.read()[:500])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", save_half)

    page = client.get(progress_url)

    assert "could not be prepared" in page.text
    assert _stored_files() == []
    rendered = RenderedReport.objects.get()
    assert (rendered.status, rendered.file_name, rendered.byte_size) == ("failed", "", 0)


def test_a_failure_in_a_worker_shows_as_failed_not_as_being_prepared(
    client, progress_url, client_record, queued_backend, failing_render
):
    assert "being prepared" in client.get(progress_url).text

    with pytest.raises(RuntimeError):
        render_report_pdf.call(
            kind="progress", object_id=client_record.pk, start=None, end=None, include_drafts=False
        )

    poll = client.get(progress_url, headers=POLL)
    assert "could not be prepared" in poll.text and "hx-trigger" not in poll.text
    assert RenderedReport.objects.get().status == "failed"
    assert _stored_files() == []
    # "Try again" queues it once more.
    assert "being prepared" in client.get(progress_url).text
    assert RenderedReport.objects.get().status == "pending"


def test_the_page_stops_polling_after_a_bound_and_says_the_report_is_late(
    client, progress_url, queued_backend
):
    page = client.get(progress_url)
    assert f"{WAITING_SINCE_HEADER}" in page.text

    recent = {**POLL, WAITING_SINCE_HEADER: str(int(time.time()) - 30)}
    assert 'hx-trigger="every 2s"' in client.get(progress_url, headers=recent).text

    late = {**POLL, WAITING_SINCE_HEADER: str(int(time.time() - POLL_FOR.total_seconds()) - 60)}
    given_up = client.get(progress_url, headers=late).text
    assert "still not ready" in given_up
    assert "hx-trigger" not in given_up
    assert f'href="{progress_url}">Reload this page</a>' in given_up


# Files that are whole


def _damage(rendered: RenderedReport, damage) -> bytes:
    """What is left in storage."""
    path = default_storage.path(rendered.file_name)
    with open(path, "r+b") as stored:
        damage(stored)
        stored.seek(0)
        return stored.read()


def _cut_short(stored) -> None:
    stored.truncate(os.fstat(stored.fileno()).st_size // 2)


def _overwrite_in_place(stored) -> None:
    """Same size, other bytes: only the checksum can tell."""
    stored.seek(os.fstat(stored.fileno()).st_size // 2)
    stored.write(b"\0" * 64)


@pytest.mark.parametrize("damage", [_cut_short, _overwrite_in_place], ids=["truncated", "overwritten"])
def test_a_damaged_file_is_rendered_again_and_served_whole(client, progress_url, damage):
    first = _pdf(client.get(progress_url))
    damaged = _damage(RenderedReport.objects.get(), damage)

    again = _pdf(client.get(progress_url))

    assert again != damaged
    assert "Much better." in read_pdf(again).text
    assert len(again) == len(first)
    rendered = RenderedReport.objects.get()
    assert (rendered.byte_size, rendered.sha256) == (len(again), hashlib.sha256(again).hexdigest())
    # The damaged file went with its render: one whole file is left.
    assert _stored_files() == [os.path.basename(rendered.file_name)]


def test_a_damaged_file_is_not_found_by_what_reads_stored_reports(client, progress_url, client_record):
    """The client export and the render task look up stored PDFs as the download does."""
    _pdf(client.get(progress_url))
    _damage(RenderedReport.objects.get(), _cut_short)

    assert services.rendered_report_find(key=_progress_key(client_record)) is None
