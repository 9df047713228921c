"""Autosave: the form's script posts the draft in the background and reads a JSON line back."""

import uuid

from django.urls import reverse

from assessments.models import Assessment
from security.models import AuditEvent
from tests import factories
from tests.assessments.conftest import form_data
from tests.conftest import login_as

AUTOSAVE = {"HTTP_X_AUTOSAVE": "1"}


def test_a_new_form_becomes_a_draft_then_each_autosave_claims_the_next_version(
    client, trainer, client_record, catalogue
):
    login_as(client, trainer)
    token = str(uuid.uuid4())
    first = {**form_data(notes="Started."), "submission_token": token}

    created = client.post(reverse("assessments:create", args=[client_record.pk]), first, **AUTOSAVE)
    repeated = client.post(reverse("assessments:create", args=[client_record.pk]), first, **AUTOSAVE)

    draft = Assessment.objects.get()
    url = reverse("assessments:update", args=[draft.pk])
    assert created.json() == {"saved": True, "message": created.json()["message"], "version": 1, "url": url}
    assert created.json()["message"].startswith("Draft saved at ")
    assert repeated.json()["url"] == url  # the same form twice: one draft
    second = client.post(url, form_data(version=1, notes="Started, then more."), **AUTOSAVE)
    assert second.json()["version"] == 2
    draft.refresh_from_db()
    assert (draft.notes, draft.status) == ("Started, then more.", "draft")
    assert AuditEvent.objects.filter(client_id=client_record.pk, action="change").count() == 2


def test_an_autosave_with_a_field_to_fix_saves_nothing_and_says_so(client, trainer, client_record, catalogue):
    login_as(client, trainer)

    response = client.post(
        reverse("assessments:create", args=[client_record.pk]), form_data(pain="11"), **AUTOSAVE
    )

    assert response.json()["saved"] is False
    assert "needs fixing" in response.json()["message"]
    assert not Assessment.objects.exists()


def test_an_autosave_from_an_old_version_or_of_a_final_assessment_is_refused(client, trainer, client_record):
    draft = factories.AssessmentFactory(client=client_record, version=4)
    final = factories.AssessmentFactory(client=client_record, final=True)
    login_as(client, trainer)

    stale = client.post(reverse("assessments:update", args=[draft.pk]), form_data(version=3), **AUTOSAVE)
    locked = client.post(reverse("assessments:update", args=[final.pk]), form_data(version=1), **AUTOSAVE)

    assert (stale.status_code, stale.json()["saved"]) == (409, False)
    assert "someone else saved" in stale.json()["message"]
    assert (locked.status_code, locked.json()["saved"]) == (409, False)
    draft.refresh_from_db()
    assert draft.version == 4


def test_another_trainer_cannot_autosave_into_a_draft(client, other_trainer, client_record):
    draft = factories.AssessmentFactory(client=client_record)
    login_as(client, other_trainer)

    response = client.post(reverse("assessments:update", args=[draft.pk]), form_data(version=1), **AUTOSAVE)

    assert response.status_code == 404
