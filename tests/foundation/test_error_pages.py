"""400, 403, 404 and 500 answer with their status in the site's layout, never a bare page.

The 500 page is rendered with no context (as Django does): it shows no account, needs no
database, and promises nothing it cannot know, such as that someone was told or that
nothing was saved.
"""

import re

import pytest
from django.db import OperationalError, connection
from django.template.loader import get_template
from django.test import Client as BrowserClient
from django.urls import reverse

from clients.models import Client
from tests import factories
from tests.clients.test_client_views import VALID

pytestmark = pytest.mark.django_db

LAYOUT = (
    "/static/css/app.css",
    'href="#main">Skip to main content</a>',
    '<a class="navbar-brand" href="/">Trainer Studio</a>',
    '<main id="main"',
    "Trainer Studio · posture and muscle-imbalance assessments",
)


@pytest.fixture(autouse=True)
def failing_urls(settings):
    settings.ROOT_URLCONF = "tests.foundation.error_urls"


def assert_in_layout(response, status: int, heading: str) -> str:
    text = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"] == "text/html; charset=utf-8"
    for part in LAYOUT:
        assert part in text
    assert f"<h1>{heading}</h1>" in text
    return text


def test_a_suspicious_request_gets_the_400_page(client, trainer):
    client.force_login(trainer)
    text = assert_in_layout(client.get("/fails/suspicious/"), 400, "Request not accepted")
    assert "Signed in as <strong>Alice Archer</strong>" in text
    assert "injected" not in text


def test_a_form_with_too_many_fields_gets_the_400_page_and_saves_nothing(client, trainer, settings):
    client.force_login(trainer)
    fields = {f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}

    response = client.post(reverse("clients:create"), {**VALID, **fields})

    assert_in_layout(response, 400, "Request not accepted")
    assert not Client.objects.exists()


def test_a_form_sent_with_an_expired_csrf_token_gets_the_403_page(trainer):
    browser = BrowserClient(enforce_csrf_checks=True)
    browser.force_login(trainer)

    response = browser.post(reverse("clients:create"), {**VALID, "csrfmiddlewaretoken": "stale" * 8})

    text = assert_in_layout(response, 403, "This form has expired")
    assert "Signed in as <strong>Alice Archer</strong>" in text
    assert "Nothing was saved." in text
    assert not Client.objects.exists()


def test_a_refused_page_gets_the_403_page(client, client_record):
    # Staff without the right to see clients, such as a catalogue editor.
    client.force_login(factories.UserFactory(username="editor", is_staff=True))
    response = client.get(reverse("clients:detail", kwargs={"pk": client_record.pk}))
    assert_in_layout(response, 403, "Not allowed")


def test_another_trainers_client_gets_the_404_page(client, other_trainer, client_record):
    client.force_login(other_trainer)
    text = assert_in_layout(
        client.get(reverse("clients:detail", kwargs={"pk": client_record.pk})), 404, "Page not found"
    )
    assert "Jane" not in text


def test_a_failing_view_gets_the_500_page_in_the_layout(trainer):
    browser = BrowserClient(raise_request_exception=False)
    browser.force_login(trainer)

    text = assert_in_layout(browser.get("/fails/broken/"), 500, "Something went wrong")

    assert "injected" not in text
    # Rendered without context: no account in the header, signed in or not.
    assert "Alice" not in text
    assert "Sign in" not in text


def test_the_500_page_renders_with_the_database_down(django_assert_num_queries):
    def database_down(execute, sql, params, many, context):
        raise OperationalError("injected: the database is down")

    with connection.execute_wrapper(database_down), django_assert_num_queries(0):
        text = get_template("500.html").render()

    for part in LAYOUT:
        assert part in text


def test_the_500_page_promises_nothing_it_cannot_know():
    text = re.sub(r"\s+", " ", get_template("500.html").render()).lower()
    # Nobody is told unless error mails are set up (ADMINS), and a page with no context
    # cannot know whether they are, or whether the change was saved before the failure.
    for promise in ("notified", "we have been told", "we are looking", "nothing was saved", "half-saved"):
        assert promise not in text
    assert "may or may not have been saved" in text
