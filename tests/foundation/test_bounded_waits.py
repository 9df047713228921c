"""Bounded waits: on PostgreSQL no request waits long for a lock, a statement or an idle transaction.

A row lock held elsewhere (a stuck worker, a console left in a transaction) makes a save
fail after the lock timeout, about 5 s, instead of keeping a web worker waiting until
gunicorn kills it (30 s) while every other request queues behind it.
"""

import threading
import time

import psycopg
import pytest
from django.db import OperationalError, connection

from clients.models import Client
from tests import factories
from tests.foundation.test_settings import read_settings

LOCK_TIMEOUT_S = 5
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the timeouts are PostgreSQL settings"
)


def test_only_a_postgresql_connection_bounds_its_waits_by_default(monkeypatch):
    for name in ("DB_LOCK_TIMEOUT", "DB_STATEMENT_TIMEOUT", "DB_IDLE_IN_TRANSACTION_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    env = {"DEBUG": "on", "DATABASE_URL": "postgres://coach@db.internal:5432/studio?sslmode=require"}
    out = read_settings(env, "settings.DATABASES['default']['OPTIONS']")
    # Under gunicorn's 30 s worker timeout, so that a slow statement ends as an error page
    # rather than a killed worker; and whatever the URL set stays.
    assert out == (
        "{'sslmode': 'require', 'options': '-c lock_timeout=5000 -c statement_timeout=20000 "
        "-c idle_in_transaction_session_timeout=30000'}"
    )
    # SQLite knows none of them (and its connect() would refuse an "options" argument).
    assert read_settings({"DEBUG": "on"}, "settings.DATABASES['default']['OPTIONS']") == "{}"


def test_the_timeouts_come_from_the_environment_and_0_leaves_the_servers_own():
    env = {
        "DEBUG": "on",
        "DATABASE_URL": "postgres://coach@db.internal:5432/studio?options=-c%20search_path%3Dstudio",
        "DB_LOCK_TIMEOUT": "2",
        "DB_STATEMENT_TIMEOUT": "0",
        "DB_IDLE_IN_TRANSACTION_TIMEOUT": "600",
    }
    out = read_settings(env, "settings.DATABASES['default']['OPTIONS']['options']")
    assert out == "-c search_path=studio -c lock_timeout=2000 -c idle_in_transaction_session_timeout=600000"


@postgresql_only
@pytest.mark.django_db
def test_the_timeouts_reach_the_connection():
    with connection.cursor() as cursor:
        shown = {}
        for name in ("lock_timeout", "statement_timeout", "idle_in_transaction_session_timeout"):
            cursor.execute(f"SHOW {name}")
            shown[name] = cursor.fetchone()[0]
    assert shown == {
        "lock_timeout": "5s",
        "statement_timeout": "20s",
        "idle_in_transaction_session_timeout": "30s",
    }


def _second_connection() -> psycopg.Connection:
    """Another session on the test database, as another process would open one."""
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
    )


@postgresql_only
# The row must be committed for the second connection to lock it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_save_behind_a_held_row_lock_fails_after_the_lock_timeout():
    client_record = factories.ClientFactory(first_name="Jane", last_name="Doe")
    holder = _second_connection()
    # Without a lock timeout the update below would wait for good: let go of the lock
    # after a while, so that such a wait fails this test instead of hanging the suite.
    release = threading.Timer(3 * LOCK_TIMEOUT_S, holder.close)
    try:
        holder.execute("SELECT id FROM clients_client WHERE id = %s FOR UPDATE", [client_record.pk])
        release.start()
        started = time.monotonic()
        with pytest.raises(OperationalError) as raised:
            Client.objects.filter(pk=client_record.pk).update(first_name="Janet")
        waited = time.monotonic() - started
    finally:
        release.cancel()
        holder.close()

    assert isinstance(raised.value.__cause__, psycopg.errors.LockNotAvailable)
    assert LOCK_TIMEOUT_S - 0.5 <= waited < LOCK_TIMEOUT_S + 2
    # The lock gone, the same save goes through on the same connection.
    Client.objects.filter(pk=client_record.pk).update(first_name="Janet")
    client_record.refresh_from_db()
    assert client_record.first_name == "Janet"
