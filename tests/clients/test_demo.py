"""The demo studio loads once, whatever the number of runs."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from clients import demo
from clients.gating import load_gate
from clients.models import Client, MedicalClearance, Screening
from clients.roles import is_trainer

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return get_user_model().objects.count(), Client.objects.count(), Screening.objects.count()


def test_the_demo_loader_is_idempotent():
    first_logins = demo.load_people()
    clearances = MedicalClearance.objects.count()
    assert clearances == len(demo.CLEARED_BY)
    after_first = _counts()
    second_logins = demo.load_people()
    assert _counts() == after_first
    assert MedicalClearance.objects.count() == clearances
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
        # Each trainer has clients they may assess at once, and one the gate stops.
        gates = {c.email: load_gate(client=c, by=trainer) for c in clients.active()}
        assert any(not gate.missing for gate in gates.values())
        assert any(gate.blocked for gate in gates.values())
    # One awaits a doctor's clearance; another's is recorded, which lets his trainer assess him.
    assert Client.objects.with_screening_status().filter(latest_screening_needs_clearance=True).exists()
    marcus = Client.objects.get(email="marcus.reid@example.com")
    assert marcus.screenings.get().needs_clearance
    assert not load_gate(client=marcus, by=marcus.trainer).missing


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
