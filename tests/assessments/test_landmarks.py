import math

import pytest

from assessments.landmarks import (
    LANDMARKS,
    changes,
    frame,
    head_forward_angle,
    knee_alignment,
    knee_angle,
    level_difference,
    measure_slugs,
    overlay,
    plumb_offsets,
    readings,
)
from assessments.models import PhotoView


def test_every_view_has_its_landmarks_with_unique_names():
    for view in PhotoView.values:
        names = [landmark.name for landmark in LANDMARKS[view]]
        assert names and len(names) == len(set(names))
    assert [landmark.name for landmark in LANDMARKS["left"]] == [
        "ear",
        "neck",
        "shoulder",
        "hip",
        "knee",
        "ankle",
    ]
    assert {landmark.name for landmark in LANDMARKS["front"]} == {
        f"{side}-{part}" for side in ("left", "right") for part in ("shoulder", "hip", "knee", "ankle")
    }


@pytest.mark.parametrize(
    ("ear", "neck", "angle"),
    [
        ((50, 0), (50, 100), 90.0),  # the ear straight above the neck
        ((0, 0), (100, 100), 45.0),
        ((200, 0), (100, 100), 45.0),  # the same, the photo taken from the other side
        ((0, 0), (100 * math.sqrt(3), 100), 30.0),  # tan 30° = 1/√3: further forward, smaller
    ],
)
def test_the_head_forward_angle_is_taken_from_the_level_line(ear, neck, angle):
    assert head_forward_angle(ear, neck) == pytest.approx(angle)


def test_no_angle_between_a_point_and_itself():
    assert head_forward_angle((3, 4), (3, 4)) is None
    assert level_difference((3, 4), (3, 4)) is None
    assert knee_angle((0, 0), (0, 0), (0, 10)) is None


def test_the_level_difference_is_positive_when_the_clients_left_is_higher():
    # From the front the client's left shoulder is on the image's right; y grows downwards.
    assert level_difference((600, 100), (400, 100)) == 0
    assert level_difference((600, 100), (400, 110)) == pytest.approx(math.degrees(math.atan(10 / 200)))
    assert level_difference((600, 110), (400, 100)) == pytest.approx(-2.862, abs=0.001)
    assert level_difference((0, 0), (1000, 1000 * math.tan(math.radians(1)))) == pytest.approx(1.0)


def test_the_knee_angle_is_180_when_the_leg_is_straight():
    assert knee_angle((0, 0), (0, 100), (0, 200)) == pytest.approx(180)
    assert knee_angle((0, 0), (0, 100), (100, 200)) == pytest.approx(135)


def test_a_knee_inward_of_the_hip_ankle_line_deviates_positively():
    # The client's right leg, on the image's left of the midline at x = 500: 50 px in over 400 px
    # of thigh and of shin, each 7.125° off the vertical.
    inward = knee_alignment((400, 1000), (450, 1400), (400, 1800), midline_x=500)
    outward = knee_alignment((400, 1000), (350, 1400), (400, 1800), midline_x=500)
    straight = knee_alignment((400, 1000), (400, 1400), (400, 1800), midline_x=500)

    assert inward == pytest.approx(2 * math.degrees(math.atan(50 / 400)))
    assert inward == pytest.approx(14.25, abs=0.001)
    assert outward == pytest.approx(-14.25, abs=0.001)
    assert straight == pytest.approx(0)
    # The left leg, on the other side of the midline, mirrored: inward again.
    assert knee_alignment((600, 1000), (550, 1400), (600, 1800), midline_x=500) == pytest.approx(
        14.25, abs=0.001
    )


def test_plumb_offsets_are_fractions_of_the_height_forward_positive():
    points = {"ear": (560, 200), "shoulder": (520, 500), "hip": (490, 1000), "ankle": (500, 1800)}

    facing_right = plumb_offsets(points, facing=1)
    facing_left = plumb_offsets(points, facing=-1)

    assert facing_right == pytest.approx({"ear": 60 / 1600, "shoulder": 20 / 1600, "hip": -10 / 1600})
    assert facing_left == pytest.approx({"ear": -60 / 1600, "shoulder": -20 / 1600, "hip": 10 / 1600})
    assert plumb_offsets({"ear": (1, 1)}, facing=1) == {}


def test_readings_use_the_photos_real_proportions():
    # 1000 by 2000 pixels: the ear 0.06 of the width in front of the neck and 0.05 of the height
    # above it is 60 px across and 100 px up, 59.0°; read as if square it would be 39.8°.
    taken = readings(
        "right",
        {"ear": [0.56, 0.1], "neck": [0.5, 0.15], "shoulder": [0.53, 0.25], "ankle": [0.5, 0.9]},
        width=1000,
        height=2000,
    )

    by_key = {reading.key: reading for reading in taken}
    assert by_key["craniovertebral-angle"].value == 59.0
    assert by_key["craniovertebral-angle"].shown == "59.0°"
    assert by_key["craniovertebral-angle"].measure_slug == "craniovertebral-angle"
    # Ear 60 px in front of the ankle's line, of 1600 px from ankle to ear.
    assert by_key["plumb-ear"].value == 3.8
    assert by_key["plumb-ear"].words == "3.8% of the height in front"
    assert by_key["plumb-shoulder"].words == "1.9% of the height in front"
    assert by_key["plumb-ear"].measure_slug == ""


def test_readings_of_a_front_photo_name_the_higher_side_and_the_knees():
    taken = readings(
        "front",
        {
            # The client's left on the image's right; their left shoulder 10 px lower on 200 px.
            "left-shoulder": [0.6, 0.11],
            "right-shoulder": [0.4, 0.1],
            "left-hip": [0.6, 0.5],
            "right-hip": [0.4, 0.5],
            "left-knee": [0.55, 0.7],
            "right-knee": [0.4, 0.7],
            "left-ankle": [0.6, 0.9],
            "right-ankle": [0.4, 0.9],
        },
        width=1000,
        height=1000,
    )

    words = {reading.key: reading.words for reading in taken}
    assert words == {
        "shoulder-level": "right side 2.9° higher",
        "hip-level": "level",
        "left-knee": "28.1° inward",
        "right-knee": "straight",
    }


def test_only_a_standing_side_view_saves_a_measure():
    assert (
        measure_slugs("left") == measure_slugs("right") == {"craniovertebral-angle": "craniovertebral-angle"}
    )
    assert measure_slugs("front") == measure_slugs("overhead-squat-side") == {}
    assert not any(
        r.key == "craniovertebral-angle"
        for r in readings("overhead-squat-side", {"ear": [0.5, 0.1], "neck": [0.5, 0.2]}, width=10, height=10)
    )


def test_the_overlay_draws_the_plumb_line_through_the_ankle():
    drawn = overlay(
        "left", {"ear": [0.4, 0.1], "shoulder": [0.45, 0.2], "ankle": [0.5, 0.9]}, width=1000, height=2000
    )

    (plumb,) = drawn.guides
    assert (plumb.x1, plumb.y1, plumb.x2, plumb.y2) == (500, 0, 500, 2000)
    (line,) = drawn.lines
    assert (line.x1, line.y1, line.x2, line.y2) == (400, 200, 450, 400)
    assert [(dot.name, dot.label, dot.x, dot.y) for dot in drawn.dots] == [
        ("ear", "ear", 400, 200),
        ("shoulder", "shoulder", 450, 400),
        ("ankle", "ankle", 500, 1800),
    ]


def test_the_frame_puts_the_ankle_in_the_middle_and_the_body_at_one_size():
    side = frame("right", {"ear": [0.5, 0.1], "ankle": [0.5, 0.82]}, width=1000, height=2000)
    smaller = frame("right", {"ear": [0.3, 0.2], "ankle": [0.3, 0.56]}, width=1000, height=2000)

    # Ear at 200 px, ankle at 1640 px: 1440 px are 72% of a frame 2000 px high and 1500 wide.
    assert side == pytest.approx((-250, -200, 1500, 2000))
    assert smaller == pytest.approx((300 - 375, 400 - 200, 750, 1000))
    assert frame("front", {"left-ankle": [0.5, 0.9]}, width=10, height=10) is None


def test_changes_say_which_way_is_better():
    before = readings(
        "front", {"left-shoulder": [0.6, 0.12], "right-shoulder": [0.4, 0.1]}, width=100, height=100
    )
    after = readings(
        "front", {"left-shoulder": [0.6, 0.1], "right-shoulder": [0.4, 0.11]}, width=100, height=100
    )

    (change,) = changes(before, after)
    assert (change.before.value, change.reading.value) == (-5.7, 2.9)
    assert change.by == -2.8
    assert change.better is True
    assert change.words == "2.8° closer to level"
    (new,) = changes([], after)
    assert (new.by, new.better, new.words) == (None, None, "")
