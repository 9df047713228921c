"""No new assessment without consent and a current screening that needs no clearance, unless the
trainer records a reason: the rule, the client page, the new-assessment view and the override."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from clients.gating import assessment_missing, latest_screening, load_gate
from clients.models import AssessmentOverride, Client, MedicalClearance
from security.models import AuditEvent
from tests import factories
from tests.assessments.conftest import form_data
from tests.conftest import login_as

pytestmark = pytest.mark.django_db

REASON = "Her GP cleared her by phone; the letter follows."


@pytest.fixture
def signed_in(client, trainer):
    client.force_login(trainer)
    return client


@pytest.fixture
def bare(trainer) -> Client:
    """A client with neither consent nor a screening."""
    return factories.ClientFactory(trainer=trainer, first_name="Bo", last_name="Bare")


def _create_url(client_record: Client) -> str:
    return reverse("assessments:create", kwargs={"client_pk": client_record.pk})


def _anyway_url(client_record: Client) -> str:
    return reverse("clients:assess_anyway", kwargs={"pk": client_record.pk})


def _codes(client_record: Client) -> list[str]:
    return [
        m.code for m in assessment_missing(client=client_record, screening=latest_screening(client_record))
    ]


def _withdraw_consent(client_record: Client) -> None:
    Client.objects.filter(pk=client_record.pk).update(consent_given_at=None, consent_recorded_by=None)
    client_record.refresh_from_db()


# The rule


def test_a_client_with_consent_and_a_current_all_no_screening_may_be_assessed(client_record):
    assert _codes(client_record) == []


def test_a_client_without_consent_or_screening_misses_both_in_order(bare):
    missing = assessment_missing(client=bare, screening=None)
    assert [(m.code, m.text, m.fix_url) for m in missing] == [
        ("no-consent", "No consent recorded.", reverse("clients:update", kwargs={"pk": bare.pk})),
        ("screening-due", "No screening recorded.", reverse("clients:screening", kwargs={"pk": bare.pk})),
    ]


@pytest.mark.parametrize(("days_ago", "due"), [(365, False), (366, True)])
def test_a_screening_older_than_12_months_is_missing(client_record, days_ago, due):
    factories.ScreeningFactory(
        client=client_record, screened_on=timezone.localdate() - timedelta(days=days_ago)
    )
    client_record.screenings.filter(screened_on=timezone.localdate()).delete()
    assert _codes(client_record) == (["screening-due"] if due else [])


def test_a_yes_answer_needs_a_clearance_and_a_clearance_lifts_it(client_record):
    screening = factories.ScreeningFactory(client=client_record, dizziness=True)
    (missing,) = assessment_missing(client=client_record, screening=latest_screening(client_record))
    assert missing.code == "needs-clearance"
    assert missing.fix_url == reverse(
        "clients:clearance", kwargs={"pk": client_record.pk, "screening_pk": screening.pk}
    )

    MedicalClearance.objects.create(screening=screening, cleared_on=timezone.localdate(), cleared_by="Dr. Y")

    assert _codes(client_record) == []


def test_an_out_of_date_screening_asks_for_a_new_screening_not_a_clearance(client_record):
    client_record.screenings.all().delete()
    factories.ScreeningFactory(
        client=client_record, screened_on=timezone.localdate() - timedelta(days=400), chest_pain=True
    )
    assert _codes(client_record) == ["screening-due"]


def test_a_clearance_of_an_earlier_screening_does_not_clear_a_later_one(client_record):
    earlier = factories.ScreeningFactory(
        client=client_record, screened_on=timezone.localdate() - timedelta(days=30), chest_pain=True
    )
    MedicalClearance.objects.create(screening=earlier, cleared_on=timezone.localdate(), cleared_by="Dr. Y")
    factories.ScreeningFactory(client=client_record, joint_problem=True)
    assert _codes(client_record) == ["needs-clearance"]


def test_the_list_and_dashboard_badge_follows_the_clearance(signed_in, client_record):
    screening = factories.ScreeningFactory(client=client_record, chronic_medication=True)
    assert "Needs medical clearance" in signed_in.get(reverse("clients:list")).text
    MedicalClearance.objects.create(screening=screening, cleared_on=timezone.localdate(), cleared_by="Dr. Y")
    assert "Needs medical clearance" not in signed_in.get(reverse("clients:list")).text
    dashboard = signed_in.get(reverse("clients:dashboard"))
    assert client_record not in list(dashboard.context["attention_clients"])


# The client page


def test_the_client_page_says_what_is_missing_and_links_to_each_fix(signed_in, bare):
    response = signed_in.get(bare.get_absolute_url())
    assert response.context["gate"].blocked
    text = response.text
    assert 'data-testid="assessment-blocked"' in text
    assert 'data-testid="no-consent"' in text and 'data-testid="screening-due"' in text
    assert (
        f'href="{reverse("clients:update", kwargs={"pk": bare.pk})}">Record the client&#x27;s consent' in text
    )
    assert f'href="{reverse("clients:screening", kwargs={"pk": bare.pk})}">Record a screening' in text
    # The way to a new assessment says it is blocked, and leads to the page that takes a reason.
    assert ">New assessment</a>" not in text
    assert f'href="{_create_url(bare)}" data-testid="assess-anyway">Assess anyway' in text


def test_the_client_page_of_an_assessable_client_offers_a_new_assessment(signed_in, client_record):
    text = signed_in.get(client_record.get_absolute_url()).text
    assert 'data-testid="assessment-blocked"' not in text
    assert f'href="{_create_url(client_record)}">New assessment</a>' in text
    assert 'data-testid="assess-anyway"' not in text


def test_the_client_page_links_to_the_clearance_and_lists_the_yes_answers(signed_in, client_record):
    screening = factories.ScreeningFactory(
        client=client_record, joint_problem=True, joint_problem_details="Left knee, since a fall."
    )
    text = signed_in.get(client_record.get_absolute_url()).text
    clearance_url = reverse(
        "clients:clearance", kwargs={"pk": client_record.pk, "screening_pk": screening.pk}
    )
    assert f'href="{clearance_url}">Record medical clearance' in text
    assert "Left knee, since a fall." in text


# The new-assessment view


def test_a_blocked_get_shows_what_is_missing_with_links_and_the_override_form(signed_in, bare):
    response = signed_in.get(_create_url(bare))
    assert response.status_code == 200
    text = response.text
    assert "Before assessing Bo Bare" in text
    assert 'data-testid="no-consent"' in text and 'data-testid="screening-due"' in text
    assert f'action="{_anyway_url(bare)}"' in text
    assert 'name="reason"' in text
    # The assessment form itself is not offered.
    assert 'name="session_date"' not in text
    assert list(AuditEvent.objects.values_list("client_id", "action")) == [(bare.pk, "view")]


@pytest.mark.parametrize("missing", ["consent", "screening", "clearance"])
def test_a_blocked_post_saves_nothing(signed_in, client_record, missing):
    if missing == "consent":
        _withdraw_consent(client_record)
    elif missing == "screening":
        client_record.screenings.all().delete()
    else:
        factories.ScreeningFactory(client=client_record, heart_condition=True)

    response = signed_in.post(_create_url(client_record), form_data(notes="Should not be saved"))

    assert response.status_code == 403
    assert "Before assessing Jane Doe" in response.text
    assert not Assessment.objects.exists()


def test_an_assessable_client_gets_the_form(signed_in, client_record):
    response = signed_in.get(_create_url(client_record))
    assert response.status_code == 200
    assert 'name="session_date"' in response.text
    assert signed_in.post(_create_url(client_record), form_data(notes="Saved")).status_code == 302
    assert Assessment.objects.filter(client=client_record, notes="Saved").exists()


def test_a_clearance_lifts_the_block_for_the_view_too(signed_in, client_record):
    screening = factories.ScreeningFactory(client=client_record, chest_pain=True)
    assert 'name="session_date"' not in signed_in.get(_create_url(client_record)).text
    MedicalClearance.objects.create(screening=screening, cleared_on=timezone.localdate(), cleared_by="Dr. Y")
    assert 'name="session_date"' in signed_in.get(_create_url(client_record)).text


# Assessing anyway


def test_a_reason_is_recorded_with_what_was_missing_and_opens_the_form(signed_in, trainer, bare):
    response = signed_in.post(_anyway_url(bare), {"reason": f"  {REASON} "})

    assert (response.status_code, response["Location"]) == (302, _create_url(bare))
    override = AssessmentOverride.objects.get()
    assert (override.client, override.trainer, override.reason) == (bare, trainer, REASON)
    assert override.missing == ["No consent recorded.", "No screening recorded."]
    assert AuditEvent.objects.filter(client=bare, action="change", url_name="clients:assess_anyway").exists()
    form = signed_in.get(_create_url(bare))
    assert form.status_code == 200
    assert 'name="session_date"' in form.text
    assert "Your reason is in the client&#x27;s history" in form.text


def test_a_reason_covers_one_new_assessment_only(signed_in, bare):
    signed_in.post(_anyway_url(bare), {"reason": REASON})
    assert signed_in.post(_create_url(bare), form_data(notes="First")).status_code == 302

    again = signed_in.get(_create_url(bare))

    assert 'name="session_date"' not in again.text
    assert "Before assessing Bo Bare" in again.text
    assert signed_in.post(_create_url(bare), form_data(notes="Second")).status_code == 403
    assert list(Assessment.objects.values_list("notes", flat=True)) == ["First"]


def test_a_reason_from_an_earlier_day_no_longer_opens_the_form(signed_in, trainer, bare):
    AssessmentOverride.objects.create(
        client=bare, trainer=trainer, reason=REASON, created_at=timezone.now() - timedelta(days=1)
    )
    assert "Before assessing Bo Bare" in signed_in.get(_create_url(bare)).text
    assert load_gate(client=bare, by=trainer).blocked


def test_another_trainers_reason_does_not_open_the_form_for_this_one(trainer, other_trainer, bare):
    AssessmentOverride.objects.create(client=bare, trainer=other_trainer, reason=REASON)
    assert load_gate(client=bare, by=trainer).blocked


@pytest.mark.parametrize("reason", ["", "ok", "  too short  "])
def test_a_missing_or_short_reason_is_refused_next_to_the_field_and_kept(signed_in, bare, reason):
    response = signed_in.post(_anyway_url(bare), {"reason": reason})

    assert response.status_code == 200
    assert 'id="error_1_id_reason"' in response.text
    if reason.strip():
        assert "at least 10 characters" in response.text
        assert re.search(rf">\s*{reason.strip()}\s*</textarea>", response.text)
    # What is missing is still said, with its links.
    assert 'data-testid="no-consent"' in response.text
    assert not AssessmentOverride.objects.exists()
    assert not AuditEvent.objects.filter(action="change").exists()


def test_no_reason_is_recorded_when_nothing_is_missing(signed_in, client_record):
    response = signed_in.post(_anyway_url(client_record), {"reason": REASON})
    assert response["Location"] == _create_url(client_record)
    assert not AssessmentOverride.objects.exists()


def test_no_second_reason_is_recorded_while_one_is_unspent(signed_in, bare):
    signed_in.post(_anyway_url(bare), {"reason": REASON})
    signed_in.post(_anyway_url(bare), {"reason": "Another reason, just as long."})
    assert AssessmentOverride.objects.count() == 1


def test_an_archived_client_takes_no_reason(signed_in, bare):
    Client.objects.filter(pk=bare.pk).update(is_archived=True)
    response = signed_in.post(_anyway_url(bare), {"reason": REASON})
    assert response["Location"] == bare.get_absolute_url()
    assert not AssessmentOverride.objects.exists()


def test_reasons_are_kept_in_the_client_page_history(signed_in, bare):
    signed_in.post(_anyway_url(bare), {"reason": REASON})
    page = signed_in.get(bare.get_absolute_url()).text
    assert 'data-testid="assessing-anyway"' in page
    assert REASON in page and "not used yet" in page
    assert "Missing then: No consent recorded. No screening recorded." in page
    assert f'href="{_create_url(bare)}">New assessment</a>' in page

    signed_in.post(_create_url(bare), form_data(notes="First"))

    page = signed_in.get(bare.get_absolute_url()).text
    assert REASON in page and "not used yet" not in page
    assert 'data-testid="assessment-blocked"' in page


def test_a_reason_whose_save_failed_is_kept_and_not_half_saved(signed_in, bare):
    from tests.clients.test_save_faults import database_gone_for

    with database_gone_for("security_auditevent"):
        response = signed_in.post(_anyway_url(bare), {"reason": REASON})

    assert response.status_code == 503
    assert REASON in response.text
    assert not AssessmentOverride.objects.exists()


# Who may record a reason


@pytest.mark.parametrize(("who", "status"), [("other_trainer", 404), ("client", 403), ("admin", 403)])
def test_only_the_clients_trainer_may_record_a_reason(client, persona, bare, who, status):
    login_as(client, persona[who])
    assert client.post(_anyway_url(bare), {"reason": REASON}).status_code == status
    assert client.get(_create_url(bare)).status_code == status
    assert not AssessmentOverride.objects.exists()


def test_recording_a_reason_requires_login(client, bare):
    response = client.post(_anyway_url(bare), {"reason": REASON})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not AssessmentOverride.objects.exists()


def test_recording_a_reason_takes_a_post_only(signed_in, bare):
    assert signed_in.get(_anyway_url(bare)).status_code == 405


# Query counts


def test_the_gate_asks_one_query_and_two_when_something_is_missing(
    trainer, client_record, bare, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert not load_gate(client=client_record, by=trainer).blocked
    with django_assert_num_queries(2):
        assert load_gate(client=bare, by=trainer).blocked
