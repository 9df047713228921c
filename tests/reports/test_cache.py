"""An unchanged report is served from storage; any edit to what it shows renders anew."""

import re
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import RenderedReport, ReportKind
from reports.services import ReportRequest, cache_file_name, rendered_report_store, report_key
from reports.tasks import render_report_pdf
from security.services import client_erase
from tests import factories
from tests.conftest import login_as


def _pdf(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


@pytest.fixture
def progress_url(client, trainer, client_record, studio) -> str:
    login_as(client, trainer)
    return reverse("reports:progress_pdf", args=[client_record.pk])


def test_unchanged_report_is_served_from_storage(client, progress_url, forbid_rendering):
    first = _pdf(client, progress_url)
    rendered = RenderedReport.objects.get()
    assert default_storage.exists(cache_file_name(rendered.key))

    forbid_rendering()
    assert _pdf(client, progress_url) == first
    assert RenderedReport.objects.count() == 1


def test_a_cold_download_builds_the_report_once(client, progress_url, monkeypatch):
    """With the immediate backend the request renders the report it built, not a second build."""
    built, rendered = [], []
    build, render_pdf = ReportRequest.build, services.render_pdf
    monkeypatch.setattr(ReportRequest, "build", lambda self: built.append(build(self)) or built[-1])
    monkeypatch.setattr(services, "render_pdf", lambda report: rendered.append(report) or render_pdf(report))

    assert _pdf(client, progress_url)[:4] == b"%PDF"

    assert len(built) == 1
    assert len(rendered) == 1 and rendered[0] is built[0]


@pytest.mark.parametrize("extra_sessions", [0, 20])
def test_a_ready_pdf_is_served_in_a_fixed_number_of_queries(
    client,
    progress_url,
    client_record,
    studio,
    extra_sessions,
    forbid_rendering,
    django_assert_max_num_queries,
):
    for day in range(extra_sessions):
        session = factories.AssessmentFactory(
            client=client_record, session_date=date(2025, 1, 1) + timedelta(days=day), final=True
        )
        factories.PatternFindingFactory(assessment=session, pattern=studio.tilt, severity=2)
        factories.MuscleFindingFactory(assessment=session, muscle=studio.glutes, role="under-active")
    first = _pdf(client, progress_url)

    forbid_rendering()
    # Session, user, role, the trainer's client; the report's five (client, sessions, patterns found,
    # muscles found, measures taken) and one for the plans (none here: their
    # exercises and home sessions are not read); the studio for the letterhead; no photos (none
    # shared); the rendered row by key; the download and audit rows.
    with django_assert_max_num_queries(14):
        assert _pdf(client, progress_url) == first


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(
            lambda s: setattr(s.latest, "notes", "Edited note.") or s.latest.save(), id="assessment notes"
        ),
        pytest.param(
            lambda s: s.latest.pattern_findings.filter(pattern=s.tilt).update(severity=3),
            id="finding severity",
        ),
        pytest.param(lambda s: s.first.client.__class__.objects.update(last_name="Dough"), id="client name"),
        pytest.param(
            lambda s: s.tilt.__class__.objects.filter(pk=s.tilt.pk).update(description="Edited text."),
            id="catalogue text",
        ),
        pytest.param(
            lambda s: s.hip_flexor.__class__.objects.filter(pk=s.hip_flexor.pk).update(lay_name="hip bender"),
            id="muscle lay name",
        ),
    ],
)
def test_any_edit_renders_a_new_pdf(client, progress_url, studio, edit):
    before = _pdf(client, progress_url)

    edit(studio)
    after = _pdf(client, progress_url)

    assert after != before
    assert RenderedReport.objects.filter(status="ready").count() == 2


def test_every_template_a_report_includes_counts_in_its_key(settings):
    """A template shared with other pages, included from templates/reports, must be hashed too,
    or a change to it would leave the stored PDFs as they were."""
    reports = settings.BASE_DIR / "templates" / "reports"
    included = {
        name.split("#")[0]
        for path in reports.glob("*.html")
        for name in re.findall(r'{%\s*include\s+"([^"]+)"', path.read_text())
    }
    outside = {name for name in included if not name.startswith("reports/")}
    assert outside == set(services.SHARED_TEMPLATES)


@pytest.fixture
def new_template_version(monkeypatch):
    """A deploy whose layout change the template files do not show."""
    monkeypatch.setattr(services, "TEMPLATE_VERSION", "next")
    services.templates_fingerprint.cache_clear()
    yield
    monkeypatch.undo()
    services.templates_fingerprint.cache_clear()


def test_a_new_template_version_renders_a_new_pdf(client, progress_url, request):
    _pdf(client, progress_url)
    old_key = RenderedReport.objects.get().key

    request.getfixturevalue("new_template_version")
    _pdf(client, progress_url)

    assert RenderedReport.objects.exclude(key=old_key).filter(status="ready").count() == 1


def test_a_pdf_rendered_on_an_earlier_day_is_still_served(
    client, progress_url, monkeypatch, forbid_rendering
):
    """The day of rendering is printed on the PDF but is not part of what identifies it."""
    today = timezone.localdate()
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today - timedelta(days=3))
    first = _pdf(client, progress_url)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today)

    forbid_rendering()
    assert _pdf(client, progress_url) == first


def test_a_missing_cache_file_is_rendered_again(client, progress_url):
    first = _pdf(client, progress_url)
    default_storage.delete(RenderedReport.objects.get().file_name)

    again = _pdf(client, progress_url)

    assert again[:4] == b"%PDF"
    assert len(again) == len(first)
    assert default_storage.exists(RenderedReport.objects.get().file_name)


def test_with_a_queued_backend_the_page_says_it_is_being_prepared(
    client, progress_url, settings, client_record
):
    # Django's setting_changed handler swaps the task backend for this test.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    waiting = client.get(progress_url)
    assert waiting.status_code == 200
    assert waiting["Content-Type"].startswith("text/html")
    page = waiting.content.decode()
    assert 'hx-trigger="every 2s"' in page and f'hx-get="{progress_url}"' in page
    assert RenderedReport.objects.get().status == "pending"

    still = client.get(progress_url, headers={"HX-Request": "true"})
    assert "being prepared" in still.content.decode()

    # A worker takes the task.
    render_report_pdf.call(
        kind="progress", object_id=client_record.pk, start=None, end=None, include_drafts=False
    )
    ready = client.get(progress_url, headers={"HX-Request": "true"})
    assert "download the PDF" in ready.content.decode()
    assert "hx-trigger" not in ready.content.decode()
    assert _pdf(client, progress_url)[:4] == b"%PDF"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_render_finishing_after_its_client_was_erased_leaves_no_file(trainer, client_record, studio):
    """A worker may still be rendering when the trainer erases the client: its PDF must not stay."""
    report = ReportRequest(kind=ReportKind.PROGRESS, object_id=client_record.pk, include_drafts=True).build()
    client_erase(client=client_record, by=trainer)
    with pytest.raises(IntegrityError):
        rendered_report_store(report=report, key=report_key(report))
    assert not default_storage.exists(cache_file_name(report_key(report)))
    assert not RenderedReport.objects.exists()
