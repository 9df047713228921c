import re
import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import NOTES_MAX_LENGTH, Assessment, MuscleFinding, PatternFinding
from security.models import AuditEvent
from tests import factories
from tests.assessments.conftest import form_data


@pytest.fixture
def create_url(client_record):
    return reverse("assessments:create", kwargs={"client_pk": client_record.pk})


@pytest.fixture
def signed_in(client, trainer):
    client.force_login(trainer)
    return client


def test_the_form_lists_the_active_catalogue_grouped_by_region(signed_in, create_url, catalogue):
    response = signed_in.get(create_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="region-standing-side-test-back"' in html
    assert 'id="pattern-test-tilt"' in html
    assert f'name="p{catalogue.tilt.pk}-severity" value="0">' in html
    # Nothing is ticked until the trainer marks a pattern: an untouched one posts nothing.
    assert not re.search(r"<input[^>]* checked", html)
    # Side is offered for the lateral pattern only.
    assert f'name="p{catalogue.turn.pk}-side" value="left">' in html
    assert f'name="p{catalogue.tilt.pk}-side"' not in html
    # Muscles wait until a pattern is marked; the page says where to fetch them from.
    assert "Test trapezius" not in html
    muscles_url = reverse("assessments:pattern_muscles", kwargs={"slug": "test-turn"})
    assert f'<div id="p{catalogue.turn.pk}-muscles" hx-get="{muscles_url}"' in html
    muscles = signed_in.get(muscles_url).content.decode()
    assert "Test trapezius</strong>: expected over-active, on the side it was seen" in muscles
    assert "Test scalene</strong>: expected under-active, on the other side" in muscles


def test_a_pattern_added_to_the_catalogue_appears_on_the_next_form(signed_in, create_url, catalogue):
    added = factories.PatternFactory(region=catalogue.region, name="Brand new pattern", slug="brand-new")
    html = signed_in.get(create_url).content.decode()
    assert 'id="pattern-brand-new"' in html
    assert added.name in html


def test_a_retired_pattern_or_muscle_leaves_new_forms(signed_in, create_url, catalogue):
    catalogue.tilt.is_active = False
    catalogue.tilt.save()
    catalogue.turn_same.muscle.is_active = False
    catalogue.turn_same.muscle.save()
    html = signed_in.get(create_url).content.decode()
    assert 'id="pattern-test-tilt"' not in html
    assert "Test trapezius" not in html
    assert 'id="pattern-test-turn"' in html


def test_a_retired_pattern_still_shows_on_an_assessment_that_found_it(signed_in, client_record, catalogue):
    assessment = factories.AssessmentFactory(client=client_record)
    factories.PatternFindingFactory(assessment=assessment, pattern=catalogue.tilt, severity=3)
    factories.MuscleFindingFactory(
        assessment=assessment, muscle=catalogue.tilt_over.muscle, pattern=catalogue.tilt, side="both"
    )
    catalogue.tilt.is_active = False
    catalogue.tilt.save()
    catalogue.tilt_over.muscle.is_active = False
    catalogue.tilt_over.muscle.save()
    html = signed_in.get(reverse("assessments:update", kwargs={"pk": assessment.pk})).content.decode()
    assert 'id="pattern-test-tilt"' in html
    assert "retired from the catalogue" in html
    assert "Test flexor" in html
    # Its stored severity and confirmed muscle are pre-filled.
    assert f'name="p{catalogue.tilt.pk}-severity" value="3" checked' in html
    confirmed = f'name="p{catalogue.tilt.pk}-m{catalogue.tilt_over.pk}-confirmed"'
    assert re.search(rf"<input[^>]*{confirmed}[^>]*checked", html)


def test_it_warns_at_the_top_when_the_client_needs_medical_clearance(signed_in, create_url, client_record):
    answers = dict.fromkeys(
        [
            "heart_condition",
            "chest_pain",
            "dizziness",
            "chronic_condition",
            "chronic_medication",
            "joint_problem",
            "medical_supervision",
        ],
        False,
    )
    from clients.models import Screening

    Screening.objects.create(client=client_record, **{**answers, "chest_pain": True})
    # Without a clearance the form opens only once the trainer says why they assess anyway.
    anyway = reverse("clients:assess_anyway", kwargs={"pk": client_record.pk})
    assert signed_in.post(anyway, {"reason": "GP letter is on its way."})["Location"] == create_url
    html = signed_in.get(create_url).content.decode()
    assert 'data-testid="clearance-alert"' in html
    assert Screening.QUESTIONS["chest_pain"] in html


def test_a_recorded_clearance_turns_the_alert_into_a_note_of_who_cleared(
    signed_in, create_url, client_record
):
    from clients.models import MedicalClearance

    screening = factories.ScreeningFactory(client=client_record, chest_pain=True)
    MedicalClearance.objects.create(
        screening=screening, cleared_on=date(2026, 1, 3), cleared_by="Dr. A. Smith, GP"
    )

    html = signed_in.get(create_url).content.decode()

    assert 'data-testid="clearance-alert"' not in html
    assert "Cleared for activity by Dr. A. Smith, GP on 3 Jan 2026" in html


def test_there_is_no_clearance_alert_without_a_worrying_screening(signed_in, create_url):
    assert 'data-testid="clearance-alert"' not in signed_in.get(create_url).content.decode()


def test_it_creates_an_assessment_with_its_findings(signed_in, create_url, client_record, catalogue, trainer):
    tilt, turn = f"p{catalogue.tilt.pk}", f"p{catalogue.turn.pk}"
    data = form_data(
        pain="4",
        notes="Stiff after travel",
        **{
            tilt: {"severity": "2", "note": "clear", f"m{catalogue.tilt_over.pk}-confirmed": "on"},
            f"{tilt}-m{catalogue.tilt_over.pk}": {"role": "over-active", "side": ""},
            turn: {"severity": "1", "side": "left", f"m{catalogue.turn_opposite.pk}-confirmed": "on"},
            f"{turn}-m{catalogue.turn_opposite.pk}": {"role": "under-active", "side": ""},
        },
    )
    response = signed_in.post(create_url, data)
    assessment = Assessment.objects.get(client=client_record)
    assert response.status_code == 302
    assert response.url == assessment.get_absolute_url()
    assert (assessment.trainer, assessment.status, assessment.pain_score) == (trainer, "draft", 4)
    assert assessment.session_date == date(2026, 1, 10)
    findings = {(f.pattern_id, f.severity, f.side, f.note) for f in assessment.pattern_findings.all()}
    assert findings == {(catalogue.tilt.pk, 2, "", "clear"), (catalogue.turn.pk, 1, "left", "")}
    muscles = {(f.muscle_id, f.role, f.side, f.pattern_id) for f in assessment.muscle_findings.all()}
    assert muscles == {
        (catalogue.tilt_over.muscle_id, "over-active", "both", catalogue.tilt.pk),
        # Opposite to a left tilt: the right side.
        (catalogue.turn_opposite.muscle_id, "under-active", "right", catalogue.turn.pk),
    }


def test_an_adjusted_muscle_keeps_the_observed_role_and_side(signed_in, create_url, client_record, catalogue):
    tilt = f"p{catalogue.tilt.pk}"
    link = catalogue.tilt_under.pk
    data = form_data(
        **{
            tilt: {
                "severity": "1",
                f"m{link}-confirmed": "on",
                f"m{link}-role": "over-active",
                f"m{link}-side": "left",
            }
        }
    )
    assert signed_in.post(create_url, data).status_code == 302
    finding = MuscleFinding.objects.get(assessment__client=client_record)
    assert (finding.role, finding.side) == ("over-active", "left")


def test_patterns_left_at_none_are_not_stored(signed_in, create_url, client_record, catalogue):
    signed_in.post(create_url, form_data(**{f"p{catalogue.tilt.pk}": {"severity": "0", "note": "fine"}}))
    assessment = Assessment.objects.get(client=client_record)
    assert not assessment.pattern_findings.exists()


def test_save_and_finalise_in_one_step(signed_in, create_url, client_record):
    signed_in.post(create_url, {**form_data(), "finalise": "1"})
    assert Assessment.objects.get(client=client_record).status == "final"


def sent_once(token: str, **fields) -> dict:
    """The new-assessment form's post with its token."""
    return {**form_data(**fields), "submission_token": token}


def _token(html: str) -> str:
    (token,) = re.findall(r'name="submission_token" value="([0-9a-f-]{36})"', html)
    return token


def test_posting_the_new_form_twice_creates_one_assessment(signed_in, create_url, client_record, catalogue):
    token = _token(signed_in.get(create_url).content.decode())
    data = sent_once(token, notes="Sent twice", **{f"p{catalogue.tilt.pk}": {"severity": "2"}})
    first = signed_in.post(create_url, data)
    second = signed_in.post(create_url, data, follow=True)
    (created,) = Assessment.objects.filter(client=client_record)
    assert first.status_code == 302
    assert first["Location"] == created.get_absolute_url()
    assert second.redirect_chain == [(created.get_absolute_url(), 302)]
    assert "This form was already saved" in second.content.decode()
    assert created.submission_token == uuid.UUID(token)
    assert PatternFinding.objects.filter(assessment=created).count() == 1


def test_a_form_sent_back_with_an_error_keeps_its_token_and_saves_once(signed_in, create_url, client_record):
    token = _token(signed_in.get(create_url).content.decode())
    refused = signed_in.post(create_url, sent_once(token, pain="11"))
    assert _token(refused.content.decode()) == token
    for _ in range(2):
        assert signed_in.post(create_url, sent_once(token, pain="3")).status_code == 302
    assert Assessment.objects.filter(client=client_record).count() == 1


def test_each_new_form_has_its_own_token_and_an_edit_form_none(signed_in, create_url, client_record):
    tokens = {_token(signed_in.get(create_url).content.decode()) for _ in range(2)}
    assert len(tokens) == 2
    for token in tokens:
        signed_in.post(create_url, sent_once(token))
    created = list(Assessment.objects.filter(client=client_record))
    assert {str(a.submission_token) for a in created} == tokens
    html = signed_in.get(reverse("assessments:update", kwargs={"pk": created[0].pk})).content.decode()
    assert "submission_token" not in html


def test_a_token_holds_only_for_its_own_trainer_and_client(
    client, trainer, other_trainer, client_record, other_client_record
):
    """Another trainer's token finds nothing of theirs: the post saves as any other would."""
    token = str(uuid.uuid4())
    second_client = factories.ClientFactory(trainer=trainer, assessable=True)
    sent = [(trainer, client_record), (trainer, second_client), (other_trainer, other_client_record)]
    for user, record in sent:
        client.force_login(user)
        url = reverse("assessments:create", args=[record.pk])
        responses = [client.post(url, sent_once(token, notes=f"For {record}")) for _ in range(2)]
        (created,) = Assessment.objects.filter(client=record)
        assert [r["Location"] for r in responses] == [created.get_absolute_url()] * 2
        assert created.notes == f"For {record}"


@pytest.mark.parametrize("token", ["not-a-token", "1" * 400])
def test_a_garbled_token_is_refused_and_saves_nothing(signed_in, create_url, client_record, token):
    response = signed_in.post(create_url, sent_once(token, notes="Keep me"))
    assert response.status_code == 200
    assert "Nothing was saved yet" in response.content.decode()
    assert not Assessment.objects.filter(client=client_record).exists()


def test_it_updates_findings_and_bumps_the_version(signed_in, client_record, catalogue):
    assessment = factories.AssessmentFactory(client=client_record, session_date=date(2026, 1, 1))
    factories.PatternFindingFactory(assessment=assessment, pattern=catalogue.tilt, severity=3)
    tilt = f"p{catalogue.tilt.pk}"
    url = reverse("assessments:update", kwargs={"pk": assessment.pk})
    response = signed_in.post(url, form_data(version=1, **{tilt: {"severity": "1"}}))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.version == 2
    assert list(assessment.pattern_findings.values_list("severity", flat=True)) == [1]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("session_date", "tomorrow", "The session date cannot be in the future."),
        ("session_date", "not a date", "Enter a valid date."),
        ("pain_score", "11", "Ensure this value is less than or equal to 10."),
        ("pain_score", "-1", "Ensure this value is greater than or equal to 0."),
        ("pain_score", "a lot", "Enter a whole number."),
    ],
)
def test_it_rejects_bad_header_values(signed_in, create_url, client_record, field, value, message):
    if value == "tomorrow":
        value = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = signed_in.post(create_url, {**form_data(notes="Keep me"), field: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Keep me" in html
    assert not Assessment.objects.filter(client=client_record).exists()


@pytest.fixture
def form_url(request, client_record, create_url):
    """The new-assessment form, or the edit form of a draft with version 1."""
    if request.param == "create":
        return create_url
    draft = factories.AssessmentFactory(client=client_record, notes="As it was")
    return reverse("assessments:update", kwargs={"pk": draft.pk})


def _saved_notes(client_record) -> list[str]:
    return list(Assessment.objects.filter(client=client_record).values_list("notes", flat=True))


@pytest.mark.parametrize("form_url", ["create", "update"], indirect=True)
def test_notes_are_held_to_their_limit(signed_in, form_url, client_record):
    """One character over: an error by the notes, the text kept, nothing saved; at the limit: saved."""
    before = _saved_notes(client_record)
    typed = "n" * NOTES_MAX_LENGTH + "!"
    response = signed_in.post(form_url, form_data(version=1, notes=typed))
    assert response.status_code == 200
    html = response.content.decode()
    message = f"Ensure this value has at most {NOTES_MAX_LENGTH} characters (it has {NOTES_MAX_LENGTH + 1})."
    # The message sits right under the notes, which keep what was typed.
    assert f'{typed}</textarea>\n<div id="id_notes_error" class="invalid-feedback d-block">' in html
    assert f'<span id="error_1_id_notes"><strong>{message}</strong></span>' in html
    assert _saved_notes(client_record) == before

    assert signed_in.post(form_url, form_data(version=1, notes=typed[:-1])).status_code == 302
    assert _saved_notes(client_record) == [typed[:-1]]


def test_today_is_a_valid_session_date(signed_in, create_url, client_record):
    signed_in.post(create_url, form_data(session_date=timezone.localdate().isoformat()))
    assert Assessment.objects.get(client=client_record).session_date == timezone.localdate()


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("turn_without_side", "Choose the side this pattern was seen on."),
        ("tilt_with_side", "has no side; leave the side out."),
        ("bad_severity", "Select a valid choice. 7 is not one of the available choices."),
        ("bad_side", "Select a valid choice. up is not one of the available choices."),
        ("bad_role", "Select a valid choice. sleepy is not one of the available choices."),
        ("muscle_without_severity", "muscles are recorded only under a pattern that was seen"),
    ],
)
def test_it_rejects_bad_pattern_blocks_and_keeps_every_value(
    signed_in, create_url, client_record, catalogue, block, message
):
    tilt, turn = f"p{catalogue.tilt.pk}", f"p{catalogue.turn.pk}"
    link = catalogue.tilt_over.pk
    shown = {turn: f"{turn}-m{catalogue.turn_same.pk}-confirmed", tilt: f"{tilt}-m{link}-confirmed"}
    blocks = {
        "turn_without_side": {turn: {"severity": "2", "note": "Keep this note"}},
        "tilt_with_side": {tilt: {"severity": "2", "side": "left", "note": "Keep this note"}},
        "bad_severity": {tilt: {"severity": "7", "note": "Keep this note"}},
        "bad_side": {turn: {"severity": "2", "side": "up", "note": "Keep this note"}},
        "bad_role": {
            tilt: {"severity": "2", f"m{link}-confirmed": "on", f"m{link}-role": "sleepy", "note": "Keep it"}
        },
        "muscle_without_severity": {
            tilt: {"severity": "0", f"m{link}-confirmed": "on", "note": "Keep this note"}
        },
    }[block]
    response = signed_in.post(create_url, form_data(pain="6", **blocks))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Keep this note"' in html or 'value="Keep it"' in html
    assert 'value="6"' in html
    assert 'data-testid="error-summary"' in html
    # The block with the error shows its muscles and note, whatever its severity.
    (prefix,) = blocks
    assert f'name="{shown[prefix]}"' in html
    assert not Assessment.objects.filter(client=client_record).exists()
    assert not PatternFinding.objects.exists()


def test_an_error_is_shown_next_to_its_field(signed_in, create_url, catalogue):
    turn = catalogue.turn.pk
    html = signed_in.post(create_url, form_data(**{f"p{turn}": {"severity": "2"}})).content.decode()
    select_at = html.index(f'name="p{turn}-side"')
    error_at = html.index(f'id="id_p{turn}-side-error"')
    assert 0 < error_at - select_at < 600
    assert f'aria-describedby="id_p{turn}-side-error"' in html


def test_an_archived_client_cannot_get_a_new_assessment(signed_in, client_record, create_url):
    client_record.is_archived = True
    client_record.save()
    assert signed_in.get(create_url).status_code == 302
    signed_in.post(create_url, form_data())
    assert not Assessment.objects.filter(client=client_record).exists()


def test_a_final_assessment_cannot_be_edited(signed_in, client_record, catalogue):
    assessment = factories.AssessmentFactory(client=client_record, final=True, session_date=date(2026, 1, 1))
    url = reverse("assessments:update", kwargs={"pk": assessment.pk})
    response = signed_in.get(url)
    assert response.status_code == 302
    signed_in.post(url, form_data(version=1, notes="changed", **{f"p{catalogue.tilt.pk}": {"severity": "2"}}))
    assessment.refresh_from_db()
    assert (assessment.notes, assessment.version) == ("", 1)
    assert not assessment.pattern_findings.exists()


def test_a_new_assessment_defaults_to_today(signed_in, create_url):
    html = signed_in.get(create_url).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in html


@pytest.fixture
def unlinked_finding(client_record, trainer, catalogue):
    """A draft whose tilt finding lists the flexor, whose catalogue link was removed since."""
    assessment = factories.AssessmentFactory(client=client_record, trainer=trainer)
    factories.PatternFindingFactory(assessment=assessment, pattern=catalogue.tilt, severity=2)
    finding = factories.MuscleFindingFactory(
        assessment=assessment, muscle=catalogue.tilt_over.muscle, pattern=catalogue.tilt, role="over-active"
    )
    catalogue.tilt_over.delete()
    return finding


def test_a_finding_the_catalogue_no_longer_links_is_listed_and_kept(signed_in, unlinked_finding, catalogue):
    url = reverse("assessments:update", kwargs={"pk": unlinked_finding.assessment_id})
    html = signed_in.get(url).content.decode()
    assert 'data-testid="kept-findings"' in html
    assert "Remove <strong>Test flexor</strong>: over-active, both sides, under Test tilt" in html
    data = form_data(version=1, **{f"p{catalogue.tilt.pk}": {"severity": "2"}})
    assert signed_in.post(url, data).status_code == 302
    assert MuscleFinding.objects.filter(pk=unlinked_finding.pk).exists()


def test_a_finding_the_catalogue_no_longer_links_can_be_removed(signed_in, unlinked_finding, catalogue):
    url = reverse("assessments:update", kwargs={"pk": unlinked_finding.assessment_id})
    data = form_data(version=1, **{f"p{catalogue.tilt.pk}": {"severity": "2"}})
    data[f"kept-{unlinked_finding.pk}-remove"] = "on"
    assert signed_in.post(url, data).status_code == 302
    assert not MuscleFinding.objects.filter(assessment_id=unlinked_finding.assessment_id).exists()
    assert 'data-testid="kept-findings"' not in signed_in.get(url).content.decode()


def _muscles_url(pattern) -> str:
    return reverse("assessments:pattern_muscles", kwargs={"slug": pattern.slug})


def test_a_patterns_muscles_come_with_the_names_the_form_saves(
    signed_in, create_url, client_record, catalogue
):
    html = signed_in.get(_muscles_url(catalogue.turn)).content.decode()
    names = re.findall(r'name="([^"]+)"', html)
    turn, same = f"p{catalogue.turn.pk}", catalogue.turn_same.pk
    assert names == [
        *(
            f"{turn}-m{link.pk}-{part}"
            for link in (catalogue.turn_same, catalogue.turn_opposite)
            for part in ("confirmed", "role", "side")
        ),
        f"{turn}-note",
    ]
    # Posted back as the browser would with the trainer's choices, they save.
    data = form_data(**{turn: {"severity": "2", "side": "right", f"m{same}-confirmed": "on", "note": "mild"}})
    assert signed_in.post(create_url, data).status_code == 302
    finding = MuscleFinding.objects.get(assessment__client=client_record)
    assert (finding.muscle_id, finding.side) == (catalogue.turn_same.muscle_id, "right")


def test_a_patterns_muscles_need_a_trainer(client, client_user, catalogue):
    url = _muscles_url(catalogue.tilt)
    assert client.get(url).status_code == 302
    client.force_login(client_user)
    assert client.get(url).status_code == 403


def test_a_patterns_muscles_are_catalogue_content_and_not_audited(client, other_trainer, catalogue):
    client.force_login(other_trainer)
    response = client.get(_muscles_url(catalogue.tilt))
    assert response.status_code == 200
    assert "Test flexor</strong>: expected over-active, both sides" in response.content.decode()
    assert not AuditEvent.objects.exists()
    assert client.post(_muscles_url(catalogue.tilt)).status_code == 405
    assert client.get(reverse("assessments:pattern_muscles", kwargs={"slug": "no-such"})).status_code == 404


def test_a_form_sent_back_shows_the_muscles_of_each_marked_pattern_only(signed_in, create_url, catalogue):
    """Without JavaScript a marked pattern's muscles come with the next page, as they do here."""
    tilt, turn = f"p{catalogue.tilt.pk}", f"p{catalogue.turn.pk}"
    html = signed_in.post(create_url, form_data(pain="11", **{tilt: {"severity": "1"}})).content.decode()
    assert f'name="{tilt}-m{catalogue.tilt_over.pk}-confirmed"' in html
    assert f'<div id="{turn}-muscles" hx-get=' in html
    assert f'name="{turn}-m{catalogue.turn_same.pk}-confirmed"' not in html


def test_muscles_on_the_page_stay_there_with_what_was_typed(signed_in, create_url, catalogue):
    """Set back to "none" after its muscles were shown, a pattern keeps them until saved."""
    turn, same = f"p{catalogue.turn.pk}", catalogue.turn_same.pk
    data = form_data(
        pain="11", **{turn: {"severity": "0", f"m{same}-role": "under-active", "note": "Keep me"}}
    )
    html = signed_in.post(create_url, data).content.decode()
    assert 'value="Keep me"' in html
    role = re.search(rf'<select name="{turn}-m{same}-role".*?</select>', html).group(0)
    assert '<option value="under-active" selected>' in role


def test_saved_findings_show_their_muscles_on_the_edit_form(signed_in, client_record, catalogue):
    assessment = factories.AssessmentFactory(client=client_record)
    factories.MuscleFindingFactory(
        assessment=assessment, muscle=catalogue.turn_same.muscle, pattern=catalogue.turn, side="both"
    )
    html = signed_in.get(reverse("assessments:update", kwargs={"pk": assessment.pk})).content.decode()
    # Even without its pattern finding, the recorded muscle is shown ticked, to be kept or removed.
    confirmed = f'name="p{catalogue.turn.pk}-m{catalogue.turn_same.pk}-confirmed"'
    assert re.search(rf"<input[^>]*{confirmed}[^>]*checked", html)
    assert f'name="p{catalogue.tilt.pk}-m{catalogue.tilt_over.pk}-confirmed"' not in html
