"""Landmarks on a posture photo, and the angles and offsets they measure.

A landmark is a point the trainer places on a photo, kept as [x, y]: fractions of the image's width
and height, x to the right and y downwards, so that any display size can draw it. Every measure
here is taken in pixels, on the photo's real proportions: on a photo that is not square, a tenth of
its width and a tenth of its height are not the same length.

Left and right are always the client's own, whichever way the photo was taken.
"""

import math
from dataclasses import dataclass

from assessments.models import STANDING_VIEWS, PhotoView

Point = tuple[float, float]


@dataclass(frozen=True)
class Landmark:
    name: str
    label: str
    # Where to place it, in plain words.
    hint: str


_SIDE = (
    Landmark("ear", "ear", "the small flap of skin in front of the ear hole"),
    Landmark("neck", "base of the neck", "the bony bump at the base of the neck"),
    Landmark("shoulder", "shoulder", "the middle of the shoulder joint"),
    Landmark("hip", "hip", "the bony knob at the side of the hip"),
    Landmark("knee", "knee", "the middle of the side of the knee"),
    Landmark("ankle", "ankle", "the bony bump on the outside of the ankle"),
)


def _both_sides(hip: str, knee: str) -> tuple[Landmark, ...]:
    parts = (
        ("shoulder", "the bony tip of the shoulder"),
        ("hip", hip),
        ("knee", knee),
        ("ankle", "the middle of the ankle, between the two ankle bones"),
    )
    return tuple(
        Landmark(f"{side}-{part}", f"{side} {part}", hint)
        for part, hint in parts
        for side in ("left", "right")
    )


_FRONT = _both_sides("the bony point at the front of the hip", "the middle of the kneecap")
_BACK = _both_sides("the dimple at the back of the hip", "the middle of the crease behind the knee")

LANDMARKS: dict[str, tuple[Landmark, ...]] = {
    PhotoView.FRONT: _FRONT,
    PhotoView.LEFT: _SIDE,
    PhotoView.RIGHT: _SIDE,
    PhotoView.BACK: _BACK,
    # The squats are judged as the standing views are: the knees' line from the front, the
    # stack of joints from the side.
    PhotoView.OVERHEAD_SQUAT_FRONT: _FRONT,
    PhotoView.OVERHEAD_SQUAT_SIDE: _SIDE,
    PhotoView.SINGLE_LEG_SQUAT: _FRONT,
}

_SIDE_LINES = (("ear", "shoulder"), ("shoulder", "hip"), ("hip", "knee"), ("knee", "ankle"), ("neck", "ear"))
_FRONT_LINES = (
    ("left-shoulder", "right-shoulder"),
    ("left-hip", "right-hip"),
    ("left-hip", "left-knee"),
    ("left-knee", "left-ankle"),
    ("right-hip", "right-knee"),
    ("right-knee", "right-ankle"),
)
_FRONT_PLUMB = ("left-ankle", "right-ankle")


def is_side_view(view: str) -> bool:
    return LANDMARKS[view] is _SIDE


def lines_of(view: str) -> tuple[tuple[str, str], ...]:
    """The pairs of landmarks joined by a line on the photo."""
    return _SIDE_LINES if is_side_view(view) else _FRONT_LINES


def plumb_of(view: str) -> tuple[str, ...]:
    """The landmarks the plumb line hangs through: the ankle, or midway between the ankles."""
    return ("ankle",) if is_side_view(view) else _FRONT_PLUMB


# Which way the client faces in a photo of their side: a photo of the left side shows them facing
# the image's left. A squat from the side is taken from either side, so it has no forward.
FACING = {PhotoView.LEFT: -1, PhotoView.RIGHT: 1}

# The computed values that are also measures of the catalogue, by measure slug. The others are shown
# but not saved: no measure takes them.
MEASURE_SLUGS = {"craniovertebral-angle": "craniovertebral-angle"}


def measure_slugs(view: str) -> dict[str, str]:
    """The computed values of this view that can be saved as measures, with their measures' slugs:
    the craniovertebral angle, of a standing photo of the side."""
    return dict(MEASURE_SLUGS) if is_side_view(view) and view in STANDING_VIEWS else {}


def to_pixels(landmarks: dict[str, list[float]], *, width: int, height: int) -> dict[str, Point]:
    return {name: (x * width, y * height) for name, (x, y) in landmarks.items()}


def _slope(a: Point, b: Point) -> float | None:
    """How far the line from `a` to `b` tilts from level, in degrees, whichever side of `a` `b` is on:
    positive when `a` is higher. None when the two points are the same."""
    dx, dy = abs(b[0] - a[0]), b[1] - a[1]
    if dx == dy == 0:
        return None
    return math.degrees(math.atan2(dy, dx))


def head_forward_angle(ear: Point, neck: Point) -> float | None:
    """The craniovertebral angle in degrees: between the level line through the base of the neck and
    the line from there to the ear. 90 is the ear straight above the neck; the smaller the angle, the
    further forward the head sits. None when the two points are the same."""
    return _slope(ear, neck)


def level_difference(left: Point, right: Point) -> float | None:
    """How far the line from the client's left point to their right one tilts, in degrees:
    positive when the left side is higher, 0 when level. None when the two points are the same."""
    return _slope(left, right)


def knee_angle(hip: Point, knee: Point, ankle: Point) -> float | None:
    """The angle at the knee between the thigh and the shin, in degrees: 180 when the leg is straight.
    None when the knee sits on the hip or the ankle."""
    thigh = (hip[0] - knee[0], hip[1] - knee[1])
    shin = (ankle[0] - knee[0], ankle[1] - knee[1])
    lengths = math.hypot(*thigh) * math.hypot(*shin)
    if lengths == 0:
        return None
    cosine = (thigh[0] * shin[0] + thigh[1] * shin[1]) / lengths
    return math.degrees(math.acos(max(-1.0, min(1.0, cosine))))


def knee_alignment(hip: Point, knee: Point, ankle: Point, *, midline_x: float) -> float | None:
    """How far the knee bends off the straight line from hip to ankle, seen from the front or back,
    in degrees (180 minus the knee angle): positive when the knee sits inward of that line (towards
    the body's midline at `midline_x`, the knee caving in), negative when outward. None when the
    points cannot make a leg."""
    angle = knee_angle(hip, knee, ankle)
    if angle is None or hip[1] == ankle[1]:
        return None
    line_x = hip[0] + (ankle[0] - hip[0]) * (knee[1] - hip[1]) / (ankle[1] - hip[1])
    inward = abs(knee[0] - midline_x) < abs(line_x - midline_x)
    return (180 - angle) if inward else -(180 - angle)


def plumb_offsets(points: dict[str, Point], *, facing: int) -> dict[str, float]:
    """How far the ear, shoulder, hip and knee sit from the plumb line through the ankle, each as a
    fraction of the height from the ankle up to the ear: positive in front of the line (`facing` is
    1 when the client faces the image's right, -1 when they face its left). Empty without an ear and
    an ankle, the ear above the ankle."""
    ear, ankle = points.get("ear"), points.get("ankle")
    if ear is None or ankle is None or ankle[1] <= ear[1]:
        return {}
    height = ankle[1] - ear[1]
    return {
        name: (points[name][0] - ankle[0]) * facing / height
        for name in ("ear", "shoulder", "hip", "knee")
        if name in points
    }


@dataclass(frozen=True)
class Reading:
    """A value computed from a photo's landmarks, rounded as it is shown and saved."""

    key: str
    label: str
    value: float
    unit: str
    words: str
    # What a better value looks like: "higher", or what it should come close to ("level").
    aim: str

    @property
    def measure_slug(self) -> str:
        return MEASURE_SLUGS.get(self.key, "")

    @property
    def shown(self) -> str:
        return f"{self.value:.1f}{self.unit}"

    @property
    def size(self) -> float:
        """What gets better or worse: the value itself where higher is better, else its distance from 0."""
        return self.value if self.aim == "higher" else abs(self.value)


def _side(value: float, *, left: str, right: str, level: str) -> str:
    if round(value, 1) == 0:
        return level
    return left if value > 0 else right


def readings(view: str, landmarks: dict[str, list[float]], *, width: int, height: int) -> list[Reading]:
    """What the landmarks placed so far measure, in the order they are shown."""
    points = to_pixels(landmarks, width=width, height=height)
    found: list[Reading] = []

    def add(key: str, label: str, value: float | None, unit: str, words, aim: str) -> None:
        if value is not None:
            value = round(value, 1) + 0.0
            found.append(Reading(key, label, value, unit, words(value), aim))

    standing = view in STANDING_VIEWS
    if is_side_view(view):
        if standing and {"ear", "neck"} <= points.keys():
            add(
                "craniovertebral-angle",
                "Craniovertebral angle",
                head_forward_angle(points["ear"], points["neck"]),
                "°",
                lambda v: f"{v:.1f}°: the smaller, the further forward the head",
                "higher",
            )
        if view in FACING:
            for name, offset in plumb_offsets(points, facing=FACING[view]).items():
                add(
                    f"plumb-{name}",
                    f"{name.capitalize()} from the plumb line",
                    offset * 100,
                    "%",
                    lambda v: _side(
                        v,
                        left=f"{v:.1f}% of the height in front",
                        right=f"{-v:.1f}% of the height behind",
                        level="on the line",
                    ),
                    "the line",
                )
        return found
    for part in ("shoulder", "hip"):
        if {f"left-{part}", f"right-{part}"} <= points.keys():
            add(
                f"{part}-level",
                f"{part.capitalize()} level",
                level_difference(points[f"left-{part}"], points[f"right-{part}"]),
                "°",
                lambda v: _side(
                    v, left=f"left side {v:.1f}° higher", right=f"right side {-v:.1f}° higher", level="level"
                ),
                "level",
            )
    hips = [points[name] for name in ("left-hip", "right-hip") if name in points]
    ankles = [points[name] for name in ("left-ankle", "right-ankle") if name in points]
    if len(hips) == 2 or len(ankles) == 2:
        both = hips if len(hips) == 2 else ankles
        midline_x = (both[0][0] + both[1][0]) / 2
        for side in ("left", "right"):
            leg = [points.get(f"{side}-{part}") for part in ("hip", "knee", "ankle")]
            if all(leg):
                add(
                    f"{side}-knee",
                    f"{side.capitalize()} knee",
                    knee_alignment(*leg, midline_x=midline_x),
                    "°",
                    lambda v: _side(v, left=f"{v:.1f}° inward", right=f"{-v:.1f}° outward", level="straight"),
                    "straight",
                )
    return found


@dataclass(frozen=True)
class Change:
    reading: Reading
    before: Reading | None
    # The change of what matters (Reading.size), and whether it moved the better way.
    by: float | None
    better: bool | None

    @property
    def words(self) -> str:
        if self.by is None:
            return ""
        if round(self.by, 1) == 0:
            return "no change"
        amount = f"{abs(self.by):.1f}{self.reading.unit}"
        if self.reading.aim == "higher":
            return f"{amount} {'higher' if self.by > 0 else 'lower'}"
        return f"{amount} {'closer to' if self.by < 0 else 'further from'} {self.reading.aim}"


def changes(before: list[Reading], after: list[Reading]) -> list[Change]:
    """Each later reading beside the earlier one of the same key, with the change between them."""
    earlier = {reading.key: reading for reading in before}
    found = []
    for reading in after:
        was = earlier.get(reading.key)
        by = None if was is None else round(reading.size - was.size, 1)
        better = None if by is None or by == 0 else (by > 0) == (reading.aim == "higher")
        found.append(Change(reading, was, by, better))
    return found


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Dot:
    name: str
    label: str
    x: float
    y: float


@dataclass(frozen=True)
class Overlay:
    """What to draw over a photo, in its pixels: the lines between landmarks, the guides (the plumb
    line, the level line of the craniovertebral angle) and the landmarks themselves."""

    lines: list[Segment]
    guides: list[Segment]
    dots: list[Dot]
    radius: float


def overlay(view: str, landmarks: dict[str, list[float]], *, width: int, height: int) -> Overlay:
    points = to_pixels(landmarks, width=width, height=height)
    lines = [Segment(*points[a], *points[b]) for a, b in lines_of(view) if a in points and b in points]
    guides = []
    plumb = [points[name] for name in plumb_of(view) if name in points]
    if len(plumb) == len(plumb_of(view)):
        x = sum(point[0] for point in plumb) / len(plumb)
        guides.append(Segment(x, 0, x, height))
    if "ear" in points and "neck" in points:
        (ear_x, _), (neck_x, neck_y) = points["ear"], points["neck"]
        guides.append(Segment(neck_x, neck_y, ear_x + (ear_x - neck_x) * 0.5, neck_y))
    labels = {landmark.name: landmark.label for landmark in LANDMARKS[view]}
    dots = [Dot(name, labels[name], *points[name]) for name in labels if name in points]
    return Overlay(lines, guides, dots, radius=max(width, height) / 160)


# Where the body sits in a frame of the compare page: its top (the ear, or between the shoulders)
# and its bottom (between the ankles) at these fractions of the frame's height, centred on the
# bottom; the frame is three wide for four high.
FRAME_TOP, FRAME_BOTTOM, FRAME_ASPECT = 0.2, 0.92, 0.75


def frame(
    view: str, landmarks: dict[str, list[float]], *, width: int, height: int
) -> tuple[float, ...] | None:
    """The part of the photo (x, y, width, height in its pixels) that puts the body at the same place
    and size in every photo of this view, so that two of them line up side by side. None when its
    landmarks do not give the body's top and bottom."""
    points = to_pixels(landmarks, width=width, height=height)
    top_names = ("ear",) if is_side_view(view) else ("left-shoulder", "right-shoulder")
    bottom_names = plumb_of(view)
    if not all(name in points for name in (*top_names, *bottom_names)):
        return None
    top_y = sum(points[name][1] for name in top_names) / len(top_names)
    bottom_x = sum(points[name][0] for name in bottom_names) / len(bottom_names)
    bottom_y = sum(points[name][1] for name in bottom_names) / len(bottom_names)
    if bottom_y <= top_y:
        return None
    frame_height = (bottom_y - top_y) / (FRAME_BOTTOM - FRAME_TOP)
    frame_width = frame_height * FRAME_ASPECT
    return (bottom_x - frame_width / 2, top_y - FRAME_TOP * frame_height, frame_width, frame_height)


# A photo as the functions below take it: its landmarks, its width and its height, in pixels.
SizedMarks = tuple[dict[str, list[float]], int, int]


def view_boxes(view: str, photos: list[SizedMarks]) -> tuple[list[str], bool]:
    """The viewBox of each of `photos` (landmarks, width, height) shown side by side, and whether
    they line up: each one's frame when every photo has the landmarks for it, else each whole photo."""
    frames = [frame(view, marks, width=width, height=height) for marks, width, height in photos]
    aligned = all(frames)
    boxes = [
        found if aligned else (0, 0, width, height)
        for found, (_, width, height) in zip(frames, photos, strict=True)
    ]
    return [" ".join(f"{number:.1f}" for number in box) for box in boxes], aligned


@dataclass(frozen=True)
class Drawing:
    """What a page draws of one photo: its landmarks' overlay, the values they measure, and the part
    of the photo it shows (an SVG viewBox, in the photo's pixels)."""

    overlay: Overlay
    readings: list[Reading]
    view_box: str


def drawing(
    view: str, landmarks: dict[str, list[float]], *, width: int, height: int, view_box: str = ""
) -> Drawing:
    """The photo's drawing, showing `view_box` of it: by default the whole photo."""
    return Drawing(
        overlay=overlay(view, landmarks, width=width, height=height),
        readings=readings(view, landmarks, width=width, height=height),
        view_box=view_box or f"0 0 {width} {height}",
    )


@dataclass(frozen=True)
class Pair:
    """Two photos of the same view side by side, lined up on the body when `aligned`, and how each
    value the later one measures changed from the earlier one."""

    first: Drawing
    latest: Drawing
    aligned: bool
    changes: list[Change]


def pair(view: str, first: SizedMarks, latest: SizedMarks) -> Pair:
    """The two photos of `view` (landmarks, width, height) side by side, each showing its frame
    where both have the landmarks for it (see `view_boxes`)."""
    boxes, aligned = view_boxes(view, [first, latest])
    before, after = (
        drawing(view, marks, width=width, height=height, view_box=box)
        for (marks, width, height), box in zip((first, latest), boxes, strict=True)
    )
    return Pair(before, after, aligned, changes(before.readings, after.readings))
