"""The project's settings, plus a minimal view for comparison and a calmer log.

Only the benchmark loads this module: the project's own URLs stay untouched.
"""

from trainer_site.settings import *  # noqa: F403
from trainer_site.settings import DATABASES, LOGGING

ROOT_URLCONF = "bench.urls"

LOGGING = {
    **LOGGING,
    "root": {**LOGGING["root"], "level": "WARNING"},
    # The immediate task backend logs every render at INFO: noise between the results.
    "loggers": {**LOGGING.get("loggers", {}), "django.tasks": {"level": "WARNING"}},
}

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Two gunicorn workers write sessions at once: WAL lets readers go on and the
    # timeout makes a writer wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
