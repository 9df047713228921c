"""Pre-activity screening: recording it, and when a client needs clearance or a new one."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Screening, screening_needs_attention
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

ALL_NO = dict.fromkeys(Screening.QUESTIONS, "no")
CONFIRMED = {"confirmed_name": "Jane Doe", "confirmed_on": "2025-03-04"}


def _screen(client_record: Client, days_ago: int = 0, **answers: bool) -> Screening:
    return Screening.objects.create(
        client=client_record,
        screened_on=timezone.localdate() - timedelta(days=days_ago),
        **{**dict.fromkeys(Screening.QUESTIONS, False), **answers},
    )


@pytest.fixture
def client_record(client_record):
    """Jane Doe before her first screening."""
    client_record.screenings.all().delete()
    return client_record


@pytest.fixture
def signed_in(client, trainer):
    client.force_login(trainer)
    return client


def test_it_records_a_screening_with_every_answer(signed_in, trainer, client_record):
    url = reverse("clients:screening", kwargs={"pk": client_record.pk})
    response = signed_in.post(
        url,
        {
            "screened_on": "2025-03-04",
            **ALL_NO,
            "chest_pain": "yes",
            "chest_pain_details": "On stairs.",
            **CONFIRMED,
        },
    )
    assert response.status_code == 302
    screening = client_record.screenings.get()
    assert screening.screened_on == date(2025, 3, 4)
    assert screening.chest_pain is True
    assert screening.heart_condition is False
    assert screening.recorded_by == trainer
    assert screening.chest_pain_details == "On stairs."
    assert (screening.confirmed_name, screening.confirmed_on) == ("Jane Doe", date(2025, 3, 4))


def test_an_unanswered_question_is_an_error_not_a_no(signed_in, client_record):
    url = reverse("clients:screening", kwargs={"pk": client_record.pk})
    answers = {**ALL_NO}
    del answers["dizziness"]
    response = signed_in.post(url, {"screened_on": "2025-03-04", **answers, **CONFIRMED})
    assert response.status_code == 200
    assert 'id="error_1_id_dizziness"' in response.text
    # The answers given are kept.
    assert len(re.findall(r'value="no"[^>]*checked', response.text)) == len(Screening.QUESTIONS) - 1
    assert not client_record.screenings.exists()


def test_a_screening_date_in_the_future_is_refused(signed_in, client_record):
    url = reverse("clients:screening", kwargs={"pk": client_record.pk})
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = signed_in.post(url, {"screened_on": tomorrow, **ALL_NO, **CONFIRMED})
    assert "cannot be in the future" in response.text
    assert f'value="{tomorrow}"' in response.text
    assert not client_record.screenings.exists()


def test_any_yes_needs_medical_clearance_and_the_page_lists_the_yes_answers(signed_in, client_record):
    _screen(client_record, joint_problem=True, medical_supervision=True)
    response = signed_in.get(client_record.get_absolute_url())
    assert 'data-testid="needs-clearance"' in response.text
    assert Screening.QUESTIONS["joint_problem"] in response.text
    assert Screening.QUESTIONS["medical_supervision"] in response.text
    assert Screening.QUESTIONS["heart_condition"] not in response.text


def test_all_no_needs_no_clearance(signed_in, client_record):
    screening = _screen(client_record)
    assert screening.needs_clearance is False
    response = signed_in.get(client_record.get_absolute_url())
    assert 'data-testid="needs-clearance"' not in response.text
    assert 'data-testid="screening-due"' not in response.text


def test_only_the_latest_screening_counts(signed_in, client_record):
    _screen(client_record, days_ago=40, heart_condition=True)
    _screen(client_record, days_ago=2)
    response = signed_in.get(client_record.get_absolute_url())
    assert 'data-testid="needs-clearance"' not in response.text
    annotated = Client.objects.with_screening_status().get(pk=client_record.pk)
    assert annotated.latest_screening_needs_clearance is False


@pytest.mark.parametrize(("days_ago", "due"), [(None, True), (0, False), (365, False), (366, True)])
def test_screening_is_due_when_missing_or_older_than_12_months(signed_in, client_record, days_ago, due):
    if days_ago is not None:
        screening = _screen(client_record, days_ago=days_ago)
        assert screening.is_due is due
    response = signed_in.get(client_record.get_absolute_url())
    assert ('data-testid="screening-due"' in response.text) is due
    annotated = Client.objects.with_screening_status().get(pk=client_record.pk)
    needs_clearance, screened_on = annotated.latest_screening_needs_clearance, annotated.latest_screened_on
    assert screening_needs_attention(needs_clearance, screened_on) is due


def test_the_dashboard_lists_clients_needing_attention(signed_in, trainer):
    flagged = ClientFactory(trainer=trainer, first_name="Flagged", last_name="One")
    _screen(flagged, dizziness=True)
    unscreened = ClientFactory(trainer=trainer, first_name="Never", last_name="Screened")
    fine = ClientFactory(trainer=trainer, first_name="All", last_name="Clear")
    _screen(fine)
    response = signed_in.get(reverse("clients:dashboard"))
    attention = list(response.context["attention_clients"])
    assert flagged in attention
    assert unscreened in attention
    assert fine not in attention
    assert "Needs medical clearance" in response.text
    assert "New client" in response.text


def test_the_list_shows_the_needs_clearance_badge(signed_in, trainer, client_record):
    _screen(client_record, chronic_medication=True)
    response = signed_in.get(reverse("clients:list"))
    assert "Needs medical clearance" in response.text


# The form: all no, follow-up questions, notes and the client's confirmation


def _post(signed_in, client_record, **fields):
    url = reverse("clients:screening", kwargs={"pk": client_record.pk})
    return signed_in.post(url, {"screened_on": "2025-03-04", **CONFIRMED, **fields})


def test_all_answers_are_no_answers_no_to_what_was_left_unanswered(signed_in, client_record):
    response = _post(signed_in, client_record, all_no="on", heart_condition="no")
    assert response.status_code == 302
    screening = client_record.screenings.get()
    assert not screening.needs_clearance
    assert all(getattr(screening, field) is False for field in Screening.QUESTIONS)


def test_all_answers_are_no_with_a_yes_answer_is_an_error_by_the_box(signed_in, client_record):
    response = _post(signed_in, client_record, all_no="on", chest_pain="yes", chest_pain_details="On stairs.")
    assert response.status_code == 200
    assert 'id="error_1_id_all_no"' in response.text
    assert "1 answer is yes" in response.text
    assert not client_record.screenings.exists()
    # What was typed is still there.
    assert "On stairs." in response.text
    assert re.search(r'value="yes"[^>]*checked', response.text)


def test_the_page_offers_all_no_to_the_script_that_ticks_every_no(signed_in, client_record):
    page = signed_in.get(reverse("clients:screening", kwargs={"pk": client_record.pk})).text
    assert 'data-all-no="true"' in page
    assert "All answers are no" in page


def test_a_yes_answer_needs_the_client_to_tell_us_more(signed_in, client_record):
    response = _post(signed_in, client_record, **{**ALL_NO, "dizziness": "yes"}, notes="Walks daily.")
    assert response.status_code == 200
    assert 'id="error_1_id_dizziness_details"' in response.text
    assert "Tell us more about this yes answer." in response.text
    assert "Walks daily." in response.text
    assert not client_record.screenings.exists()


def test_follow_ups_are_kept_for_yes_answers_only_with_the_notes(signed_in, client_record):
    response = _post(
        signed_in,
        client_record,
        **{**ALL_NO, "dizziness": "yes"},
        dizziness_details="Fainted once in the heat.",
        heart_condition_details="Typed by mistake.",
        notes="Walks daily.",
    )
    assert response.status_code == 302
    screening = client_record.screenings.get()
    assert screening.dizziness_details == "Fainted once in the heat."
    assert screening.heart_condition_details == ""
    assert screening.notes == "Walks daily."
    assert screening.yes_answers_with_details() == [
        (Screening.QUESTIONS["dizziness"], "Fainted once in the heat.")
    ]


@pytest.mark.parametrize("typed", ["jane doe", "  JANE   Doe "])
def test_the_client_confirms_with_their_name_in_any_case(signed_in, client_record, typed):
    response = _post(signed_in, client_record, **ALL_NO, confirmed_name=typed)
    assert response.status_code == 302
    assert client_record.screenings.get().confirmed_name == " ".join(typed.split())


@pytest.mark.parametrize(
    ("fields", "error_id", "message"),
    [
        ({"confirmed_name": "Jane Smith"}, "confirmed_name", "not the name on the client&#x27;s record"),
        ({"confirmed_name": ""}, "confirmed_name", "This field is required"),
        ({"confirmed_on": ""}, "confirmed_on", "This field is required"),
        ({"confirmed_on": "2025-03-03"}, "confirmed_on", "cannot confirm the answers before the screening"),
        ({"confirmed_on": "2999-01-01"}, "confirmed_on", "cannot be in the future"),
    ],
)
def test_a_wrong_confirmation_is_refused_next_to_the_field(
    signed_in, client_record, fields, error_id, message
):
    response = _post(signed_in, client_record, **ALL_NO, **fields)
    assert response.status_code == 200
    assert f'id="error_1_id_{error_id}"' in response.text
    assert message in response.text
    assert not client_record.screenings.exists()


def test_the_client_page_shows_the_confirmation_and_notes(signed_in, client_record):
    _post(signed_in, client_record, **ALL_NO, notes="Walks daily.")
    page = signed_in.get(client_record.get_absolute_url()).text
    assert "Confirmed by the client, as “Jane Doe”, on 4 Mar 2025." in page
    assert "Walks daily." in page
