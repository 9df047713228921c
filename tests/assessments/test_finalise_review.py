"""Finalising starts from what the client will see, and marking a pattern ticks its expected muscles."""

from django.urls import reverse

from tests import factories
from tests.conftest import login_as


def test_a_drafts_summary_offers_to_finalise_it_saying_the_client_will_see_it(client, trainer, client_record):
    draft = factories.AssessmentFactory(client=client_record, notes="Seen today.", version=3)
    login_as(client, trainer)

    detail = client.get(draft.get_absolute_url()).content.decode()
    summary = client.get(reverse("reports:summary", args=[draft.pk])).content.decode()

    assert f'href="{reverse("reports:summary", args=[draft.pk])}#finalise">Review and finalise</a>' in detail
    assert 'data-testid="finalise-box"' in summary
    assert "what Jane Doe will see in the portal" in summary
    assert f'action="{reverse("assessments:finalise", args=[draft.pk])}"' in summary
    assert '<input type="hidden" name="version" value="3">' in summary
    assert "Seen today." in summary

    response = client.post(reverse("assessments:finalise", args=[draft.pk]), {"version": "3"})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_final
    again = client.get(reverse("reports:summary", args=[draft.pk])).content.decode()
    assert 'data-testid="finalise-box"' not in again


def test_the_client_never_sees_the_finalise_box(client, client_user, client_record):
    final = factories.AssessmentFactory(client=client_record, final=True)
    login_as(client, client_user)

    page = client.get(reverse("reports:portal_summary", args=[final.pk])).content.decode()

    assert 'data-testid="finalise-box"' not in page


def test_marking_a_pattern_ticks_its_expected_muscles(client, trainer, catalogue):
    login_as(client, trainer)

    html = client.get(reverse("assessments:pattern_muscles", kwargs={"slug": "test-turn"})).content.decode()

    assert html.count("data-muscle-found checked") == 2
    assert (
        '<option value="over-active" selected>' in html and '<option value="under-active" selected>' in html
    )
