"""Security headers on every page the URL walk visits, and HTTPS-only headers in production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client as HttpClient
from django.urls import reverse

from tests.factories import PASSWORD
from tests.security.urlwalk import PERSONAS, resolvable_entries

pytestmark = pytest.mark.django_db


def header_problems(response) -> list[str]:
    problems = []
    csp = response.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    if directives.get("script-src") != ["'self'"]:
        problems.append(f"script-src is {directives.get('script-src')}, not only 'self'")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append("the CSP allows unsafe inline code")
    if directives.get("style-src") != ["'self'"]:
        problems.append(f"style-src is {directives.get('style-src')}, not only 'self'")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if not response.get("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    if response.get("X-Frame-Options") != "DENY" and directives.get("frame-ancestors") != ["'none'"]:
        problems.append("framing is not denied")
    return problems


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_of_the_walk_carries_the_security_headers(world, persona):
    browser = world.login(persona)
    failures = []
    pages = 0
    for name, _, path in resolvable_entries(world):
        response = browser.get(path)
        # Redirects and refusals carry them too: every response is checked.
        pages += response.status_code == 200
        failures += [
            f"{name} {path} as {persona} ({response.status_code}): {p}" for p in header_problems(response)
        ]
    assert pages >= 5, f"only {pages} pages answered 200 to {persona}"
    assert not failures, "\n".join(failures)


def test_the_admin_and_error_pages_carry_them_too(world):
    browser = world.login("admin")
    for path in (reverse("admin:index"), reverse("admin:auth_user_changelist")):
        assert header_problems(browser.get(path)) == []
    response = browser.get("/no-such-page/")
    assert response.status_code == 404
    assert header_problems(response) == []


def test_the_policy_is_what_the_settings_say(client, world):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Referrer-Policy"] == "same-origin"


@pytest.fixture
def production(settings):
    """What HTTPS=on sets. The test client builds its handler (and so reads these) on its first request."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


def test_in_production_plain_http_is_sent_to_https(production, trainer):
    response = HttpClient().get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_in_production_https_answers_carry_hsts(production, trainer):
    response = HttpClient().get(reverse("login"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert header_problems(response) == []


def test_in_production_session_and_csrf_cookies_are_secure(production, trainer):
    browser = HttpClient()
    page = browser.get(reverse("login"), secure=True)
    assert page.cookies[django_settings.CSRF_COOKIE_NAME]["secure"] is True
    response = browser.post(reverse("login"), {"username": "alice", "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    session_cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session_cookie["secure"] is True
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"


def test_without_https_hsts_is_not_sent(client, trainer):
    """Sending HSTS over plain HTTP on a laptop would lock the browser out of localhost."""
    response = client.get(reverse("login"))
    assert "Strict-Transport-Security" not in response


def test_the_https_switch_turns_every_production_setting_on():
    code = (
        "from trainer_site import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)"
    )
    env = {**os.environ, "HTTPS": "on", "SECRET_KEY": "x", "DEBUG": "off"}
    env.pop("SECURE_HSTS_SECONDS", None)
    output = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=Path(django_settings.BASE_DIR),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert output == "True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')"
