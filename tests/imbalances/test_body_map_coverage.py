"""Every muscle and region the shipped catalogue can record has a place on the body map's figure."""

import json
import re

import pytest
from django.conf import settings

from imbalances.body_map import AREAS, MUSCLE_AREAS, REGION_AREAS
from imbalances.models import Muscle, Region

CATALOGUE_FILES = [
    "imbalances/migrations/0002_seed_catalogue.json",
    "imbalances/packs/whole-body-posture.json",
    "imbalances/packs/movement-screens.json",
    "imbalances/packs/exercises.json",
]


def _shipped_slugs(kind: str) -> set[str]:
    slugs = set()
    for name in CATALOGUE_FILES:
        document = json.loads((settings.BASE_DIR / name).read_text())
        slugs |= {entry["slug"] for entry in document.get(kind, [])}
        if kind == "regions":
            slugs |= {pattern["region"] for pattern in document.get("patterns", [])}
    return slugs


def _drawn_area_ids() -> set[str]:
    template = (settings.BASE_DIR / "templates" / "_body_map.html").read_text()
    return set(re.findall(r'id="\{\{ p \}\}-((?:front|back)-[a-z-]+)"', template))


def test_every_shipped_muscle_has_an_area():
    muscles = _shipped_slugs("muscles")

    assert len(muscles) > 50
    assert sorted(muscles - MUSCLE_AREAS.keys()) == []


def test_every_shipped_region_has_an_area():
    regions = _shipped_slugs("regions")

    assert {"neck", "low-back", "knees", "feet-and-ankles"} <= regions
    assert sorted(regions - REGION_AREAS.keys()) == []


@pytest.mark.django_db
def test_the_seeded_catalogue_is_covered():
    assert Muscle.objects.count() >= 19
    assert set(Muscle.objects.values_list("slug", flat=True)) <= MUSCLE_AREAS.keys()
    assert set(Region.objects.values_list("slug", flat=True)) <= REGION_AREAS.keys()


def test_every_area_used_is_an_area_of_the_figure():
    used = {area for areas in [*MUSCLE_AREAS.values(), *REGION_AREAS.values()] for area in areas}

    assert sorted(used - AREAS.keys()) == []


def test_every_area_is_drawn_and_every_shape_is_an_area():
    drawn = _drawn_area_ids()

    assert "front-chest-left" in drawn and "back-calf-right" in drawn
    assert drawn == set(AREAS)


def test_paired_areas_face_the_right_way():
    # The front figure faces the reader: the client's left is the mirrored (reader's right) shape.
    template = (settings.BASE_DIR / "templates" / "_body_map.html").read_text()
    mirrored = set(
        re.findall(r'id="\{\{ p \}\}-([a-z-]+)"[^>]*transform="matrix\(-1 0 0 1 160 0\)"', template)
    )

    assert "front-chest-left" in mirrored and "front-chest-right" not in mirrored
    assert "back-calf-right" in mirrored and "back-calf-left" not in mirrored
