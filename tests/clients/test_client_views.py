"""The trainer's client book: what each page shows and what each form saves."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.forms import CONSENT_LABEL
from clients.models import GOALS_MAX_LENGTH, HEALTH_NOTES_MAX_LENGTH, Client
from tests.factories import AssessmentFactory, ClientFactory

pytestmark = pytest.mark.django_db

VALID = {
    "first_name": "Maya",
    "last_name": "Lopez",
    "email": "Maya.Lopez@Example.com",
    "phone": "07700 900123",
    "date_of_birth": "1990-05-17",
    "goals": "Stand taller",
    "health_notes": "Old ankle sprain",
}


@pytest.fixture
def signed_in(client, trainer):
    client.force_login(trainer)
    return client


def test_it_creates_a_client_owned_by_the_trainer_with_consent(signed_in, trainer):
    response = signed_in.post(reverse("clients:create"), {**VALID, "consent": "on"})
    created = Client.objects.get(last_name="Lopez")
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert created.trainer == trainer
    assert created.email == "maya.lopez@example.com"
    assert created.date_of_birth == date(1990, 5, 17)
    assert created.consent_recorded_by == trainer
    assert timezone.now() - created.consent_given_at < timedelta(minutes=1)


def test_it_records_no_consent_when_the_box_is_unticked(signed_in):
    signed_in.post(reverse("clients:create"), VALID)
    created = Client.objects.get(last_name="Lopez")
    assert created.consent_given_at is None
    assert created.consent_recorded_by is None


def test_the_form_offers_the_consent_statement(signed_in):
    response = signed_in.get(reverse("clients:create"))
    assert CONSENT_LABEL in response.text
    assert 'name="trainer"' not in response.text


def test_posting_a_trainer_field_has_no_effect_on_create(signed_in, trainer, other_trainer):
    signed_in.post(reverse("clients:create"), {**VALID, "trainer": other_trainer.pk})
    assert Client.objects.get(last_name="Lopez").trainer == trainer


def test_posting_a_trainer_field_has_no_effect_on_update(signed_in, trainer, other_trainer, client_record):
    url = reverse("clients:update", kwargs={"pk": client_record.pk})
    response = signed_in.post(url, {**VALID, "trainer": other_trainer.pk, "portal_user": ""})
    assert response.status_code == 302
    client_record.refresh_from_db()
    assert client_record.trainer == trainer
    assert client_record.first_name == "Maya"
    assert client_record.portal_user is not None


def test_update_keeps_the_first_consent_date(signed_in, client_record, other_trainer):
    given = timezone.now() - timedelta(days=100)
    Client.objects.filter(pk=client_record.pk).update(consent_given_at=given)
    signed_in.post(reverse("clients:update", kwargs={"pk": client_record.pk}), {**VALID, "consent": "on"})
    client_record.refresh_from_db()
    assert client_record.consent_given_at == given


def test_unticking_consent_withdraws_it(signed_in, client_record, trainer):
    Client.objects.filter(pk=client_record.pk).update(
        consent_given_at=timezone.now(), consent_recorded_by=trainer
    )
    signed_in.post(reverse("clients:update", kwargs={"pk": client_record.pk}), VALID)
    client_record.refresh_from_db()
    assert client_record.consent_given_at is None


@pytest.mark.parametrize(
    ("born", "message"),
    [
        ((date.today() + timedelta(days=2)).isoformat(), "cannot be in the future"),
        ("1899-12-31", "dates before 1900 are not accepted"),
        ("17/05/1990x", "Enter a valid date"),
    ],
)
def test_it_refuses_an_implausible_date_of_birth(signed_in, born, message):
    response = signed_in.post(reverse("clients:create"), {**VALID, "date_of_birth": born})
    assert response.status_code == 200
    assert message in response.text
    assert not Client.objects.filter(last_name="Lopez").exists()


def test_it_keeps_every_entered_value_on_error(signed_in):
    typed = {**VALID, "email": "not-an-email", "date_of_birth": "2999-01-01", "consent": "on"}
    response = signed_in.post(reverse("clients:create"), typed)
    assert response.status_code == 200
    text = response.text
    for field in ("first_name", "last_name", "email", "phone", "date_of_birth"):
        assert f'value="{typed[field]}"' in text, field
    assert "\nStand taller</textarea>" in text
    assert "\nOld ankle sprain</textarea>" in text
    assert 'id="id_consent" checked' in text
    # Each error sits with its field (crispy puts it in the field's feedback block).
    assert 'id="error_1_id_email"' in text
    assert 'id="error_1_id_date_of_birth"' in text
    assert not Client.objects.exists()


LIMITS = [("goals", GOALS_MAX_LENGTH), ("health_notes", HEALTH_NOTES_MAX_LENGTH)]


@pytest.mark.parametrize(("field", "limit"), LIMITS)
@pytest.mark.parametrize("how", ["create", "update"])
def test_free_text_is_held_to_its_limit(signed_in, client_record, how, field, limit):
    """One character over: an error by the field, the text kept, nothing saved; at the limit: saved."""
    url = reverse("clients:create") if how == "create" else reverse("clients:update", args=[client_record.pk])
    before = Client.objects.values(field).get(pk=client_record.pk)
    typed = "w" * limit + "!"
    response = signed_in.post(url, {**VALID, field: typed})
    assert response.status_code == 200
    assert f"Ensure this value has at most {limit} characters (it has {limit + 1})." in response.text
    assert f'id="error_1_id_{field}"' in response.text
    assert f"\n{typed}</textarea>" in response.text
    assert not Client.objects.filter(last_name="Lopez").exists()
    assert Client.objects.values(field).get(pk=client_record.pk) == before

    response = signed_in.post(url, {**VALID, field: typed[:limit]})
    assert response.status_code == 302
    assert getattr(Client.objects.get(last_name="Lopez"), field) == typed[:limit]


def test_the_detail_page_shows_profile_consent_and_portal_status(signed_in, client_record, trainer):
    Client.objects.filter(pk=client_record.pk).update(
        goals="Run a 10k", consent_given_at=timezone.now(), consent_recorded_by=trainer
    )
    response = signed_in.get(client_record.get_absolute_url())
    assert "Run a 10k" in response.text
    assert "Given, recorded" in response.text
    assert "Alice Archer" in response.text
    assert "no password chosen yet" not in response.text
    assert "Has access as jane.doe@example.com" in response.text


def test_the_detail_page_offers_an_invitation_when_there_is_no_access(signed_in, trainer):
    target = ClientFactory(trainer=trainer)
    response = signed_in.get(target.get_absolute_url())
    assert "No portal access" in response.text
    assert reverse("clients:invite", kwargs={"pk": target.pk}) in response.text


def test_the_detail_page_lists_sessions_and_links_the_one_progress_page(signed_in, client_record):
    AssessmentFactory(client=client_record, session_date=date(2026, 1, 5), status="final", pain_score=4)
    AssessmentFactory(client=client_record, session_date=date(2026, 2, 9), notes="Felt looser.")
    AssessmentFactory(session_date=date(2026, 1, 20))  # another client's
    response = signed_in.get(client_record.get_absolute_url())
    rows = response.text.split('data-testid="assessment-row"')[1:]
    assert len(rows) == 2
    assert "9 Feb 2026" in rows[0] and "draft" in rows[0] and "Felt looser." in rows[0]
    assert "5 Jan 2026" in rows[1] and "final" in rows[1] and "pain 4/10" in rows[1]
    progress = reverse("reports:progress", args=[client_record.pk])
    assert response.text.count(f'href="{progress}') == 1
    # The progress page has the period, the draft preview and the PDF.
    for gone in ["Full progress", "Progress report", "Progress PDF", "Preview with drafts", 'role="img"']:
        assert gone not in response.text


def test_the_detail_page_offers_no_progress_before_the_first_session(signed_in, client_record):
    response = signed_in.get(client_record.get_absolute_url())
    assert "No assessment yet." in response.text
    assert reverse("reports:progress", args=[client_record.pk]) not in response.text


def test_archive_hides_the_client_and_restore_brings_them_back(signed_in, client_record):
    response = signed_in.post(reverse("clients:archive", kwargs={"pk": client_record.pk}), follow=True)
    assert "was archived" in response.text
    client_record.refresh_from_db()
    assert client_record.is_archived

    assert "Jane Doe" not in signed_in.get(reverse("clients:list")).text
    assert "Jane Doe" in signed_in.get(reverse("clients:list") + "?archived=1").text

    response = signed_in.post(reverse("clients:restore", kwargs={"pk": client_record.pk}), follow=True)
    assert "was restored" in response.text
    client_record.refresh_from_db()
    assert not client_record.is_archived


def test_the_list_searches_by_name(signed_in, trainer):
    ClientFactory(trainer=trainer, first_name="Anna", last_name="Berg")
    ClientFactory(trainer=trainer, first_name="Carl", last_name="Dunn")
    response = signed_in.get(reverse("clients:list"), {"q": "ber"})
    assert "Anna Berg" in response.text
    assert "Carl Dunn" not in response.text
    response = signed_in.get(reverse("clients:list"), {"q": "carl dunn"})
    assert "Carl Dunn" in response.text
    assert "Anna Berg" not in response.text


@pytest.mark.parametrize("query", ["\x00", "Anna\x00"])
def test_a_nul_in_the_search_is_an_error_by_the_box_and_lists_nobody(signed_in, trainer, query):
    ClientFactory(trainer=trainer, first_name="Anna", last_name="Berg")
    response = signed_in.get(reverse("clients:list"), {"q": query})
    assert response.status_code == 200
    assert 'id="client-search-error">Null characters are not allowed.</div>' in response.text
    assert 'class="form-control is-invalid"' in response.text
    assert list(response.context["clients"]) == []
    assert "Anna Berg" not in response.text


def test_the_list_shows_assessment_count_and_latest_date_most_recent_first(signed_in, trainer):
    older = ClientFactory(trainer=trainer, first_name="Older", last_name="Activity")
    recent = ClientFactory(trainer=trainer, first_name="Recent", last_name="Activity")
    AssessmentFactory(client=older, session_date=date(2020, 1, 1))
    AssessmentFactory(client=recent, session_date=date(2021, 3, 1))
    AssessmentFactory(client=recent, session_date=date(2021, 6, 9))
    Client.objects.filter(pk__in=[older.pk, recent.pk]).update(
        updated_at=timezone.now() - timedelta(days=3000)
    )
    fresh = ClientFactory(trainer=trainer, first_name="Fresh", last_name="Client")

    response = signed_in.get(reverse("clients:list"))
    rows = list(response.context["clients"])
    assert rows == [fresh, recent, older]
    assert rows[1].assessment_count == 2
    assert rows[1].latest_assessment_on == date(2021, 6, 9)
    assert "9 Jun 2021" in response.text


def test_the_list_is_paginated_by_25(signed_in, trainer):
    ClientFactory.create_batch(30, trainer=trainer)
    response = signed_in.get(reverse("clients:list"))
    assert len(response.context["clients"]) == 25
    response = signed_in.get(reverse("clients:list"), {"page": 2})
    assert len(response.context["clients"]) == 5


def _count_queries(django_client, url: str) -> int:
    """The queries of a request like the ones that follow it: the first request after signing in
    also saves the session, which is renewed at most once a minute (security.sessions)."""
    django_client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = django_client.get(url)
    assert response.status_code == 200
    return len(queries)


def _make_clients(trainer, how_many: int) -> list[Client]:
    clients = ClientFactory.create_batch(how_many, trainer=trainer)
    for made in clients:
        AssessmentFactory(client=made)
        made.screenings.create(
            screened_on=date.today(), **dict.fromkeys(made.screenings.model.QUESTIONS, False)
        )
    return clients


@pytest.mark.parametrize("view", ["clients:list", "clients:dashboard"])
def test_list_queries_do_not_grow_with_clients(
    signed_in, trainer, view, django_assert_max_num_queries, django_assert_num_queries
):
    _make_clients(trainer, 1)
    few = _count_queries(signed_in, reverse(view))
    _make_clients(trainer, 49)
    with django_assert_max_num_queries(few):
        signed_in.get(reverse(view))
    # Session, user, role, the studio (page header), then the list's count and page or the dashboard's
    # one read.
    assert few <= 6, few


def test_detail_queries_do_not_grow_with_clients(
    signed_in, trainer, django_assert_max_num_queries, django_assert_num_queries
):
    first = _make_clients(trainer, 1)[0]
    few = _count_queries(signed_in, first.get_absolute_url())
    many = _make_clients(trainer, 49)
    AssessmentFactory.create_batch(29, client=many[-1])
    with django_assert_max_num_queries(few):
        response = signed_in.get(many[-1].get_absolute_url())
    # However many sessions, the page lists a page of them.
    assert response.text.count('data-testid="assessment-row"') == 20
    assert "Page 1 of 2" in response.text
    second = signed_in.get(many[-1].get_absolute_url(), {"page": "2"})
    assert second.text.count('data-testid="assessment-row"') == 10
    assert signed_in.get(many[-1].get_absolute_url(), {"page": "x\x00"}).status_code == 200
    # Session, user, role, the client, their screening (with its clearance), the reasons recorded
    # to assess anyway (the page lists them, and the gate reads today's from them), the sessions
    # and their count (pages), their plans, the studio (page header), the audit row.
    assert few <= 11, few


def test_new_assessment_and_progress_come_before_the_profile(signed_in, client_record):
    from tests.factories import AssessmentFactory

    AssessmentFactory(client=client_record, final=True)

    html = signed_in.get(client_record.get_absolute_url()).text

    new = html.index(reverse("assessments:create", kwargs={"client_pk": client_record.pk}))
    progress = html.index(reverse("reports:progress", args=[client_record.pk]))
    assert new < html.index('id="profile-heading"') and progress < html.index('id="profile-heading"')
