"""A client form whose save meets a database that does not answer comes back as typed.

The fault is injected on the write itself (an INSERT or UPDATE failing as a lost
connection or a lock timeout would): nothing is saved, the page says so by the form, and
every value typed is still in it.
"""

from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Screening
from clients.services import NOT_SAVED
from security.models import AuditEvent
from tests.clients.test_client_views import VALID

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, trainer):
    client.force_login(trainer)
    return client


@contextmanager
def database_gone_for(table: str):
    """Writes to `table` fail as if the connection were lost; reads still work."""

    def fail(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE")) and f'"{table}"' in sql:
            raise OperationalError("injected: server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail):
        yield


def _shown_again(response, typed: dict[str, str]) -> None:
    assert response.status_code == 503
    text = response.content.decode()
    assert NOT_SAVED.split(" — ")[0] in text
    for value in typed.values():
        if value not in ("on", ""):
            assert value in text, value


def test_a_new_client_not_saved_comes_back_as_typed(signed_in):
    typed = {**VALID, "goals": "Run a half marathon in spring", "health_notes": "Old knee injury"}
    with database_gone_for("clients_client"):
        response = signed_in.post(reverse("clients:create"), typed)

    _shown_again(response, typed)
    assert not Client.objects.filter(first_name=VALID["first_name"]).exists()
    assert not AuditEvent.objects.exists()


def test_an_edit_not_saved_comes_back_as_typed(signed_in, client_record):
    typed = {**VALID, "first_name": "Janet", "goals": "Carry the twins upstairs"}
    with database_gone_for("clients_client"):
        response = signed_in.post(reverse("clients:update", kwargs={"pk": client_record.pk}), typed)

    _shown_again(response, typed)
    client_record.refresh_from_db()
    assert client_record.first_name != "Janet"


def test_a_screening_not_saved_comes_back_as_answered(signed_in, client_record):
    answers = {"screened_on": timezone.localdate().isoformat()}
    answers |= dict.fromkeys(Screening.QUESTIONS, "no")
    answers |= {"notes": "Walks daily.", "confirmed_name": "jane doe", "confirmed_on": answers["screened_on"]}
    before = Screening.objects.count()
    with database_gone_for("clients_screening"):
        response = signed_in.post(reverse("clients:screening", kwargs={"pk": client_record.pk}), answers)

    _shown_again(response, {"screened_on": answers["screened_on"], "confirmed_name": "jane doe"})
    assert "Walks daily." in response.content.decode()
    assert Screening.objects.count() == before
    # Every answer given is still ticked.
    assert response.content.decode().count("checked") >= len(Screening.QUESTIONS)
