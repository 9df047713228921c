import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "off",
    "SECRET_KEY": "k8#Vq2!pZr7@Lw4$Nx9^Tb6&Hc3*Jd5(Fg1)Ms0_Ue8+Yi2-Oa7=Re4%",
    "ALLOWED_HOSTS": "studio.example.com",
    "HTTPS": "on",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.example.com",
    "DATABASE_URL": "sqlite:////tmp/trainer-studio-deploy-check.sqlite3",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # Only the variables under test: e.g. the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE
    # would make the deploy check warn.
    clean = {
        k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def read_settings(env: dict[str, str], expression: str) -> str:
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        f"from django.conf import settings; print({expression})",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_it_uses_sqlite_in_the_project_folder_by_default():
    out = read_settings(
        {"DEBUG": "on"},
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME']",
    )
    assert "sqlite3" in out
    assert str(ROOT / "db.sqlite3") in out


def test_it_parses_a_postgresql_url():
    env = {"DEBUG": "on", "DATABASE_URL": "postgres://coach:s3cret@db.internal:6543/studio"}
    out = read_settings(
        env,
        "'|'.join(str(settings.DATABASES['default'][k]) "
        "for k in ('ENGINE', 'NAME', 'USER', 'PASSWORD', 'HOST', 'PORT'))",
    )
    assert out == "django.db.backends.postgresql|studio|coach|s3cret|db.internal|6543"


def test_it_reads_site_url_and_allowed_hosts():
    env = {
        "DEBUG": "on",
        "SITE_URL": "https://studio.example.com/",
        "ALLOWED_HOSTS": "a.example.com,b.example.com",
    }
    assert read_settings(env, "settings.SITE_URL, settings.ALLOWED_HOSTS") == (
        "https://studio.example.com ['a.example.com', 'b.example.com']"
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_manage("check", env={"DEBUG": "off"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("debug", ["off"])
def test_deploy_check_passes_with_production_values(debug):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION_ENV, "DEBUG": debug}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_without_https_settings():
    env = {**PRODUCTION_ENV, "HTTPS": "off"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stdout + result.stderr


def test_rate_limits_and_lockouts_count_in_the_database_by_default(monkeypatch):
    for name in ("CACHE_URL", "TRUSTED_PROXY_COUNT", "CLIENT_IP_HEADER"):
        monkeypatch.delenv(name, raising=False)
    out = read_settings(
        {"DEBUG": "on"},
        "settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'], "
        "settings.AXES_HANDLER, settings.TRUSTED_PROXY_COUNT",
    )
    assert out.split() == [
        "django.core.cache.backends.db.DatabaseCache",
        "django_cache",
        "axes.handlers.database.AxesDatabaseHandler",
        "0",
    ]


def test_it_reads_the_trusted_proxy_settings():
    env = {"DEBUG": "on", "TRUSTED_PROXY_COUNT": "2", "CLIENT_IP_HEADER": "X-Real-IP"}
    out = read_settings(
        env, "settings.TRUSTED_PROXY_COUNT, settings.CLIENT_IP_HEADER, settings.AXES_CLIENT_IP_CALLABLE"
    )
    assert out == "2 HTTP_X_REAL_IP security.lockout.client_address"


def test_gunicorn_reads_its_config_from_the_project_and_freezes_what_a_worker_loaded():
    """`make serve` runs gunicorn from the project folder: it must find gunicorn.conf.py there, whose
    worker hook freezes what the worker loaded, so full garbage collections skip it (bench)."""
    printed = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config", "trainer_site.wsgi"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # gunicorn's own hook prints as <PostWorkerInit.post_worker_init()>.
    assert re.search(r"^post_worker_init += <post_worker_init\(\)>$", printed, re.MULTILINE)
    hook = (
        "import gc, runpy; runpy.run_path('gunicorn.conf.py')['post_worker_init'](None); "
        "print(gc.get_freeze_count())"
    )
    frozen = subprocess.run(
        [sys.executable, "-c", hook], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert int(frozen.stdout) > 1000
