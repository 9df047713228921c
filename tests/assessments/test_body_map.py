"""The body map of a session's findings: which areas it colours, on which side, and what it cannot draw."""

import dataclasses
import json

from assessments.body_map import FoundMuscle, FoundRegion, session_body_map


def _states(body_map) -> dict[str, str]:
    return {mark.area: mark.state for mark in body_map.areas}


def test_a_side_colours_only_that_sides_area():
    body_map = session_body_map(
        [
            FoundMuscle("pectoralis-major", "large chest muscle", "over-active", "left"),
            FoundMuscle("gluteus-maximus", "large buttock muscle", "under-active", "right"),
        ],
        [],
    )

    assert _states(body_map) == {"front-chest-left": "over", "back-glutes-right": "under"}
    (chest,) = body_map.front
    assert chest.over_active == ("large chest muscle",) and chest.under_active == ()
    assert body_map.unmapped == ()


def test_both_sides_colour_both_areas():
    body_map = session_body_map([FoundMuscle("psoas", "deep hip flexor", "over-active", "both")], [])

    assert _states(body_map) == {"front-hip-left": "over", "front-hip-right": "over"}
    assert body_map.front_text == "Front of the body. Over-active: front of the hip (left and right)."
    assert body_map.back_text == "Back of the body: nothing marked."


def test_an_over_and_an_under_active_muscle_in_one_area_make_both():
    body_map = session_body_map(
        [
            FoundMuscle("quadriceps", "front of the thigh muscles", "over-active", "both"),
            FoundMuscle("vastus-medialis-oblique", "teardrop muscle", "under-active", "right"),
        ],
        [],
    )

    assert _states(body_map) == {"front-thigh-left": "over", "front-thigh-right": "both"}
    right = next(mark for mark in body_map.areas if mark.area == "front-thigh-right")
    assert right.over_active == ("front of the thigh muscles",)
    assert right.under_active == ("teardrop muscle",)
    assert "Both over- and under-active: front of the thigh (right)." in body_map.front_text
    # Its legend explains these two, not the under-active colour it does not use.
    assert body_map.key == {"over", "both"}


def test_a_patterns_region_is_outlined_on_its_side():
    body_map = session_body_map(
        [FoundMuscle("upper-trapezius", "top of the shoulder muscle", "over-active", "right")],
        [FoundRegion("neck", "Neck", "right"), FoundRegion("low-back", "Low back", "")],
    )

    outlined = {mark.area for mark in body_map.areas if mark.outlined}
    assert outlined == {"front-neck-right", "back-neck-right", "back-low-back-left", "back-low-back-right"}
    assert all(mark.state == "" for mark in body_map.areas if mark.outlined)
    assert body_map.regions == ("Neck", "Low back")
    assert body_map.back_text == (
        "Back of the body. Over-active: top of the shoulder (right). "
        "Outlined, where a posture pattern was found: back of the neck (right), low back (left and right)."
    )


def test_what_has_no_area_is_listed_once():
    body_map = session_body_map(
        [
            FoundMuscle("new-muscle", "a muscle added since", "over-active", "left"),
            FoundMuscle("new-muscle", "a muscle added since", "over-active", "right"),
        ],
        [FoundRegion("elbows", "Elbows", "")],
    )

    assert body_map.areas == ()
    assert body_map.unmapped == ("a muscle added since", "Elbows")


def test_it_is_plain_data_for_the_report_key():
    body_map = session_body_map(
        [FoundMuscle("hamstrings", "back of the thigh muscles", "under-active", "both")],
        [FoundRegion("knees", "Knees", "left")],
    )

    data = json.loads(json.dumps(dataclasses.asdict(body_map)))
    assert data["areas"][0]["area"] == "front-knee-left"
    assert {area["area"] for area in data["areas"]} == {
        "front-knee-left",
        "back-hamstrings-left",
        "back-hamstrings-right",
        "back-knee-left",
    }
