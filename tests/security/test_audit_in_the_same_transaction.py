"""An export request and its audit row are one transaction: no export queued without its row."""

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from security.models import AuditEvent, ClientExport
from tests.conftest import login_as

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def task_workers(settings):
    """Tasks go to the database queue for workers, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_no_export_is_queued_without_its_audit_row(client, trainer, client_record, monkeypatch):
    def fail(**fields):
        raise DatabaseError("injected: the audit row could not be written")

    url = reverse("security:client_export", kwargs={"client_pk": client_record.pk})
    exports = ClientExport.objects.filter(client=client_record)
    tasks = DBTaskResult.objects.filter(task_path="security.tasks.build_client_export")
    login_as(client, trainer)
    monkeypatch.setattr(AuditEvent.objects, "create", fail)

    with pytest.raises(DatabaseError, match="injected"):
        client.post(url)

    assert (exports.count(), tasks.count()) == (0, 0)

    # Once the database answers again, the same request queues one export, with its row.
    monkeypatch.undo()
    assert client.post(url).status_code == 302
    assert (exports.count(), tasks.count()) == (1, 1)
    row = AuditEvent.objects.get(client=client_record, action="change")
    assert (row.url_name, row.user) == ("security:client_export", trainer)
