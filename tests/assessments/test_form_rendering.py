"""What the form's pattern blocks show, and how big the page stays with a grown catalogue."""

import re

import pytest
from django.urls import reverse

from assessments.forms.blocks import MUSCLE_SIDES, PATTERN_SIDES
from assessments.models import Severity
from imbalances.models import Pattern, PatternMuscle, Role
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
    muscles_url = reverse("assessments:pattern_muscles", kwargs={"slug": catalogue.tilt.slug})
    assert (
        "Test flexor</strong>: expected over-active, both sides"
        in signed_in.get(muscles_url).content.decode()
    )
    muscle = catalogue.tilt_over.muscle
    muscle.name = "Renamed flexor"
    muscle.save()
    catalogue.tilt_under.role = "over-active"
    catalogue.tilt_under.save()
    html = signed_in.get(muscles_url).content.decode()
    assert "Renamed flexor</strong>: expected over-active" in html
    assert "Test flexor" not in html
    assert "Test gluteus</strong>: expected over-active, both sides" in html

    catalogue.turn.is_active = False
    catalogue.turn.save()
    added = factories.PatternMuscleFactory(
        pattern=catalogue.tilt, muscle=factories.MuscleFactory(name="New one")
    )
    assert 'id="pattern-test-turn"' not in signed_in.get(create_url).content.decode()
    html = signed_in.get(muscles_url).content.decode()
    assert f'name="p{catalogue.tilt.pk}-m{added.pk}-confirmed"' in html
    assert html.count('class="muscle-row"') == 3


def test_the_form_keeps_the_catalogue_until_an_admin_changes_it(
    signed_in, create_url, catalogue, admin_client, django_capture_on_commit_callbacks
):
    block = 'id="pattern-test-turn"'
    assert block in signed_in.get(create_url).content.decode()
    # Written behind the catalogue's back (no service, no admin): the form keeps what it read.
    Pattern.objects.filter(pk=catalogue.turn.pk).update(name="Renamed in the shell")
    assert "Renamed in the shell" not in signed_in.get(create_url).content.decode()

    changelist = reverse("admin:imbalances_pattern_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(changelist, {"action": "retire", "_selected_action": [catalogue.turn.pk]})
    assert block not in signed_in.get(create_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(changelist, {"action": "reactivate", "_selected_action": [catalogue.turn.pk]})
    html = signed_in.get(create_url).content.decode()
    assert block in html
    assert "Renamed in the shell" in html


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
    assert f'name="{turn}-severity" value="3" checked' in html
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
    assert 'class="muscle-row"' not in signed_in.get(create_url).content.decode()
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
    # The tilt, with nothing recorded, waits to be marked.
    assert html.count('class="muscle-row"') == 2


@pytest.fixture
def grown_catalogue(catalogue):
    """60 patterns with 6 muscles each (the seed's and the test catalogue's patterns retired)."""
    Pattern.objects.update(is_active=False)
    patterns = []
    for number in range(60):
        if number % 5 == 0:
            region = factories.RegionFactory(name=f"Generated region {number // 5}")
        pattern = factories.PatternFactory(
            region=region, name=f"{region.name}: pattern {number}", is_lateral=number % 5 == 0
        )
        for position in range(6):
            side = ("same" if position % 2 else "opposite") if pattern.is_lateral else ""
            factories.PatternMuscleFactory(
                pattern=pattern,
                muscle=factories.MuscleFactory(name=f"Generated muscle {number * 6 + position}"),
                role="over-active" if position < 3 else "under-active",
                side=side,
            )
        patterns.append(pattern)
    return patterns


PAGE_LIMIT = 150_000  # bytes: the whole catalogue's muscle rows made over 500 kB


def test_the_form_stays_small_with_a_grown_catalogue(signed_in, create_url, client_record, grown_catalogue):
    new = signed_in.get(create_url).content
    assert new.count(b"<article ") == 60
    assert len(new) < PAGE_LIMIT

    draft = factories.AssessmentFactory(client=client_record)
    for pattern in grown_catalogue[:10]:
        factories.PatternFindingFactory(assessment=draft, pattern=pattern)
        for link in PatternMuscle.objects.filter(pattern=pattern).select_related("muscle"):
            factories.MuscleFindingFactory(
                assessment=draft, pattern=pattern, muscle=link.muscle, role=link.role
            )
    html = signed_in.get(reverse("assessments:update", kwargs={"pk": draft.pk})).content
    assert html.count(b'class="muscle-row"') == 60
    assert html.count(b"data-muscle-found checked") == 60
    assert len(html) < PAGE_LIMIT


def _options(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', html).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_the_choices_written_into_the_template_are_the_models(signed_in, create_url, catalogue):
    turn, same = f"p{catalogue.turn.pk}", catalogue.turn_same.pk
    html = signed_in.get(create_url).content.decode()
    radios = re.findall(rf'name="{turn}-severity" value="([^"]*)"[^>]*>([^<]*)</label>', html)
    assert radios == [(str(value), label) for value, label in Severity.choices]
    sides = re.findall(rf'name="{turn}-side" value="([^"]*)"[^>]*>([^<]*)</label>', html)
    assert sides == [(str(value), label) for value, label in PATTERN_SIDES]
    muscles = signed_in.get(
        reverse("assessments:pattern_muscles", kwargs={"slug": "test-turn"})
    ).content.decode()
    assert _options(muscles, f"{turn}-m{same}-role") == list(Role.choices)
    assert _options(muscles, f"{turn}-m{same}-side") == [(str(value), label) for value, label in MUSCLE_SIDES]
