"""The body map of one session: which areas of the figure its findings colour and outline.

Made from findings the caller has already read (no query), as plain data that
`dataclasses.asdict` turns into a report's content key. One partial, templates/_body_map.html,
draws it on the assessment page, the reports, the portal and both PDFs.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from imbalances.body_map import AREAS, MUSCLE_AREAS, REGION_AREAS
from imbalances.models import Role

# A state's words, in the order the alternative text says them.
STATE_WORDS = (("over", "Over-active"), ("under", "Under-active"), ("both", "Both over- and under-active"))


class FoundMuscle(NamedTuple):
    """A muscle finding: `name` is the lay name, `side` left, right or both."""

    slug: str
    name: str
    role: str
    side: str


class FoundRegion(NamedTuple):
    """The region of a pattern found, on the pattern's side ("" for a pattern without sides)."""

    slug: str
    name: str
    side: str


@dataclass(frozen=True)
class AreaMark:
    """An area to draw: coloured by `state` ("over", "under", "both" when an over-active and an
    under-active muscle share it, "" when it is only outlined), outlined when a pattern of its
    region was found, with the lay names of the muscles found there."""

    area: str
    view: str
    name: str
    side: str
    state: str
    outlined: bool
    over_active: tuple[str, ...]
    under_active: tuple[str, ...]


@dataclass(frozen=True)
class BodyMap:
    """The marked areas in drawing order, the regions where a pattern was found, and what was
    found that the figure has no area for (listed beside it)."""

    areas: tuple[AreaMark, ...]
    regions: tuple[str, ...]
    unmapped: tuple[str, ...]

    @property
    def front(self) -> list[AreaMark]:
        return [mark for mark in self.areas if mark.view == "front"]

    @property
    def back(self) -> list[AreaMark]:
        return [mark for mark in self.areas if mark.view == "back"]

    @property
    def key(self) -> set[str]:
        """What its legend explains: the states it colours, and "outlined" when it outlines a region."""
        return {mark.state for mark in self.areas if mark.state} | (
            {"outlined"} if any(mark.outlined for mark in self.areas) else set()
        )

    @property
    def front_text(self) -> str:
        """The front figure's alternative text."""
        return _text("Front of the body", self.front)

    @property
    def back_text(self) -> str:
        return _text("Back of the body", self.back)


def session_body_map(
    muscle_findings: Iterable[FoundMuscle], pattern_findings: Iterable[FoundRegion]
) -> BodyMap:
    """A side left or right marks only that side's areas; "both" (or no side) marks both."""
    over: dict[str, list[str]] = defaultdict(list)
    under: dict[str, list[str]] = defaultdict(list)
    outlined: set[str] = set()
    unmapped: list[str] = []
    regions: list[str] = []
    for muscle in muscle_findings:
        if muscle.slug not in MUSCLE_AREAS:
            unmapped.append(muscle.name)
            continue
        found = over if muscle.role == Role.OVER else under
        for area in _on_side(MUSCLE_AREAS[muscle.slug], muscle.side):
            found[area].append(muscle.name)
    for region in pattern_findings:
        regions.append(region.name)
        if region.slug not in REGION_AREAS:
            unmapped.append(region.name)
            continue
        outlined.update(_on_side(REGION_AREAS[region.slug], region.side))
    marks = tuple(
        AreaMark(
            area=area_id,
            view=area.view,
            name=area.name,
            side=area.side,
            state=_state(over[area_id], under[area_id]),
            outlined=area_id in outlined,
            over_active=tuple(dict.fromkeys(over[area_id])),
            under_active=tuple(dict.fromkeys(under[area_id])),
        )
        for area_id, area in AREAS.items()
        if area_id in over or area_id in under or area_id in outlined
    )
    return BodyMap(
        areas=marks, regions=tuple(dict.fromkeys(regions)), unmapped=tuple(dict.fromkeys(unmapped))
    )


def _on_side(areas: tuple[str, ...], side: str) -> list[str]:
    if side in ("left", "right"):
        return [area for area in areas if AREAS[area].side == side]
    return list(areas)


def _state(over: list[str], under: list[str]) -> str:
    if over and under:
        return "both"
    if over:
        return "over"
    return "under" if under else ""


def _text(view: str, marks: list[AreaMark]) -> str:
    """ "Front of the body. Over-active: chest (left and right). Under-active: ..." """
    sentences = [
        f"{words}: {_places(mark for mark in marks if mark.state == state)}."
        for state, words in STATE_WORDS
        if any(mark.state == state for mark in marks)
    ]
    if any(mark.outlined for mark in marks):
        sentences.append(
            f"Outlined, where a posture pattern was found: {_places(m for m in marks if m.outlined)}."
        )
    if not sentences:
        return f"{view}: nothing marked."
    return " ".join([f"{view}.", *sentences])


def _places(marks: Iterable[AreaMark]) -> str:
    """Each area's name once, with its sides: "chest (left and right), shin (left)"."""
    sides: dict[str, list[str]] = defaultdict(list)
    for mark in marks:
        sides[mark.name].append(mark.side)
    return ", ".join(f"{name} ({' and '.join(on)})" for name, on in sides.items())
