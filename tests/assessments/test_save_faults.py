"""Faults during a save: the form comes back as typed, and nothing is half-saved.

Database errors are injected where they would happen, into the SQL the save sends
(`connection.execute_wrapper`), or for real: a row lock held by a second connection.
"""

import re
from contextlib import contextmanager
from datetime import date

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, MuscleFinding, PatternFinding
from security.models import AuditEvent
from tests import factories
from tests.assessments.conftest import form_data

NOT_SAVED = 'data-testid="not-saved-alert"'


@pytest.fixture
def signed_in(client, trainer):
    client.force_login(trainer)
    return client


@pytest.fixture
def draft(client_record, catalogue):
    """A draft at version 1 with a tilt finding and its flexor."""
    draft = factories.AssessmentFactory(
        client=client_record, session_date=date(2026, 2, 1), notes="As it was", pain_score=5
    )
    factories.PatternFindingFactory(assessment=draft, pattern=catalogue.tilt, severity=3, side="")
    factories.MuscleFindingFactory(
        assessment=draft, muscle=catalogue.tilt_over.muscle, pattern=catalogue.tilt, role="over-active"
    )
    return draft


def _edit_url(assessment) -> str:
    return reverse("assessments:update", kwargs={"pk": assessment.pk})


def _typed(catalogue, **extra) -> dict:
    """The edit form as the trainer filled it in: new notes, the tilt eased, the turn found."""
    tilt, turn = f"p{catalogue.tilt.pk}", f"p{catalogue.turn.pk}"
    return form_data(
        version=1,
        session_date="2026-02-01",
        pain="2",
        notes="Typed before the fault",
        **{
            tilt: {"severity": "1", f"m{catalogue.tilt_over.pk}-confirmed": "on", "note": "Eased"},
            turn: {"severity": "2", "side": "left", "note": "Typed turn note"},
        },
        **extra,
    )


def _stored(assessment) -> tuple:
    """Everything a save changes, history and audit trail included."""
    row = Assessment.objects.values_list("notes", "pain_score", "version", "status").get(pk=assessment.pk)
    return (
        row,
        sorted(PatternFinding.objects.filter(assessment=assessment).values_list("pattern_id", "severity")),
        sorted(MuscleFinding.objects.filter(assessment=assessment).values_list("muscle_id", "role")),
        Assessment.history.filter(id=assessment.pk).count(),
        PatternFinding.history.filter(assessment_id=assessment.pk).count(),
        AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE).count(),
    )


def _assert_kept_as_typed(html: str, catalogue) -> None:
    tilt, turn = f"p{catalogue.tilt.pk}", f"p{catalogue.turn.pk}"
    assert "Typed before the fault</textarea>" in html
    assert 'value="2"' in re.search(r'<input[^>]*name="pain_score"[^>]*>', html)[0]
    assert f'name="{tilt}-severity" value="1" checked' in html
    assert f'name="{turn}-severity" value="2" checked' in html
    assert f'name="{turn}-side" value="left" checked' in html
    assert 'value="Eased"' in html and 'value="Typed turn note"' in html


@contextmanager
def failing(table: str, error: type[Exception] = OperationalError, *, then_everything: bool = False):
    """The first statement that writes `table` fails with `error`; with `then_everything`, every
    statement after it too (the database gone), but for the test's own savepoints."""
    state = {"down": False}

    def execute(run, sql, params, many, context):
        keeps_transaction = sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))
        writes = (
            sql.startswith(("INSERT INTO", "UPDATE", "DELETE FROM")) and f'"{table}"' in sql.split("(")[0]
        )
        if writes or (state["down"] and not keeps_transaction):
            state["down"] = then_everything
            raise error("injected: the database did not answer")
        return run(sql, params, many, context)

    with connection.execute_wrapper(execute):
        yield


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize(
    "table", ["assessments_assessment", "assessments_historicalpatternfinding", "security_auditevent"]
)
def test_a_database_error_in_a_save_keeps_the_form_as_typed_and_saves_nothing(
    signed_in, draft, catalogue, table, error
):
    """Whether the version claim, a finding's history or the audit row fails: nothing stays."""
    signed_in.get(_edit_url(draft))
    before = _stored(draft)
    with failing(table, error):
        response = signed_in.post(_edit_url(draft), _typed(catalogue))
    assert response.status_code == 503
    html = response.content.decode()
    assert NOT_SAVED in html
    assert "Not saved — try again." in html
    _assert_kept_as_typed(html, catalogue)
    assert _stored(draft) == before
    # Sent again once the database answers, it saves.
    assert signed_in.post(_edit_url(draft), _typed(catalogue)).status_code == 302
    assert _stored(draft)[0] == ("Typed before the fault", 2, 2, "draft")


def test_a_new_assessment_whose_save_failed_comes_back_new_and_saves_once(
    signed_in, client_record, catalogue
):
    url = reverse("assessments:create", args=[client_record.pk])
    token = re.search(r'name="submission_token" value="([^"]+)"', signed_in.get(url).content.decode())[1]
    data = {**_typed(catalogue), "submission_token": token}
    del data["version"]
    with failing("assessments_patternfinding"):
        response = signed_in.post(url, data)
    assert response.status_code == 503
    html = response.content.decode()
    _assert_kept_as_typed(html, catalogue)
    # Still the new-assessment form, with its token: nothing was created.
    assert '<h1 class="h2">New assessment' in html
    assert f'name="submission_token" value="{token}"' in html
    assert not Assessment.objects.filter(client=client_record).exists()
    assert signed_in.post(url, data).status_code == 302
    assert signed_in.post(url, data).status_code == 302
    (created,) = Assessment.objects.filter(client=client_record)
    assert created.notes == "Typed before the fault"


def test_the_form_comes_back_as_typed_when_the_database_is_gone(signed_in, draft, catalogue):
    """Nothing after the failed write answers either, not even the page's own reads."""
    signed_in.get(_edit_url(draft))
    before = _stored(draft)
    with failing("assessments_assessment", then_everything=True):
        response = signed_in.post(_edit_url(draft), _typed(catalogue))
    assert response.status_code == 503
    _assert_kept_as_typed(response.content.decode(), catalogue)
    assert _stored(draft) == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_row_lock_held_elsewhere_times_out_and_keeps_the_form(trainer, client_record, catalogue):
    """A second connection holds the assessment's row (SELECT ... FOR UPDATE); the save waits
    no longer than lock_timeout, and the trainer gets the form back to try again."""
    if connection.vendor != "postgresql":
        pytest.skip("lock_timeout is PostgreSQL's")
    draft = factories.AssessmentFactory(
        client=client_record, session_date=date(2026, 2, 1), notes="As it was"
    )
    browser = Client()
    browser.force_login(trainer)
    browser.get(_edit_url(draft))
    other = connection.copy()
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute("SELECT id FROM assessments_assessment WHERE id = %s FOR UPDATE", [draft.pk])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        response = browser.post(_edit_url(draft), _typed(catalogue))
    finally:
        other.rollback()
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert response.status_code == 503
    _assert_kept_as_typed(response.content.decode(), catalogue)
    draft.refresh_from_db()
    assert (draft.notes, draft.version) == ("As it was", 1)
    assert browser.post(_edit_url(draft), _typed(catalogue)).status_code == 302
    draft.refresh_from_db()
    assert (draft.notes, draft.version) == ("Typed before the fault", 2)


def test_an_assessment_finalised_meanwhile_keeps_the_form_as_typed(signed_in, draft, catalogue, trainer):
    services.assessment_finalise(assessment=draft, by=trainer)
    before = _stored(draft)
    response = signed_in.post(_edit_url(draft), _typed(catalogue))
    assert response.status_code == 409
    html = response.content.decode()
    assert NOT_SAVED in html
    assert "Not saved — this assessment was finalised meanwhile." in html
    _assert_kept_as_typed(html, catalogue)
    assert _stored(draft) == before


def test_a_double_click_on_save_saves_once_and_says_saved(signed_in, draft, catalogue):
    """The second post carries the version the first one claimed: what it asks is already stored."""
    first = signed_in.post(_edit_url(draft), _typed(catalogue), follow=True)
    saved = _stored(draft)
    second = signed_in.post(_edit_url(draft), _typed(catalogue), follow=True)
    assert first.redirect_chain == second.redirect_chain == [(draft.get_absolute_url(), 302)]
    assert "Assessment of Jane Doe on 01 Feb 2026 saved." in second.content.decode()
    # Nothing written the second time: no new version, no history row.
    assert _stored(draft)[:5] == saved[:5]
    # A retry that differs from what is stored is someone else's save: still a conflict.
    response = signed_in.post(_edit_url(draft), {**_typed(catalogue), "notes": "Something else"})
    assert response.status_code == 409
    assert 'data-testid="conflict-alert"' in response.content.decode()
    assert _stored(draft)[:5] == saved[:5]


def test_a_double_click_on_save_and_finalise_says_saved_and_finalised(signed_in, draft, catalogue):
    data = {**_typed(catalogue), "finalise": "1"}
    first = signed_in.post(_edit_url(draft), data, follow=True)
    assert "saved and finalised." in first.content.decode()
    saved = _stored(draft)
    assert saved[0] == ("Typed before the fault", 2, 3, "final")
    second = signed_in.post(_edit_url(draft), data, follow=True)
    assert second.redirect_chain == [(draft.get_absolute_url(), 302)]
    html = second.content.decode()
    assert "Assessment of Jane Doe on 01 Feb 2026 saved and finalised." in html
    assert "This assessment is final" not in html
    assert _stored(draft)[:5] == saved[:5]


def test_save_then_save_and_finalise_of_the_same_form_finalises(signed_in, draft, catalogue):
    assert signed_in.post(_edit_url(draft), _typed(catalogue)).status_code == 302
    response = signed_in.post(_edit_url(draft), {**_typed(catalogue), "finalise": "1"})
    assert response.status_code == 302
    assert _stored(draft)[0] == ("Typed before the fault", 2, 3, "final")


def test_save_and_finalise_is_one_transaction(signed_in, draft, catalogue, monkeypatch):
    """The finalise fails after the save went through: the save is rolled back with it."""

    def fail(**kwargs):
        raise OperationalError("injected: the finalise did not complete")

    monkeypatch.setattr(services, "assessment_finalise", fail)
    before = _stored(draft)
    response = signed_in.post(_edit_url(draft), {**_typed(catalogue), "finalise": "1"})
    assert response.status_code == 503
    _assert_kept_as_typed(response.content.decode(), catalogue)
    assert _stored(draft) == before


@pytest.mark.parametrize("action", ["finalise", "reopen"])
def test_a_finalise_or_reopen_whose_audit_row_fails_changes_nothing(
    signed_in, draft, trainer, action, django_capture_on_commit_callbacks
):
    if action == "reopen":
        services.assessment_finalise(assessment=draft, by=trainer)
    before = _stored(draft)
    url = reverse(f"assessments:{action}", kwargs={"pk": draft.pk})
    with django_capture_on_commit_callbacks() as callbacks, failing("security_auditevent"):
        response = signed_in.post(url)
    assert response.url == draft.get_absolute_url()
    page = signed_in.get(response.url).content.decode()
    done = {"finalise": "finalised", "reopen": "reopened"}[action]
    assert f"Not {done} — the database did not answer in time. Nothing changed" in page
    assert _stored(draft) == before
    # Nothing announced either: no PDF is rendered for a finalise that did not happen.
    assert callbacks == []


@pytest.fixture
def csrf_browser(trainer) -> Client:
    """A browser whose posts must carry the CSRF token, as real ones must."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(trainer)
    return browser


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def test_a_post_too_large_to_read_gets_the_form_back_as_saved(
    csrf_browser, draft, catalogue, settings, django_assert_max_num_queries
):
    """Django refuses to read a post of too many fields: the page says so, from what is stored."""
    token = _token(csrf_browser.get(_edit_url(draft)).content.decode())
    before = _stored(draft)
    typed = {**_typed(catalogue), "csrfmiddlewaretoken": token}
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = len(typed) - 1
    response = csrf_browser.post(_edit_url(draft), typed)
    assert response.status_code == 413
    html = response.content.decode()
    assert NOT_SAVED in html
    assert "The form was too large to send, so nothing in it could be read or saved." in html
    assert "As it was</textarea>" in html
    assert f'name="p{catalogue.tilt.pk}-severity" value="3" checked' in html
    assert _stored(draft) == before
    assert AuditEvent.objects.latest("pk").action == AuditEvent.Action.VIEW
    # The token is still checked on every post that can be read.
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
    assert csrf_browser.post(_edit_url(draft), {**typed, "csrfmiddlewaretoken": "x" * 64}).status_code == 403
    assert csrf_browser.post(_edit_url(draft), _typed(catalogue)).status_code == 403
    assert _stored(draft) == before
    assert csrf_browser.post(_edit_url(draft), typed).status_code == 302


def test_a_post_of_too_many_bytes_gets_the_new_form_back(csrf_browser, client_record, settings):
    url = reverse("assessments:create", args=[client_record.pk])
    token = _token(csrf_browser.get(url).content.decode())
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    response = csrf_browser.post(url, {**form_data(notes="n" * 3_000), "csrfmiddlewaretoken": token})
    assert response.status_code == 413
    html = response.content.decode()
    assert "Below is a new, empty form" in html
    assert not Assessment.objects.filter(client=client_record).exists()
