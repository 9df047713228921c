import threading
import time
import uuid
from datetime import date

import pytest
from django.db import connection, transaction
from django.urls import reverse

from assessments.models import Assessment, MuscleFinding, PatternFinding
from assessments.services import (
    AlreadySubmittedError,
    ConflictError,
    LockedError,
    MuscleFindingData,
    PatternFindingData,
    assessment_finalise,
    assessment_reopen,
    assessment_save,
)
from tests import factories
from tests.assessments.conftest import form_data


@pytest.fixture
def assessment(client_record, catalogue):
    assessment = factories.AssessmentFactory(
        client=client_record, session_date=date(2026, 2, 1), notes="first", pain_score=5
    )
    factories.PatternFindingFactory(assessment=assessment, pattern=catalogue.tilt, severity=3, side="")
    factories.MuscleFindingFactory(
        assessment=assessment,
        muscle=catalogue.tilt_over.muscle,
        pattern=catalogue.tilt,
        role="over-active",
        side="both",
    )
    return assessment


def _state(assessment: Assessment) -> tuple:
    assessment.refresh_from_db()
    return (
        assessment.notes,
        assessment.pain_score,
        assessment.version,
        sorted(PatternFinding.objects.filter(assessment=assessment).values_list("pattern_id", "severity")),
        sorted(MuscleFinding.objects.filter(assessment=assessment).values_list("muscle_id", "role", "side")),
    )


def test_a_failure_in_the_middle_of_a_save_leaves_nothing_changed(
    assessment, catalogue, trainer, monkeypatch
):
    before = _state(assessment)
    history_before = Assessment.history.count() + PatternFinding.history.count()

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    # The pattern findings and the header are written before muscle findings are created.
    monkeypatch.setattr(MuscleFinding.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        assessment_save(
            assessment=assessment,
            header={"notes": "second", "pain_score": 2, "session_date": date(2026, 2, 1)},
            pattern_findings=[PatternFindingData(pattern_id=catalogue.turn.pk, severity=1, side="left")],
            muscle_findings=[
                MuscleFindingData(
                    muscle_id=catalogue.turn_same.muscle_id,
                    role="over-active",
                    side="left",
                    pattern_id=catalogue.turn.pk,
                )
            ],
            expected_version=1,
            by=trainer,
        )
    assert _state(assessment) == before
    assert Assessment.history.count() + PatternFinding.history.count() == history_before


def test_a_stale_version_is_refused_and_nothing_is_written(assessment, catalogue, trainer):
    assessment_save(
        assessment=Assessment.objects.get(pk=assessment.pk),
        header={"notes": "first person"},
        pattern_findings=[],
        muscle_findings=[],
        expected_version=1,
        by=trainer,
    )
    first_person = _state(assessment)
    with pytest.raises(ConflictError) as raised:
        assessment_save(
            assessment=Assessment.objects.get(pk=assessment.pk),
            header={"notes": "second person"},
            pattern_findings=[PatternFindingData(pattern_id=catalogue.tilt.pk, severity=1)],
            muscle_findings=[],
            expected_version=1,
            by=trainer,
        )
    assert raised.value.current_version == 2
    assert _state(assessment) == first_person


def test_the_second_editor_sees_a_conflict_with_their_input_kept(client, trainer, assessment, catalogue):
    client.force_login(trainer)
    url = reverse("assessments:update", kwargs={"pk": assessment.pk})
    tilt = f"p{catalogue.tilt.pk}"
    # Both opened version 1; the first saves.
    first = client.post(url, form_data(version=1, session_date="2026-02-01", notes="first person saved"))
    assert first.status_code == 302
    saved = _state(assessment)
    second = client.post(
        url,
        form_data(version=1, session_date="2026-02-01", notes="second typed", **{tilt: {"severity": "1"}}),
    )
    assert second.status_code == 409
    html = second.content.decode()
    assert 'data-testid="conflict-alert"' in html
    assert "second typed" in html
    assert 'name="version" value="2"' in html
    assert _state(assessment) == saved
    # Saving again on purpose, from the version they were shown, goes through.
    third = client.post(
        url,
        form_data(version=2, session_date="2026-02-01", notes="second typed", **{tilt: {"severity": "1"}}),
    )
    assert third.status_code == 302
    assert _state(assessment)[0] == "second typed"


def test_finalise_locks_and_reopen_unlocks(assessment, trainer):
    assessment_finalise(assessment=assessment, by=trainer)
    assessment.refresh_from_db()
    assert assessment.is_final and assessment.finalised_at is not None
    with pytest.raises(LockedError):
        assessment_save(
            assessment=assessment,
            header={"notes": "late edit"},
            pattern_findings=[],
            muscle_findings=[],
            expected_version=assessment.version,
            by=trainer,
        )
    with pytest.raises(LockedError):
        assessment_finalise(assessment=assessment, by=trainer)
    assessment_reopen(assessment=assessment, by=trainer)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.finalised_at) == ("draft", None)
    with pytest.raises(ConflictError):
        assessment_reopen(assessment=assessment, by=trainer)


def test_finalise_and_reopen_views_record_who_and_when(client, trainer, assessment):
    client.force_login(trainer)
    response = client.post(reverse("assessments:finalise", kwargs={"pk": assessment.pk}))
    assert response.status_code == 302
    client.post(reverse("assessments:reopen", kwargs={"pk": assessment.pk}))
    reasons = list(
        Assessment.history.filter(id=assessment.pk)
        .order_by("history_date")
        .values_list("history_change_reason", "history_user__username", "status")
    )
    assert reasons[-2:] == [("Finalised", "alice", "final"), ("Reopened", "alice", "draft")]


def test_finalise_refuses_a_stale_page(client, trainer, assessment):
    client.force_login(trainer)
    client.post(reverse("assessments:finalise", kwargs={"pk": assessment.pk}), {"version": "7"})
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_the_history_page_says_who_changed_what_and_when(client, trainer, assessment, catalogue):
    client.force_login(trainer)
    url = reverse("assessments:update", kwargs={"pk": assessment.pk})
    tilt = f"p{catalogue.tilt.pk}"
    client.post(url, form_data(version=1, session_date="2026-02-01", pain="2", **{tilt: {"severity": "1"}}))
    client.post(reverse("assessments:finalise", kwargs={"pk": assessment.pk}))
    client.post(reverse("assessments:reopen", kwargs={"pk": assessment.pk}))
    response = client.get(reverse("assessments:history", kwargs={"pk": assessment.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alice Archer" in html
    assert "Changed pain score: 5 → 2" in html
    assert "Test tilt: severe → mild" in html
    # The muscle was not re-confirmed on the form, so the save removed it.
    assert "Removed Test flexor (both) under test tilt" in html
    assert "Finalised" in html and "Reopened" in html
    assert html.index("Reopened") < html.index("Finalised") < html.index("Changed pain score")


@pytest.mark.parametrize("removed", [1, 30])
def test_removing_findings_takes_the_same_queries_however_many(
    client_record, trainer, removed, django_assert_num_queries
):
    assessment = factories.AssessmentFactory(client=client_record)
    patterns = factories.PatternFactory.create_batch(removed)
    for pattern in patterns:
        factories.PatternFindingFactory(assessment=assessment, pattern=pattern, severity=2, side="")
        factories.MuscleFindingFactory(
            assessment=assessment, pattern=pattern, role="over-active", side="both"
        )
    # The same with 1 and with 30 removals: the history and the deletes are one statement each.
    with django_assert_num_queries(11):
        assessment_save(
            assessment=assessment,
            header={"session_date": assessment.session_date, "notes": "", "pain_score": None},
            pattern_findings=[],
            muscle_findings=[],
            expected_version=assessment.version,
            by=trainer,
        )
    assert not assessment.pattern_findings.exists() and not assessment.muscle_findings.exists()
    removals = PatternFinding.history.filter(history_type="-", assessment_id=assessment.pk)
    assert removals.count() == removed
    assert {row.history_user_id for row in removals} == {trainer.pk}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_racing_posts_of_one_form_create_one_assessment(trainer, client_record):
    """The second post's INSERT waits for the first to commit, then finds what it created."""
    token = uuid.uuid4()
    first_saved, outcome = threading.Event(), {}

    def save(name: str, hold: bool) -> None:
        try:
            with transaction.atomic():
                saved = assessment_save(
                    assessment=Assessment(client=client_record),
                    header={"session_date": date(2026, 2, 1), "notes": name},
                    pattern_findings=[],
                    muscle_findings=[],
                    expected_version=None,
                    by=trainer,
                    submission_token=token,
                )
                if hold:
                    first_saved.set()
                    time.sleep(0.5)  # long enough for the second INSERT to block on the index
            outcome[name] = saved.pk
        except AlreadySubmittedError as error:
            outcome[name] = ("already", error.assessment.pk)
        finally:
            connection.close()

    first = threading.Thread(target=save, args=("first", True))
    first.start()
    assert first_saved.wait(5)
    second = threading.Thread(target=save, args=("second", False))
    second.start()
    first.join(10)
    second.join(10)
    (created,) = Assessment.objects.filter(client=client_record)
    assert outcome == {"first": created.pk, "second": ("already", created.pk)}
    assert created.notes == "first"
