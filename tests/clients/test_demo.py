"""The demo studio loads once, whatever the number of runs."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from clients import demo
from clients.models import Client, Screening
from clients.roles import is_trainer

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return get_user_model().objects.count(), Client.objects.count(), Screening.objects.count()


def test_the_demo_loader_is_idempotent():
    first_logins = demo.load_people()
    after_first = _counts()
    second_logins = demo.load_people()
    assert _counts() == after_first
    assert first_logins == second_logins
    assert after_first[1] == len(demo.DEMO_CLIENTS)


def test_the_demo_studio_has_what_the_issue_asks_for():
    logins = demo.load_people()
    assert ("trainer", "trainer") in logins
    assert ("trainer", "trainer2") in logins
    assert ("client", "jane.doe@example.com") in logins
    for username in ("trainer", "trainer2"):
        trainer = get_user_model().objects.get(username=username)
        assert is_trainer(trainer)
        clients = Client.objects.for_trainer(trainer).with_screening_status()
        assert clients.count() >= 3
        assert clients.filter(is_archived=True).exists()
        assert clients.filter(latest_screening_needs_clearance=True).exists()


def test_the_demo_client_signs_in_to_the_portal(client):
    demo.load_people()
    response = client.post(
        reverse("login"), {"username": "jane.doe@example.com", "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    portal = client.get(reverse("portal:home"))
    assert portal.status_code == 200
    assert "Jane Doe" in portal.text
    assert "Tom Trainer" in portal.text
