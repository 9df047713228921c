"""A grown catalogue never makes a save impossible: an untouched pattern posts nothing.

Django refuses a post of more than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) fields with a bare
400. The form is read here as a browser submits it (bench.forms: enabled inputs, ticked radios
and checkboxes, each select's chosen option), on twice the bench's catalogue.
"""

import random
import re
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse

from assessments.models import Assessment, MuscleFinding, PatternFinding
from bench.forms import main_form_fields
from bench.sizes import FULL
from imbalances.models import Muscle, Pattern, PatternMuscle, RelativeSide, Role
from tests import factories
from tests.assessments.conftest import form_data

# Twice the bench's catalogue: its patterns and muscles (2.5 a pattern), each pattern linking
# six of the muscles as bench/studio.py does.
PATTERNS = 2 * FULL.patterns
MUSCLES = 2 * FULL.muscles
LINKS_EACH = 6
PATTERN_FIELD = re.compile(r"^(p\d+)-")


@pytest.fixture
def signed_in(client, trainer):
    client.force_login(trainer)
    return client


@pytest.fixture
def big_catalogue(db) -> list[Pattern]:
    """120 active patterns in 12 regions, a fifth of them lateral; every other pattern retired."""
    Pattern.objects.update(is_active=False)
    regions = [factories.RegionFactory(name=f"Big region {n}") for n in range(12)]
    muscles = Muscle.objects.bulk_create(
        Muscle(name=f"Big muscle {n}", lay_name=f"big muscle {n}", slug=f"big-muscle-{n}")
        for n in range(MUSCLES)
    )
    patterns = Pattern.objects.bulk_create(
        Pattern(
            region=regions[n % len(regions)],
            name=f"Big pattern {n}",
            slug=f"big-pattern-{n}",
            laterality="one" if n % 5 == 0 else "none",
            observation=factories.ObservationFactory(),
            display_order=n,
        )
        for n in range(PATTERNS)
    )
    rng = random.Random(PATTERNS)
    PatternMuscle.objects.bulk_create(
        PatternMuscle(
            pattern=pattern,
            muscle=muscle,
            role=Role.OVER if position < 3 else Role.UNDER,
            side=(RelativeSide.SAME if position % 2 else RelativeSide.OPPOSITE) if pattern.is_lateral else "",
        )
        for pattern in patterns
        for position, muscle in enumerate(rng.sample(muscles, LINKS_EACH))
    )
    return patterns


def _posted(html: str) -> list[tuple[str, str]]:
    """What a browser posts from the page's form, with its "Save draft" button."""
    return main_form_fields(html, "")


def _patterns_posted(fields: list[tuple[str, str]]) -> set[str]:
    return {match.group(1) for name, _ in fields if (match := PATTERN_FIELD.match(name))}


def test_a_new_form_posts_its_header_only(signed_in, client_record, big_catalogue):
    html = signed_in.get(reverse("assessments:create", args=[client_record.pk])).content.decode()
    assert html.count("<article ") == PATTERNS
    fields = _posted(html)
    assert _patterns_posted(fields) == set()
    assert {name for name, _ in fields} == {
        "csrfmiddlewaretoken",
        "session_date",
        "pain_score",
        "notes",
        "private_notes",
        "version",
        "submission_token",
        "save",
    }


def test_ten_marked_patterns_post_a_small_form_that_saves(signed_in, client_record, big_catalogue):
    """Marked as in a browser: a severity (and side) ticked, the muscles fetched (each ticked), all
    but two unticked."""
    url = reverse("assessments:create", args=[client_record.pk])
    fields = _posted(signed_in.get(url).content.decode())
    marked = big_catalogue[::12]
    assert len(marked) == 10
    for pattern in marked:
        prefix = f"p{pattern.pk}"
        fields.append((f"{prefix}-severity", "2"))
        if pattern.is_lateral:
            fields.append((f"{prefix}-side", "left"))
        muscles = signed_in.get(reverse("assessments:pattern_muscles", args=[pattern.slug])).content.decode()
        fetched = main_form_fields(f'<form method="post">{muscles}</form>', "")
        kept = re.findall(r'name="([^"]+-confirmed)"', muscles)[:2]
        fields += [
            (name, value) for name, value in fetched if not name.endswith("-confirmed") or name in kept
        ]
    assert _patterns_posted(fields) == {f"p{pattern.pk}" for pattern in marked}
    # Severity, a lateral one's side, the note, and per muscle its role, side and tick if ticked.
    assert len(fields) < 200
    response = signed_in.post(url, urlencode(fields), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    assessment = Assessment.objects.get(client=client_record)
    assert set(assessment.pattern_findings.values_list("pattern_id", flat=True)) == {p.pk for p in marked}
    assert assessment.muscle_findings.count() == 20


def test_twenty_marked_patterns_stay_under_djangos_limit_and_save_again(
    signed_in, client_record, big_catalogue
):
    """An edit form shows a found pattern's every muscle row; the rest post nothing."""
    draft = factories.AssessmentFactory(client=client_record)
    marked = big_catalogue[::6]
    assert len(marked) == 20
    for pattern in marked:
        side = "right" if pattern.is_lateral else ""
        factories.PatternFindingFactory(assessment=draft, pattern=pattern, severity=3, side=side)
        for link in PatternMuscle.objects.filter(pattern=pattern):
            factories.MuscleFindingFactory(
                assessment=draft, pattern=pattern, muscle_id=link.muscle_id, role=link.role, side="both"
            )
    url = reverse("assessments:update", args=[draft.pk])
    html = signed_in.get(url).content.decode()
    assert html.count('class="muscle-row"') == 20 * LINKS_EACH
    fields = _posted(html)
    assert _patterns_posted(fields) == {f"p{pattern.pk}" for pattern in marked}
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    assert len(fields) < 600
    before = sorted(MuscleFinding.objects.filter(assessment=draft).values_list("muscle_id", "role", "side"))
    response = signed_in.post(url, urlencode(fields), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.version == 2
    assert PatternFinding.objects.filter(assessment=draft).count() == 20
    after = sorted(MuscleFinding.objects.filter(assessment=draft).values_list("muscle_id", "role", "side"))
    assert after == before


def test_a_block_sent_back_for_its_side_shows_each_muscles_expected_role(signed_in, client_record, catalogue):
    """Without JavaScript a marked pattern's muscles first come with the page that asks for its
    side: their roles, never posted, show as the catalogue expects them."""
    turn, opposite = f"p{catalogue.turn.pk}", catalogue.turn_opposite.pk
    url = reverse("assessments:create", args=[client_record.pk])
    html = signed_in.post(url, form_data(**{turn: {"severity": "2"}})).content.decode()
    assert "Choose the side this pattern was seen on." in html
    role = re.search(rf'<select name="{turn}-m{opposite}-role".*?</select>', html).group(0)
    assert '<option value="under-active" selected>' in role
