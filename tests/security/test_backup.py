"""A backup restores into an empty database with every row in place."""

import os
import shutil
import subprocess
import uuid
from datetime import datetime

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from assessments.models import Assessment, MuscleFinding, PatternFinding
from clients.models import Client
from imbalances.models import Muscle, Pattern, PatternMuscle, Region
from tests import factories

# serialized_rollback puts back the migrations' data (catalogue, trainers group) afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BACKED_UP = [Region, Muscle, Pattern, PatternMuscle, Client, Assessment, PatternFinding, MuscleFinding]


def make_studio() -> None:
    pattern = factories.PatternFactory(is_lateral=True)
    factories.PatternMuscleFactory(pattern=pattern, side="same")
    for _ in range(3):
        assessment = factories.AssessmentFactory(final=True, notes="Hips level, knees tracking well.")
        factories.PatternFindingFactory(assessment=assessment, pattern=pattern)
        factories.MuscleFindingFactory(assessment=assessment)


def to_milliseconds(value):
    # dumpdata's JSON keeps times to the millisecond.
    if isinstance(value, datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def snapshot() -> dict[str, list[tuple]]:
    """Every backed-up row, less `auto_now` stamps, which loading a fixture renews."""
    rows = {}
    for model in BACKED_UP:
        fields = [f.attname for f in model._meta.concrete_fields if not getattr(f, "auto_now", False)]
        rows[model.__name__] = sorted(
            tuple(to_milliseconds(value) for value in row) for row in model.objects.values_list(*fields)
        )
    return rows


def test_dumpdata_backup_restores_into_an_empty_database(tmp_path):
    make_studio()
    before = snapshot()
    backup = tmp_path / "studio.json"
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--exclude=contenttypes",
        "--exclude=auth.permission",
        "--exclude=sessions",
        f"--output={backup}",
        verbosity=0,
    )
    call_command("flush", "--no-input", verbosity=0)
    assert Client.objects.count() == 0
    assert Pattern.objects.count() == 0

    call_command("loaddata", str(backup), verbosity=0)

    assert snapshot() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump backups are for PostgreSQL")
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump is not installed")
def test_pg_dump_backup_restores_into_an_empty_database(tmp_path):
    make_studio()
    before = {name: len(rows) for name, rows in snapshot().items()}
    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    common = [
        "-h",
        settings["HOST"] or "127.0.0.1",
        "-p",
        str(settings["PORT"] or 5432),
        "-U",
        settings["USER"],
    ]
    backup = tmp_path / "studio.dump"
    subprocess.run(["pg_dump", *common, "-Fc", "-f", str(backup), settings["NAME"]], env=env, check=True)

    restored = f"restore_{uuid.uuid4().hex[:8]}"
    admin_dsn = f"host={common[1]} port={common[3]} user={common[5]} dbname=postgres"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            ["pg_restore", *common, "--no-owner", "-d", restored, str(backup)], env=env, check=True
        )
        with psycopg.connect(admin_dsn.replace("dbname=postgres", f"dbname={restored}")) as db:
            after = {
                model.__name__: db.execute(f'SELECT count(*) FROM "{model._meta.db_table}"').fetchone()[0]
                for model in BACKED_UP
            }
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
    assert after == before
    assert after["Client"] >= 3
