"""Consent to posture photos: its own tick on the client form, recorded and withdrawn like consent."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.forms import PHOTO_CONSENT_LABEL
from clients.models import Client
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

VALID = {"first_name": "Maya", "last_name": "Lopez", "email": "maya@example.com", "consent": "on"}


@pytest.fixture
def signed_in(client, trainer):
    client.force_login(trainer)
    return client


def test_the_form_asks_for_photo_consent_apart_from_consent(signed_in):
    response = signed_in.get(reverse("clients:create"))

    assert PHOTO_CONSENT_LABEL in response.text
    assert 'name="photo_consent"' in response.text


def test_consent_alone_records_no_photo_consent(signed_in):
    signed_in.post(reverse("clients:create"), VALID)

    created = Client.objects.get(last_name="Lopez")
    assert created.consent_given_at is not None
    assert (created.photo_consent_given_at, created.photo_consent_recorded_by) == (None, None)


def test_it_records_photo_consent_with_who_and_when(signed_in, trainer):
    signed_in.post(reverse("clients:create"), {**VALID, "photo_consent": "on"})

    created = Client.objects.get(last_name="Lopez")
    assert created.photo_consent_recorded_by == trainer
    assert timezone.now() - created.photo_consent_given_at < timedelta(minutes=1)


def test_an_edit_keeps_the_first_record_and_unticking_withdraws_it(signed_in, trainer, other_trainer):
    given = timezone.now() - timedelta(days=30)
    record = ClientFactory(
        trainer=trainer, photo_consent_given_at=given, photo_consent_recorded_by=other_trainer
    )
    url = reverse("clients:update", kwargs={"pk": record.pk})
    data = {"first_name": record.first_name, "last_name": record.last_name, "email": record.email}

    assert signed_in.get(url).context["form"]["photo_consent"].value() is True
    signed_in.post(url, {**data, "photo_consent": "on"})
    record.refresh_from_db()
    assert (record.photo_consent_given_at, record.photo_consent_recorded_by) == (given, other_trainer)

    signed_in.post(url, data)
    record.refresh_from_db()
    assert (record.photo_consent_given_at, record.photo_consent_recorded_by) == (None, None)


def test_the_client_page_says_whether_photos_may_be_taken(signed_in, trainer):
    record = ClientFactory(trainer=trainer)
    url = reverse("clients:detail", kwargs={"pk": record.pk})

    before = signed_in.get(url).text
    Client.objects.filter(pk=record.pk).update(
        photo_consent_given_at=timezone.now(), photo_consent_recorded_by=trainer
    )
    after = signed_in.get(url).text

    assert "Not recorded: no posture photos can be added." in before
    assert "Not recorded: no posture photos can be added." not in after
    assert "Given, recorded" in after.split('data-testid="photo-consent"')[1].split("</dd>")[0]
