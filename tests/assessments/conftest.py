from dataclasses import dataclass

import pytest

from tests import factories


@dataclass
class Catalogue:
    region: object
    tilt: object  # non-lateral pattern with an over- and an under-active muscle
    turn: object  # lateral pattern, muscles on the same and the opposite side
    tilt_over: object
    tilt_under: object
    turn_same: object
    turn_opposite: object


@pytest.fixture
def catalogue(db) -> Catalogue:
    """A small catalogue of our own, independent of the seed's content."""
    region = factories.RegionFactory(name="Test back", slug="test-back", display_order=0)
    tilt = factories.PatternFactory(region=region, name="Test tilt", slug="test-tilt", display_order=0)
    turn = factories.PatternFactory(
        region=region, name="Test turn", slug="test-turn", is_lateral=True, display_order=1
    )
    tilt_over = factories.PatternMuscleFactory(
        pattern=tilt,
        muscle=factories.MuscleFactory(name="Test flexor", slug="test-flexor"),
        role="over-active",
    )
    tilt_under = factories.PatternMuscleFactory(
        pattern=tilt,
        muscle=factories.MuscleFactory(name="Test gluteus", slug="test-gluteus"),
        role="under-active",
    )
    turn_same = factories.PatternMuscleFactory(
        pattern=turn,
        muscle=factories.MuscleFactory(name="Test trapezius", slug="test-trapezius"),
        role="over-active",
        side="same",
    )
    turn_opposite = factories.PatternMuscleFactory(
        pattern=turn,
        muscle=factories.MuscleFactory(name="Test scalene", slug="test-scalene"),
        role="under-active",
        side="opposite",
    )
    return Catalogue(region, tilt, turn, tilt_over, tilt_under, turn_same, turn_opposite)


def grow_catalogue(patterns: int = 10, muscles_each: int = 3) -> None:
    """More regions, patterns and muscles, to show a page's query count does not follow."""
    for _ in range(patterns):
        pattern = factories.PatternFactory(is_lateral=True)
        for _ in range(muscles_each):
            factories.PatternMuscleFactory(pattern=pattern)


def form_data(*, version=None, session_date="2026-01-10", pain="", notes="", **blocks) -> dict:
    """POST data for the assessment form; `blocks` maps a prefix like "p3" to its fields."""
    data = {"session_date": session_date, "pain_score": pain, "notes": notes}
    if version is not None:
        data["version"] = version
    for prefix, fields in blocks.items():
        for name, value in fields.items():
            data[f"{prefix}-{name}"] = value
    return data
