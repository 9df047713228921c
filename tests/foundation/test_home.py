"""The front page: what a visitor sees, and where everyone signed in is sent."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.security.test_headers import header_problems

pytestmark = pytest.mark.django_db


def test_a_visitor_sees_what_the_studio_is_with_the_ways_in(client):
    response = client.get("/")
    assert response.status_code == 200
    assert [template.name for template in response.templates][0] == "home.html"
    text = response.text
    assert "<h1>Trainer Studio</h1>" in text
    assert "summary of each assessment" in text
    assert "exercise plan" in text
    assert "If you are a trainer here" in text
    assert f'class="btn btn-primary btn-lg" href="{reverse("login")}">Sign in</a>' in text
    assert f'href="{reverse("imbalances:index")}">Browse the catalogue</a>' in text


def test_the_visitors_page_is_cacheable_only_as_a_public_page(client):
    response = client.get("/")
    # Nothing personal in it, so no private marker; but a cache must not give it to someone
    # signed in, whose cookie gets them a redirect instead.
    assert "Cookie" in response["Vary"]
    cache_control = response.get("Cache-Control", "")
    assert "private" not in cache_control and "no-store" not in cache_control
    # No cookie handed out (no session, no CSRF token), so a stored copy carries nobody's.
    assert not response.cookies
    assert header_problems(response) == []


@pytest.mark.parametrize(
    ("who", "destination"),
    [("trainer", "/clients/dashboard/"), ("client", "/portal/"), ("admin", "/admin/")],
)
def test_someone_signed_in_is_sent_to_their_place_and_no_cache_keeps_it(client, persona, who, destination):
    client.force_login(persona[who])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == destination
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))


def test_someone_signed_in_without_a_role_is_told_to_ask_for_access(client):
    client.force_login(UserFactory(username="newcomer"))
    response = client.get("/")
    assert response.status_code == 200
    assert "Your account is not yet set up as a trainer or a client" in response.text
    assert "Browse the catalogue" not in response.text


def test_the_front_page_takes_no_posts(client):
    assert client.post("/").status_code == 405
