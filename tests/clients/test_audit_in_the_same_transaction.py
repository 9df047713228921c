"""A change to a client and its audit row are one transaction: no change without its row.

The fault is injected where the row is written: its INSERT fails as if the database had
gone away. The change must be gone with it, and the same request sent again once the
database is back saves both.
"""

import pytest
from django.db import DatabaseError
from django.urls import reverse

from clients.models import Client, Screening
from security.models import AuditEvent
from tests.clients.test_client_views import VALID
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, trainer):
    client.force_login(trainer)
    return client


class AuditFault:
    """While on, writing an audit row fails as a lost database connection would."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def on(self) -> None:
        def fail(**fields):
            raise DatabaseError("injected: the audit row could not be written")

        self.monkeypatch.setattr(AuditEvent.objects, "create", fail)

    def off(self) -> None:
        self.monkeypatch.undo()


@pytest.fixture
def fault(monkeypatch) -> AuditFault:
    return AuditFault(monkeypatch)


def post_with_fault_then_retry(django_client, fault: AuditFault, url: str, data: dict, check) -> None:
    """POSTs with the fault on: the request fails and `check(saved=False)` must hold; then
    POSTs the same again with it off: it answers and `check(saved=True)` must hold."""
    fault.on()
    with pytest.raises(DatabaseError, match="injected"):
        django_client.post(url, data)
    check(saved=False)
    assert not AuditEvent.objects.filter(action="change").exists()

    fault.off()
    assert django_client.post(url, data).status_code == 302
    check(saved=True)
    assert AuditEvent.objects.filter(action="change").count() == 1


def test_a_client_is_not_created_without_its_audit_row(signed_in, fault):
    def check(*, saved: bool) -> None:
        assert Client.objects.filter(last_name="Lopez").exists() is saved

    post_with_fault_then_retry(signed_in, fault, reverse("clients:create"), {**VALID, "consent": "on"}, check)
    assert AuditEvent.objects.get(action="change").client == Client.objects.get(last_name="Lopez")


def test_a_client_is_not_changed_without_its_audit_row(signed_in, fault, client_record):
    Client.objects.filter(pk=client_record.pk).update(consent_given_at=None, consent_recorded_by=None)

    def check(*, saved: bool) -> None:
        client_record.refresh_from_db()
        assert client_record.last_name == ("Lopez" if saved else "Doe")
        assert (client_record.consent_given_at is not None) is saved

    url = reverse("clients:update", kwargs={"pk": client_record.pk})
    post_with_fault_then_retry(signed_in, fault, url, {**VALID, "consent": "on"}, check)


def test_a_screening_is_not_recorded_without_its_audit_row(signed_in, fault, client_record):
    def check(*, saved: bool) -> None:
        # The fixture's own screening, and the one posted once saved.
        assert client_record.screenings.count() == 1 + int(saved)

    answers = {
        "screened_on": "2025-03-04",
        **dict.fromkeys(Screening.QUESTIONS, "no"),
        "confirmed_name": "Jane Doe",
        "confirmed_on": "2025-03-04",
    }
    url = reverse("clients:screening", kwargs={"pk": client_record.pk})
    post_with_fault_then_retry(signed_in, fault, url, answers, check)


def test_a_client_is_not_archived_without_its_audit_row(signed_in, fault, client_record):
    def check(*, saved: bool) -> None:
        client_record.refresh_from_db()
        assert client_record.is_archived is saved

    url = reverse("clients:archive", kwargs={"pk": client_record.pk})
    post_with_fault_then_retry(signed_in, fault, url, {}, check)


def test_a_client_is_not_restored_without_its_audit_row(signed_in, fault, client_record):
    Client.objects.filter(pk=client_record.pk).update(is_archived=True)

    def check(*, saved: bool) -> None:
        client_record.refresh_from_db()
        assert client_record.is_archived is not saved

    url = reverse("clients:restore", kwargs={"pk": client_record.pk})
    post_with_fault_then_retry(signed_in, fault, url, {}, check)


@pytest.mark.parametrize("action", ["invite", "resend_invite"])
def test_no_portal_account_is_made_without_its_audit_row(signed_in, fault, trainer, action):
    invitee = ClientFactory(trainer=trainer, email="maya@example.com")

    def check(*, saved: bool) -> None:
        invitee.refresh_from_db()
        assert (invitee.portal_user is not None) is saved

    url = reverse(f"clients:{action}", kwargs={"pk": invitee.pk})
    post_with_fault_then_retry(signed_in, fault, url, {}, check)
    assert invitee.portal_user.username == "maya@example.com"


def test_portal_access_is_not_revoked_without_its_audit_row(signed_in, fault, client_record):
    account = client_record.portal_user

    def check(*, saved: bool) -> None:
        account.refresh_from_db()
        assert account.is_active is not saved
        assert account.has_usable_password() is not saved

    url = reverse("clients:revoke_access", kwargs={"pk": client_record.pk})
    post_with_fault_then_retry(signed_in, fault, url, {}, check)
