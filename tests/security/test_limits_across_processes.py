"""Sign-in lockouts and reset limits count in the database, so a second process, as another
gunicorn worker would be, refuses what the first one counted."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]

# The other process reads the committed counts, so this test commits and the migrations'
# data is put back after it.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="the in-memory test database is one process's own"
    ),
]

SECOND_PROCESS = """
import sys

import django
from django.conf import settings

settings.DATABASES["default"]["NAME"] = sys.argv[1]
django.setup()

from django.test import Client
from django.test.utils import setup_test_environment

setup_test_environment()
data = dict(zip(sys.argv[3::2], sys.argv[4::2]))
print(Client().post(sys.argv[2], data, REMOTE_ADDR="10.0.0.1").status_code)
"""


def post_from_another_process(path: str, data: dict[str, str]) -> int:
    fields = [item for pair in data.items() for item in pair]
    result = subprocess.run(
        [sys.executable, "-c", SECOND_PROCESS, connection.settings_dict["NAME"], path, *fields],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "trainer_site.settings",
            # Pages render without collectstatic's manifest, as in this suite.
            "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


def test_another_process_refuses_resets_this_one_counted(client, trainer):
    for _ in range(5):
        assert client.post(reverse("password_reset"), {"email": trainer.email}).status_code == 302
    assert post_from_another_process(reverse("password_reset"), {"email": trainer.email}) == 429


def test_another_process_keeps_the_lockout_this_one_counted(client, trainer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    status = post_from_another_process(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert status == 429
