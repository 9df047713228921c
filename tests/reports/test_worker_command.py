"""`manage.py worker` outlives a database that goes away for a while."""

import pytest
from django.core.management import call_command
from django.db import OperationalError

from reports.management.commands import worker

pytestmark = pytest.mark.django_db


def test_the_worker_runs_again_after_the_database_comes_back(monkeypatch):
    runs, waits = [], []

    def db_worker(name, *args):
        runs.append((name, args))
        if len(runs) < 3:
            raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(worker, "call_command", db_worker)
    monkeypatch.setattr(worker.time, "sleep", waits.append)

    call_command("worker", "--", "--batch", "--queue-name", "default")

    assert runs == [("db_worker", ("--batch", "--queue-name", "default"))] * 3
    assert waits == [1.0, 2.0]


def test_the_worker_stops_for_errors_other_than_a_lost_database(monkeypatch):
    def db_worker(name, *args):
        raise ValueError("a bug is not waited out")

    monkeypatch.setattr(worker, "call_command", db_worker)
    monkeypatch.setattr(worker.time, "sleep", lambda seconds: pytest.fail("waited"))

    with pytest.raises(ValueError):
        call_command("worker")
