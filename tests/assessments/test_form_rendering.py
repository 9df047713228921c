"""The form's pattern blocks are written without the template engine: check what users rely on."""

import re

import pytest
from django.urls import reverse

from tests import factories
from tests.assessments.conftest import form_data


@pytest.fixture
def create_url(client_record):
    return reverse("assessments:create", kwargs={"client_pk": client_record.pk})


@pytest.fixture
def signed_in(client, trainer):
    client.force_login(trainer)
    return client


def _tag(html: str, name: str) -> str:
    """The opening tag of the input or select called `name`."""
    return re.search(rf'<(?:input|select)[^>]*name="{re.escape(name)}"[^>]*>', html).group(0)


def test_each_admin_edit_shows_on_the_very_next_form(signed_in, create_url, catalogue):
    assert (
        "Test flexor</strong>: expected over-active, both sides" in signed_in.get(create_url).content.decode()
    )
    muscle = catalogue.tilt_over.muscle
    muscle.name = "Renamed flexor"
    muscle.save()
    catalogue.tilt_under.role = "over-active"
    catalogue.tilt_under.save()
    html = signed_in.get(create_url).content.decode()
    assert "Renamed flexor</strong>: expected over-active" in html
    assert "Test flexor" not in html
    assert "Test gluteus</strong>: expected over-active, both sides" in html

    catalogue.turn.is_active = False
    catalogue.turn.save()
    added = factories.PatternMuscleFactory(
        pattern=catalogue.tilt, muscle=factories.MuscleFactory(name="New one")
    )
    html = signed_in.get(create_url).content.decode()
    assert 'id="pattern-test-turn"' not in html
    assert f'name="p{catalogue.tilt.pk}-m{added.pk}-confirmed"' in html
    assert "Muscles (3) and note" in html


def test_a_bad_post_keeps_every_muscle_row_as_entered(signed_in, create_url, catalogue):
    turn = f"p{catalogue.turn.pk}"
    same, opposite = catalogue.turn_same.pk, catalogue.turn_opposite.pk
    data = form_data(
        **{
            turn: {
                "severity": "3",
                "side": "left",
                f"m{same}-confirmed": "on",
                f"m{same}-role": "under-active",
                f"m{same}-side": "both",
                f"m{opposite}-side": "sideways",
            }
        }
    )
    html = signed_in.post(create_url, data).content.decode()
    assert re.search(rf'id="id_{turn}-severity_3"[^>]*checked', html)
    assert " checked" in _tag(html, f"{turn}-m{same}-confirmed")
    assert " checked" not in _tag(html, f"{turn}-m{opposite}-confirmed")
    assert '<option value="under-active" selected>' in html
    assert '<option value="both" selected>' in html
    bad = _tag(html, f"{turn}-m{opposite}-side")
    assert "is-invalid" in bad
    assert f'aria-describedby="id_{turn}-m{opposite}-side-error"' in bad
    assert f'id="id_{turn}-m{opposite}-side-error">Select a valid choice. sideways is not one' in html
    assert "is-invalid" not in _tag(html, f"{turn}-m{same}-side")


def test_catalogue_names_are_escaped(signed_in, create_url, catalogue):
    catalogue.tilt.name = 'Tilt <script>alert("x")</script>'
    catalogue.tilt.save()
    html = signed_in.get(create_url).content.decode()
    assert "<script>alert" not in html
    assert "Tilt &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_an_edit_form_shows_the_stored_muscle_rows(signed_in, create_url, client_record, catalogue):
    # A new form first, so that the untouched blocks' markup is cached before the edit form.
    assert "data-pattern-details open" not in signed_in.get(create_url).content.decode()
    assessment = factories.AssessmentFactory(client=client_record)
    factories.PatternFindingFactory(assessment=assessment, pattern=catalogue.turn, severity=2, side="right")
    factories.MuscleFindingFactory(
        assessment=assessment,
        muscle=catalogue.turn_same.muscle,
        pattern=catalogue.turn,
        side="left",
        role="under-active",
    )
    html = signed_in.get(reverse("assessments:update", kwargs={"pk": assessment.pk})).content.decode()
    turn, same = f"p{catalogue.turn.pk}", catalogue.turn_same.pk
    assert " checked" in _tag(html, f"{turn}-m{same}-confirmed")
    row = html[html.index(f'name="{turn}-m{same}-role"') :]
    assert row.index('<option value="under-active" selected>') < row.index("</select>")
    side = row[row.index(f'name="{turn}-m{same}-side"') :]
    # Stored on the left while the tilt is to the right: not the expected side, so shown as adjusted.
    assert side.index('<option value="left" selected>') < side.index("</select>")
    assert "data-pattern-details open" in html
