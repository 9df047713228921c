"""The settings the bench runs Django with, in its own process, in gunicorn and in bench.compare."""

import os


def environment(database_url: str, static_root: str, media_root: str) -> dict[str, str]:
    """Production-like settings for this process and for gunicorn (which lacks 'testserver')."""
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "off",
        "CONN_MAX_AGE": "60",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": static_root,
        "MEDIA_ROOT": media_root,
        "TASKS_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "LOG_LEVEL": "WARNING",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-key-" + "x" * 40,
    }
    os.environ.update(env)
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    return {**os.environ, **env}
