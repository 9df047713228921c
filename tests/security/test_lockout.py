import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from security.lockout import client_address
from security.tasks import password_reset_send
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


# Behind a reverse proxy: every request arrives from the proxy's own address.
PROXY = "10.0.0.254"


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"


def through_proxy(client, password, forwarded_for):
    return client.post(
        reverse("login"),
        {"username": "alice", "password": password},
        REMOTE_ADDR=PROXY,
        headers={"X-Forwarded-For": forwarded_for},
    )


@pytest.mark.parametrize(
    ("proxies", "header", "meta", "expected"),
    [
        (0, "HTTP_X_FORWARDED_FOR", {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}, PROXY),
        (1, "HTTP_X_FORWARDED_FOR", {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}, "203.0.113.5"),
        (1, "HTTP_X_FORWARDED_FOR", {"HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.5"}, "203.0.113.5"),
        (2, "HTTP_X_FORWARDED_FOR", {"HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.5"}, "198.51.100.1"),
        (2, "HTTP_X_FORWARDED_FOR", {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}, PROXY),
        (1, "HTTP_X_FORWARDED_FOR", {}, PROXY),
        (1, "HTTP_X_FORWARDED_FOR", {"HTTP_X_FORWARDED_FOR": "not-an-address"}, PROXY),
        (
            1,
            "HTTP_X_REAL_IP",
            {"HTTP_X_REAL_IP": "2001:db8::1", "HTTP_X_FORWARDED_FOR": "1.2.3.4"},
            "2001:db8::1",
        ),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(rf, settings, proxies, header, meta, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    settings.CLIENT_IP_HEADER = header
    assert client_address(rf.get("/", REMOTE_ADDR=PROXY, **meta)) == expected


def test_without_a_trusted_proxy_a_forged_header_does_not_escape_the_lockout(client, trainer, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        through_proxy(client, "wrong", f"203.0.113.{number}")
    assert through_proxy(client, PASSWORD, "203.0.113.99").status_code == 429


def test_behind_a_proxy_the_lockout_counts_each_client_address(client, trainer, settings, behind_one_proxy):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        through_proxy(client, "wrong", "203.0.113.5")
    assert through_proxy(client, PASSWORD, "203.0.113.5").status_code == 429
    # What the client itself puts in front of the proxy's entry changes nothing.
    assert through_proxy(client, PASSWORD, "198.51.100.1, 203.0.113.5").status_code == 429
    # Another client behind the same proxy signs in.
    response = through_proxy(client, PASSWORD, "203.0.113.6")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(trainer.pk)


def test_behind_a_proxy_the_reset_limit_counts_the_same_address(client, trainer, behind_one_proxy):
    def reset(number, forwarded_for):
        return client.post(
            reverse("password_reset"),
            {"email": f"someone{number}@example.com"},
            REMOTE_ADDR=PROXY,
            headers={"X-Forwarded-For": forwarded_for},
        )

    for number in range(5):
        assert reset(number, "203.0.113.5").status_code == 302
    assert reset(99, "198.51.100.1, 203.0.113.5").status_code == 429
    assert reset(100, "203.0.113.6").status_code == 302


def change_password(client, old_password, new_password="a fresh long pass 91"):
    return client.post(
        reverse("password_change"),
        {"old_password": old_password, "new_password1": new_password, "new_password2": new_password},
    )


def test_wrong_current_passwords_are_limited_like_sign_ins(client, trainer, settings):
    client.force_login(trainer)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = change_password(client, "wrong")
        assert response.status_code == 200
        assert "Your old password was entered incorrectly" in response.text
    response = change_password(client, PASSWORD)
    assert response.status_code == 429
    assert "Too many wrong current passwords" in response.text
    trainer.refresh_from_db()
    assert trainer.check_password(PASSWORD)
    # Counted per user, not per session: another device of the same person is refused too.
    other_device = Client()
    other_device.force_login(trainer)
    assert change_password(other_device, PASSWORD).status_code == 429


def test_the_password_change_limit_ends_with_the_cool_off(client, trainer, settings, monkeypatch):
    client.force_login(trainer)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        change_password(client, "wrong")
    started = timezone.now()
    # The database cache's clock, as the counters in it see time pass.
    clock = "django.core.cache.backends.db.tz_now"
    monkeypatch.setattr(clock, lambda: started + settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
    assert change_password(client, PASSWORD).status_code == 429
    monkeypatch.setattr(clock, lambda: started + settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
    assert change_password(client, PASSWORD).status_code == 302


def test_a_successful_password_change_clears_the_count(client, trainer, settings):
    client.force_login(trainer)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        change_password(client, "wrong")
    assert change_password(client, PASSWORD, "a fresh long pass 91").status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert change_password(client, "wrong").status_code == 200
    assert change_password(client, "a fresh long pass 91", "another long pass 92").status_code == 302


def _shape(sql: str) -> str:
    """The statement without its values, ids and savepoint names."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r'"s\d+_x\d+"', "?", sql)
    return re.sub(r"\b\d+\b", "?", sql)


def test_a_reset_request_does_the_same_work_for_known_and_unknown_addresses(client, trainer, settings):
    # Queued for a worker, so that the request's own work is all there is to see.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    statements = {}
    for email, address in [(trainer.email, "10.0.0.1"), ("nobody@example.com", "10.0.0.2")]:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)
        assert response.status_code == 302
        assert response["Location"] == reverse("password_reset_done")
        statements[email] = [_shape(query["sql"]) for query in queries.captured_queries]

    assert statements[trainer.email] == statements["nobody@example.com"]
    assert not [sql for sql in statements[trainer.email] if "auth_user" in sql]
    assert mail.outbox == []
    queued = DBTaskResult.objects.order_by("enqueued_at")
    assert [task.task_path for task in queued] == ["security.tasks.password_reset_send"] * 2
    assert [task.args_kwargs["kwargs"] for task in queued] == [
        {"email": trainer.email, "domain": "testserver", "use_https": False},
        {"email": "nobody@example.com", "domain": "testserver", "use_https": False},
    ]

    # What a worker does with them: one mail, to the account that exists.
    for task in queued:
        password_reset_send.call(**task.args_kwargs["kwargs"])
    assert [message.to for message in mail.outbox] == [[trainer.email]]
    assert "http://testserver/accounts/reset/" in mail.outbox[0].body


def test_a_reset_for_an_unknown_address_answers_alike_and_sends_nothing(client, trainer):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_reset_counters_never_name_the_address_or_the_email(client, trainer):
    client.post(reverse("password_reset"), {"email": trainer.email}, REMOTE_ADDR="10.0.0.1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM django_cache")
        keys = [key for (key,) in cursor.fetchall()]
    assert len(keys) == 2  # one attempt by address, one by e-mail
    for key in keys:
        assert trainer.email not in key.lower()
        assert "10.0.0.1" not in key
        assert re.fullmatch(r".*password-reset:[0-9a-f]{64}:\d+", key)


def test_naming_the_account_another_way_gives_no_extra_attempts(client, trainer, settings):
    """E-mail, username and any mix of case are one account, and count as one."""
    typed = ["alice", "ALICE@example.com", "Alice", "alice@EXAMPLE.com", "aLiCe"]
    assert len(typed) == settings.AXES_FAILURE_LIMIT
    statuses = [attempt(client, "wrong", username=name).status_code for name in typed]
    # The failure that reaches the limit is answered with the lockout page itself.
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    for name in ("alice", "Alice@Example.com", "ALICE"):
        response = attempt(client, PASSWORD, username=name)
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["alice"]
    # From another address the account is not locked, by any of its names.
    assert attempt(client, PASSWORD, address="10.0.0.2", username="Alice@Example.com").status_code == 302


def test_a_name_that_fits_no_account_counts_alike_in_any_case(client, trainer, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong", username="NOBODY" if number % 2 else "nobody")
    assert attempt(client, "wrong", username="NoBody").status_code == 429
