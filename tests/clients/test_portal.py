"""The portal invitation, end to end: e-mail, link, password, portal, and revoking access."""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client as BrowserClient
from django.urls import reverse

from clients.models import Client
from tests.factories import AssessmentFactory, ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a sturdy new passphrase 42"


@pytest.fixture
def invitee(trainer) -> Client:
    return ClientFactory(trainer=trainer, first_name="Maya", last_name="Lopez", email="maya@example.com")


@pytest.fixture
def signed_in(client, trainer):
    client.force_login(trainer)
    return client


def _invite(django_client, target: Client, action: str = "invite") -> str:
    """Posts the invitation and returns the link's path from the e-mail."""
    sent_before = len(mail.outbox)
    response = django_client.post(reverse(f"clients:{action}", kwargs={"pk": target.pk}))
    assert response.status_code == 302
    assert len(mail.outbox) == sent_before + 1
    return re.search(r"https://studio\.example\.com(/portal/welcome/\S+/)", mail.outbox[-1].body).group(1)


def _set_password(browser: BrowserClient, link: str, password: str = NEW_PASSWORD):
    response = browser.get(link)
    assert response.status_code == 302, "a valid link redirects to the form without the token"
    form_url = response["Location"]
    return browser.post(form_url, {"new_password1": password, "new_password2": password})


def test_the_invitation_flow_end_to_end(signed_in, trainer, invitee):
    AssessmentFactory(client=invitee, final=True, session_date="2025-02-03")
    AssessmentFactory(client=invitee, session_date="2025-04-05")  # a draft stays hidden

    link = _invite(signed_in, invitee)

    invitee.refresh_from_db()
    account = invitee.portal_user
    assert account.username == "maya@example.com"
    assert account.is_active
    assert not account.has_usable_password()
    assert mail.outbox[0].to == ["maya@example.com"]
    assert "Alice Archer" in mail.outbox[0].subject
    assert "Invited as maya@example.com" in signed_in.get(invitee.get_absolute_url()).text

    browser = BrowserClient()
    response = _set_password(browser, link)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")

    portal = browser.get(reverse("portal:home"))
    assert portal.status_code == 200
    assert "Maya Lopez" in portal.text
    assert "Your trainer is Alice Archer" in portal.text
    assert "3 February 2025" in portal.text
    assert "5 April 2025" not in portal.text

    # Signing in afresh with the e-mail and the new password works too.
    fresh = BrowserClient()
    response = fresh.post(reverse("login"), {"username": "maya@example.com", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert fresh.get(reverse("portal:home")).status_code == 200
    assert "Has access as maya@example.com" in signed_in.get(invitee.get_absolute_url()).text


def test_a_used_link_is_refused(signed_in, invitee):
    link = _invite(signed_in, invitee)
    _set_password(BrowserClient(), link)

    response = BrowserClient().get(link)
    assert response.status_code == 200
    assert 'data-testid="invalid-link"' in response.text


def test_an_expired_link_is_refused(signed_in, invitee, settings, monkeypatch):
    link = _invite(signed_in, invitee)
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)

    response = BrowserClient().get(link)
    assert response.status_code == 200
    assert 'data-testid="invalid-link"' in response.text


def test_a_link_within_its_lifetime_works(signed_in, invitee, settings, monkeypatch):
    link = _invite(signed_in, invitee)
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    assert BrowserClient().get(link).status_code == 302


def test_re_sending_makes_a_new_link_and_voids_the_old_one(signed_in, invitee):
    first = _invite(signed_in, invitee)
    second = _invite(signed_in, invitee, action="resend_invite")
    assert first != second
    assert 'data-testid="invalid-link"' in BrowserClient().get(first).text
    assert _set_password(BrowserClient(), second).status_code == 302
    assert get_user_model().objects.filter(username="maya@example.com").count() == 1


def test_a_new_link_voids_the_older_ones_for_a_client_with_a_password(signed_in, invitee):
    """A client who chose a password and asks for new links: only the newest one works."""
    browser = BrowserClient()
    _set_password(browser, _invite(signed_in, invitee))
    assert browser.get(reverse("portal:home")).status_code == 200

    first = _invite(signed_in, invitee, action="resend_invite")
    assert BrowserClient().get(first).status_code == 302, "the link works until the next one is sent"
    second = _invite(signed_in, invitee, action="resend_invite")

    assert 'data-testid="invalid-link"' in BrowserClient().get(first).text
    # The old password and its sessions went with the old links.
    assert browser.get(reverse("portal:home")).status_code == 302
    old_password = BrowserClient()
    old_password.post(reverse("login"), {"username": "maya@example.com", "password": NEW_PASSWORD})
    assert "_auth_user_id" not in old_password.session
    assert _set_password(BrowserClient(), second, "another good passphrase 9").status_code == 302


def test_inviting_needs_an_email(signed_in, trainer):
    no_email = ClientFactory(trainer=trainer, first_name="Nomail", last_name="Person", email="")
    response = signed_in.post(reverse("clients:invite", kwargs={"pk": no_email.pk}), follow=True)
    assert "Add Nomail Person&#x27;s e-mail address" in response.text
    no_email.refresh_from_db()
    assert no_email.portal_user is None
    assert mail.outbox == []


def test_inviting_never_takes_over_someone_elses_account(signed_in, trainer, other_trainer, invitee):
    # Another account already uses the client's e-mail as its username.
    stranger = UserFactory(username="maya@example.com")
    response = signed_in.post(reverse("clients:invite", kwargs={"pk": invitee.pk}), follow=True)
    assert "already belongs to another account" in response.text
    invitee.refresh_from_db()
    assert invitee.portal_user is None
    stranger.refresh_from_db()
    assert stranger.has_usable_password()
    assert mail.outbox == []


def test_an_archived_client_cannot_be_invited(signed_in, invitee):
    Client.objects.filter(pk=invitee.pk).update(is_archived=True)
    response = signed_in.post(reverse("clients:invite", kwargs={"pk": invitee.pk}), follow=True)
    assert "Restore the client" in response.text
    assert mail.outbox == []


def test_revoking_ends_sessions_and_refuses_sign_in(signed_in, invitee):
    link = _invite(signed_in, invitee)
    browser = BrowserClient()
    _set_password(browser, link)
    assert browser.get(reverse("portal:home")).status_code == 200
    user_id = str(Client.objects.get(pk=invitee.pk).portal_user_id)
    assert any(s.get_decoded().get("_auth_user_id") == user_id for s in Session.objects.all())

    response = signed_in.post(reverse("clients:revoke_access", kwargs={"pk": invitee.pk}), follow=True)
    assert "access was revoked" in response.text
    assert "Access revoked" in response.text

    invitee.refresh_from_db()
    assert invitee.portal_user.is_active is False
    assert not any(s.get_decoded().get("_auth_user_id") == user_id for s in Session.objects.all())
    # The open browser is signed out.
    response = browser.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    # Signing in again is refused.
    again = BrowserClient()
    response = again.post(reverse("login"), {"username": "maya@example.com", "password": NEW_PASSWORD})
    assert response.status_code == 200
    assert "do not match an account" in response.text
    assert "_auth_user_id" not in again.session


def test_revoking_voids_a_pending_link(signed_in, invitee):
    link = _invite(signed_in, invitee)
    signed_in.post(reverse("clients:revoke_access", kwargs={"pk": invitee.pk}))
    assert 'data-testid="invalid-link"' in BrowserClient().get(link).text


def test_re_inviting_a_revoked_client_reactivates_them_with_a_new_link(signed_in, invitee):
    _set_password(BrowserClient(), _invite(signed_in, invitee))
    signed_in.post(reverse("clients:revoke_access", kwargs={"pk": invitee.pk}))

    link = _invite(signed_in, invitee)
    invitee.refresh_from_db()
    assert invitee.portal_user.is_active
    browser = BrowserClient()
    assert _set_password(browser, link, "another good passphrase 9").status_code == 302
    assert browser.get(reverse("portal:home")).status_code == 200


def test_the_set_password_page_refuses_non_portal_accounts(trainer):
    """A valid token for a trainer must not work on the portal's page."""
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    link = reverse(
        "portal:set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(trainer.pk)),
            "token": default_token_generator.make_token(trainer),
        },
    )
    response = BrowserClient().get(link)
    assert response.status_code == 200
    assert 'data-testid="invalid-link"' in response.text


def test_a_garbled_link_is_refused(client):
    response = client.get(reverse("portal:set_password", kwargs={"uidb64": "zz", "token": "nope-nope"}))
    assert response.status_code == 200
    assert 'data-testid="invalid-link"' in response.text


def test_a_changed_email_moves_the_portal_login(signed_in, invitee):
    _invite(signed_in, invitee)
    Client.objects.filter(pk=invitee.pk).update(email="maya.new@example.com")
    _invite(signed_in, invitee, action="resend_invite")
    invitee.refresh_from_db()
    assert invitee.portal_user.username == "maya.new@example.com"
    assert mail.outbox[-1].to == ["maya.new@example.com"]


def test_the_portal_lists_many_sessions_a_page_at_a_time(client, client_user, client_record):
    AssessmentFactory.create_batch(25, client=client_record, final=True)
    AssessmentFactory(client=client_record)  # a draft is never listed
    client.force_login(client_user)

    first = client.get(reverse("portal:home"))
    second = client.get(reverse("portal:home"), {"page": "2"})

    assert first.text.count("summary.pdf") == 20
    assert "Page 1 of 2" in first.text
    assert second.text.count("summary.pdf") == 5
