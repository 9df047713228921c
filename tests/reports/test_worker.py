"""With the database task backend, a request or a finalise only queues the render and a worker,
which could run on any machine, does it."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reports.models import RenderedReport
from tests.conftest import login_as

# The worker closes connections between tasks, as a real one must, so it cannot share
# the test's open transaction: commit for real and put the migrations' data back after.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_worker_renders_what_the_request_queued(client, trainer, client_record, studio, database_backend):
    login_as(client, trainer)
    url = reverse("reports:progress_pdf", args=[client_record.pk])

    waiting = client.get(url)
    assert waiting["Content-Type"].startswith("text/html")
    assert "being prepared" in waiting.text
    assert DBTaskResult.objects.count() == 1
    assert RenderedReport.objects.get().status == RenderedReport.Status.PENDING

    # Asking again while it is queued queues nothing more.
    client.get(url, headers={"HX-Request": "true"})
    assert DBTaskResult.objects.count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    ready = client.get(url, headers={"HX-Request": "true"})
    assert "download the PDF" in ready.text
    pdf = client.get(url)
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content)[:4] == b"%PDF"


def test_a_finalise_queues_renders_that_a_worker_stores(
    client, trainer, client_user, studio, database_backend, forbid_rendering
):
    login_as(client, trainer)
    finalised = client.post(
        reverse("assessments:finalise", args=[studio.draft.pk]), {"version": studio.draft.version}
    )
    assert finalised.status_code == 302
    # Queued once the finalise committed; nothing rendered in the request.
    queued = DBTaskResult.objects.values_list("args_kwargs__kwargs__kind", "args_kwargs__kwargs__object_id")
    assert sorted(queued) == [("progress", studio.draft.client_id), ("summary", studio.draft.pk)]
    assert not RenderedReport.objects.exists()

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert RenderedReport.objects.filter(status=RenderedReport.Status.READY).count() == 2

    forbid_rendering()
    client.force_login(client_user)
    for url in (
        reverse("reports:portal_summary_pdf", args=[studio.draft.pk]),
        reverse("reports:portal_progress_pdf"),
    ):
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content)[:4] == b"%PDF"


def test_a_render_whose_worker_died_is_taken_up_again(
    client, trainer, client_record, studio, database_backend
):
    """A worker killed mid-render leaves its task and the report's row running; the next poll
    after STALE_AFTER queues the render again and a live worker renders it."""
    login_as(client, trainer)
    url = reverse("reports:progress_pdf", args=[client_record.pk])
    client.get(url)
    # A worker takes the task and dies: nothing moves the rows on again.
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now() - timedelta(minutes=2))
    RenderedReport.objects.update(status="running", updated_at=timezone.now() - timedelta(minutes=2))

    assert "being prepared" in client.get(url, headers={"HX-Request": "true"}).text

    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert "download the PDF" in client.get(url, headers={"HX-Request": "true"}).text
    pdf = client.get(url)
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content)[:4] == b"%PDF"
