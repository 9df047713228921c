import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from security.sessions import RENEW_EVERY_SECONDS, SEEN_AT_KEY, STARTED_AT_KEY
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client: Client) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302


def test_the_session_key_changes_at_login(client, trainer):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    sign_in(client)
    assert client.session.session_key != before


def test_idle_timeout_comes_from_settings(settings):
    assert settings.SESSION_COOKIE_AGE == 4 * 3600


def expiry(client: Client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_activity_renews_the_idle_timeout_at_most_once_a_minute(client, trainer):
    sign_in(client)
    client.get(reverse("clients:dashboard"))
    first = expiry(client)

    client.get(reverse("clients:dashboard"))
    assert expiry(client) == first  # no write for a request within the minute

    session = client.session
    session[SEEN_AT_KEY] = time.time() - RENEW_EVERY_SECONDS - 1
    session.save()
    saved = expiry(client)
    client.get(reverse("clients:dashboard"))
    assert expiry(client) > saved


def test_an_idle_session_ends(client, trainer):
    sign_in(client)
    # An idle timeout of a second, saved as every renewal saves it: to the session's row and to
    # its copy in the cache, which must both have expired.
    session = client.session
    session.set_expiry(1)
    session.save()
    time.sleep(1.1)
    response = client.get(reverse("clients:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_session_older_than_the_absolute_lifetime_is_signed_out(client, trainer, settings):
    sign_in(client)
    session = client.session
    session[STARTED_AT_KEY] = time.time() - settings.SESSION_ABSOLUTE_LIFETIME - 1
    session.save()
    response = client.get(reverse("clients:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_young_session_stays_signed_in(client, trainer):
    sign_in(client)
    assert client.get(reverse("clients:dashboard")).status_code == 200


def test_signing_out_ends_the_users_other_sessions(trainer, other_trainer):
    phone, laptop, colleague = Client(), Client(), Client()
    sign_in(phone)
    sign_in(laptop)
    colleague.force_login(other_trainer)

    laptop.post(reverse("logout"))

    assert phone.get(reverse("clients:dashboard")).status_code == 302
    assert colleague.get(reverse("clients:dashboard")).status_code == 200
    live_users = {s.get_decoded().get("_auth_user_id") for s in Session.objects.all()}
    assert str(trainer.pk) not in live_users


def test_changing_the_password_ends_the_other_sessions(trainer):
    phone, laptop = Client(), Client()
    sign_in(phone)
    sign_in(laptop)
    response = laptop.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a fresh long pass 91",
            "new_password2": "a fresh long pass 91",
        },
    )
    assert response.status_code == 302
    assert laptop.get(reverse("clients:dashboard")).status_code == 200
    assert phone.get(reverse("clients:dashboard")).status_code == 302
