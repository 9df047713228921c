import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, TrainerFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_login_and_back(client, trainer):
    response = client.get(reverse("clients:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('clients:dashboard')}"

    response = client.post(
        reverse("login"),
        {"username": "alice", "password": PASSWORD, "next": reverse("clients:dashboard")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:dashboard")
    assert client.get(reverse("clients:dashboard")).status_code == 200


def test_wrong_password_shows_an_error(client, trainer):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "do not match an account" in response.text
    assert 'value="alice"' in response.text
    assert "_auth_user_id" not in client.session


def test_password_reset_mail_link_sets_a_new_password(client, trainer):
    response = client.post(reverse("password_reset"), {"email": trainer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)

    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "a-brand new-pass 77", "new_password2": "a-brand new-pass 77"}
    )
    assert response.status_code == 302
    trainer.refresh_from_db()
    assert trainer.check_password("a-brand new-pass 77")


@pytest.mark.parametrize(
    ("who", "destination"),
    [("trainer", "/clients/dashboard/"), ("client", "/portal/"), ("admin", "/admin/")],
)
def test_home_sends_each_person_to_their_place(client, persona, who, destination):
    client.force_login(persona[who])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == destination


def test_argon2_is_the_first_password_hasher_and_is_installed():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from trainer_site import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("a long passphrase", hasher.salt())
    assert encoded.startswith("argon2$") and hasher.verify("a long passphrase", encoded)


def test_pages_show_who_is_signed_in_and_their_role(client):
    trainer = TrainerFactory(username="carol", first_name="Carol", last_name="Coach")
    client.force_login(trainer)
    response = client.get(reverse("clients:dashboard"))
    assert "Carol Coach" in response.text
    assert ">trainer<" in response.text
    assert 'href="#main"' in response.text


def test_a_client_cannot_open_the_trainer_dashboard(client, client_user):
    client.force_login(client_user)
    assert client.get(reverse("clients:dashboard")).status_code == 403


def test_unknown_page_is_a_404_in_the_site_look(client, trainer):
    client.force_login(trainer)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_responses_carry_a_content_security_policy(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_the_trainer_role_follows_the_group_at_once(
    client, trainer, client_record, django_assert_num_queries
):
    """The role is read once per request, never kept: leaving the trainers group counts at once."""
    client.force_login(trainer)
    url = client_record.get_absolute_url()
    assert client.get(url).status_code == 200  # the first request also stamps the session
    # Session, user, role, the studio for the page header, and the dashboard's one query for the clients.
    with django_assert_num_queries(5):
        assert client.get(reverse("clients:dashboard")).status_code == 200
    trainer.groups.clear()
    assert client.get(url).status_code == 403
    assert client.get(reverse("clients:dashboard")).status_code == 403


# Signing in with an e-mail address or a username, in any case.


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_sign_in_field_asks_for_an_email_or_a_username(client):
    response = client.get(reverse("login"))
    assert re.search(r'<label\s+for="id_username"[^>]*>\s*E-mail or username<', response.text)
    assert 'autocomplete="username"' in response.text


@pytest.mark.parametrize("typed", ["alice@example.com", "Alice@Example.COM", "ALICE", "Alice", "alice"])
def test_it_signs_in_with_the_email_or_the_username_in_any_case(client, trainer, typed):
    response = sign_in(client, typed)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(trainer.pk)


def test_an_email_shared_by_two_accounts_signs_no_one_in(client, trainer):
    twin = TrainerFactory(username="alice2", email="ALICE@example.com")
    response = sign_in(client, "alice@example.com")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    error = "More than one account uses this e-mail address. Sign in with your username instead."
    assert error in response.text
    # Shown by the field it concerns, and each account's username still works.
    assert 'aria-describedby="id_username_error"' in response.text
    assert "do not match an account" not in response.text
    assert sign_in(client, "alice2").status_code == 302
    assert client.session["_auth_user_id"] == str(twin.pk)


def test_an_inactive_accounts_email_does_not_make_an_active_one_ambiguous(client, trainer):
    TrainerFactory(username="old-alice", email="alice@example.com", is_active=False)
    assert sign_in(client, "Alice@example.com").status_code == 302
    assert client.session["_auth_user_id"] == str(trainer.pk)


def test_a_username_is_taken_before_another_accounts_email(client, trainer):
    # Portal accounts are named by their e-mail: that name wins over an e-mail on another account.
    portal = TrainerFactory(username="jo@example.com", email="jo@example.com")
    TrainerFactory(username="jo", email="JO@example.com")
    assert sign_in(client, "Jo@Example.com").status_code == 302
    assert client.session["_auth_user_id"] == str(portal.pk)


def test_usernames_that_differ_only_in_case_need_the_exact_one(client, trainer):
    TrainerFactory(username="Alice", email="other-alice@example.com")
    assert sign_in(client, "ALICE").status_code == 200
    assert sign_in(client, "alice").status_code == 302
    assert client.session["_auth_user_id"] == str(trainer.pk)


@pytest.mark.parametrize("typed", ["alice", "ALICE@example.com", "nobody", "nobody@example.com"])
def test_a_wrong_password_or_unknown_account_is_shown_under_the_password(client, trainer, typed):
    response = sign_in(client, typed, "not the password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    form = response.context["form"]
    # One message, whether the account or the password was wrong.
    assert form.errors == {
        "password": [
            "This e-mail or username and password do not match an account. Check the password: "
            "capitals count in it."
        ]
    }
    assert form.non_field_errors() == []
    assert 'aria-describedby="id_password_error"' in response.text
    assert '<div id="id_password_error" class="invalid-feedback">' in response.text
    assert f'value="{typed}"' in response.text
