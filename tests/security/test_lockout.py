from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.db.models import F
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(client, password, address="10.0.0.1", username="alice"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_repeated_failures_lock_one_username_from_one_address(client, trainer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong")
    response = attempt(client, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_the_same_username_from_another_address_still_signs_in(client, trainer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong")
    response = attempt(client, PASSWORD, address="10.0.0.2")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(trainer.pk)


def test_signing_in_works_again_after_the_cool_off(client, trainer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    response = attempt(client, PASSWORD)
    assert response.status_code == 302


def test_password_reset_is_rate_limited(client, trainer):
    for _ in range(5):
        assert client.post(reverse("password_reset"), {"email": trainer.email}).status_code == 302
    response = client.post(reverse("password_reset"), {"email": trainer.email})
    assert response.status_code == 429
    assert "Too many password reset requests" in response.text
    assert len(mail.outbox) == 5
