"""The side rules for the two kinds of sided pattern: one side only (a head tilt) or left, right or
both (knees caving in), and the muscle sides that follow from the side recorded."""

from datetime import date

import pytest
from django.urls import reverse

from assessments.models import MuscleFinding, PatternFinding
from assessments.progress import client_progress
from tests import factories
from tests.assessments.conftest import form_data


@pytest.fixture
def knees(db):
    """A pattern seen on one knee or both, with a muscle on the same and one on the other side."""
    pattern = factories.PatternFactory(name="Knees cave in", slug="knees-cave-in", laterality="one-or-both")
    same = factories.PatternMuscleFactory(
        pattern=pattern, muscle=factories.MuscleFactory(name="Test adductor"), role="over-active", side="same"
    )
    other = factories.PatternMuscleFactory(
        pattern=pattern,
        muscle=factories.MuscleFactory(name="Test medius"),
        role="under-active",
        side="opposite",
    )
    return pattern, same, other


def _post(client, trainer, client_record, pattern, side, *links):
    client.force_login(trainer)
    url = reverse("assessments:create", kwargs={"client_pk": client_record.pk})
    fields = {"severity": "2", "side": side}
    for link in links:
        fields[f"m{link.pk}-confirmed"] = "on"
    return client.post(url, form_data(**{f"p{pattern.pk}": fields}))


def test_a_pattern_seen_on_both_sides_puts_every_muscle_on_both(client, trainer, client_record, knees):
    pattern, same, other = knees

    response = _post(client, trainer, client_record, pattern, "both", same, other)

    assert response.status_code == 302
    assert PatternFinding.objects.get(pattern=pattern).side == "both"
    sides = dict(MuscleFinding.objects.values_list("muscle__name", "side"))
    assert sides == {"Test adductor": "both", "Test medius": "both"}


def test_a_pattern_seen_on_one_knee_puts_muscles_on_that_side_and_the_other(
    client, trainer, client_record, knees
):
    pattern, same, other = knees

    _post(client, trainer, client_record, pattern, "left", same, other)

    sides = dict(MuscleFinding.objects.values_list("muscle__name", "side"))
    assert sides == {"Test adductor": "left", "Test medius": "right"}


def test_a_one_sided_pattern_refuses_both_next_to_its_side(client, trainer, client_record):
    tilt = factories.PatternFactory(name="Head tilts", slug="head-tilts", is_lateral=True)

    response = _post(client, trainer, client_record, tilt, "both")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_p{tilt.pk}-side-error">Select a valid choice. both is not one' in html
    assert not PatternFinding.objects.exists()


def test_the_form_offers_both_only_where_the_pattern_takes_it(client, trainer, client_record, knees):
    tilt = factories.PatternFactory(name="Head tilts", slug="head-tilts", is_lateral=True)
    client.force_login(trainer)

    html = client.get(reverse("assessments:create", kwargs={"client_pk": client_record.pk})).content.decode()

    assert f'name="p{knees[0].pk}-side" value="both"' in html
    assert f'name="p{tilt.pk}-side" value="both"' not in html


def test_progress_keeps_both_sides_apart_from_one(client_record, knees):
    """Both knees at first, the left only later: two readable rows, not one tally."""
    pattern, same, _ = knees
    for day, side, muscle_side in [(1, "both", "both"), (8, "left", "left")]:
        assessment = factories.AssessmentFactory(
            client=client_record, session_date=date(2026, 2, day), final=True
        )
        factories.PatternFindingFactory(assessment=assessment, pattern=pattern, side=side, severity=2)
        factories.MuscleFindingFactory(
            assessment=assessment, muscle=same.muscle, pattern=pattern, role="over-active", side=muscle_side
        )

    progress = client_progress(client_record)

    assert [(p.side, p.first, p.latest, p.since_previous) for p in progress.patterns] == [
        ("both", 2, 0, "resolved"),
        ("left", 0, 2, "new"),
    ]
    assert [(m.side, m.first_label, m.latest_label) for m in progress.muscles] == [
        ("both", "over-active", "not found"),
        ("left", "not found", "over-active"),
    ]
