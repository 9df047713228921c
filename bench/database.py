"""The benchmark's own database, apart from the project's: created, checked and dropped here.

These helpers run before Django is set up (they decide which database Django will
use), so they speak to the database with the plain drivers.
"""

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.db import DatabaseError

RESULTS_DIR = Path(__file__).resolve().parent / "results"
MARKER_TABLE = "bench_marker"


@dataclass(frozen=True)
class BenchDatabase:
    url: str
    engine: str  # "postgresql" or "sqlite"
    name: str  # database name, or the SQLite file's path

    @property
    def label(self) -> str:
        return f"PostgreSQL database {self.name}" if self.engine == "postgresql" else f"SQLite {self.name}"


def bench_database(*, small: bool) -> BenchDatabase:
    """<name>_bench on the PostgreSQL server of DATABASE_URL, else an SQLite file in results/."""
    suffix = "_bench_small" if small else "_bench"
    project_url = os.environ.get("DATABASE_URL", "")
    if project_url and environ.Env.db_url_config(project_url)["ENGINE"].endswith("postgresql"):
        parts = urlsplit(project_url)
        name = parts.path.lstrip("/") + suffix
        return BenchDatabase(url=parts._replace(path="/" + name).geturl(), engine="postgresql", name=name)
    path = RESULTS_DIR / f"bench{suffix.removeprefix('_bench').replace('_', '-')}.sqlite3"
    return BenchDatabase(url=f"sqlite:///{path}", engine="sqlite", name=str(path))


def _pg_admin_connection(database: BenchDatabase):
    import psycopg

    config = environ.Env.db_url_config(database.url)
    return psycopg.connect(
        dbname="postgres",
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        autocommit=True,
    )


def marker(database: BenchDatabase) -> str | None:
    """The size name a finished generation left in the database, or None."""
    query = f"SELECT size FROM {MARKER_TABLE}"
    if database.engine == "sqlite":
        if not Path(database.name).exists():
            return None
        with sqlite3.connect(database.name) as connection:
            try:
                row = connection.execute(query).fetchone()
            except sqlite3.OperationalError:
                return None
        return row[0] if row else None

    import psycopg

    try:
        with psycopg.connect(database.url.replace("postgres://", "postgresql://", 1)) as connection:
            row = connection.execute(query).fetchone()
    except (psycopg.OperationalError, psycopg.errors.UndefinedTable):
        return None
    return row[0] if row else None


def recreate(database: BenchDatabase) -> None:
    """Drop what a previous, unfinished generation left and start from an empty database."""
    if database.engine == "sqlite":
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(database.name + suffix).unlink(missing_ok=True)
        with sqlite3.connect(database.name) as connection:
            # WAL is a property of the file: the served app reads while sessions are written.
            connection.execute("PRAGMA journal_mode=WAL")
        return

    from psycopg import sql

    with _pg_admin_connection(database) as connection:
        identifier = sql.Identifier(database.name)
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(identifier))


def mark_done(connection, size: str) -> None:
    """Record in the (Django) connection's database that generation finished."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {MARKER_TABLE} (size varchar(40) NOT NULL)")
        cursor.execute(f"INSERT INTO {MARKER_TABLE} (size) VALUES (%s)", [size])


def settle(connection) -> None:
    """Bring the (Django) connection's database to the state autovacuum keeps a server in, and
    flush what was written to it, so that every run measures the same database however many
    runs wrote to it before (audit rows, sessions, the form posts' assessments and history).
    A generated studio needs the statistics most: without them the planner scans every finding
    instead of its index.

    This machine's PostgreSQL runs without autovacuum: after a run under load the dashboard read
    10.9 ms and the form GET 14.7 ms, after VACUUM ANALYZE 7.5 and 11.1 (same code, minutes
    apart). The checkpoint writes out a generation's gigabyte of new rows before the clock starts,
    rather than while it runs; it needs a superuser, and is skipped without one.
    """
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
            return
        cursor.execute("VACUUM ANALYZE")
    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError:
        pass
