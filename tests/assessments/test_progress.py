"""The one read model of a client's progress: what changed, per pattern and muscle side, and pain."""

from datetime import date

import pytest

from assessments.progress import Change, Point, Series, client_progress
from tests import factories


def _session(client_record, day: date, findings=(), muscles=(), status="final", pain=None):
    assessment = factories.AssessmentFactory(
        client=client_record, session_date=day, status=status, pain_score=pain
    )
    for pattern, severity, side in findings:
        factories.PatternFindingFactory(assessment=assessment, pattern=pattern, severity=severity, side=side)
    for muscle, role, pattern, *side in muscles:
        factories.MuscleFindingFactory(
            assessment=assessment, muscle=muscle, role=role, pattern=pattern, side=side[0] if side else "both"
        )
    return assessment


@pytest.fixture
def history(client_record, catalogue):
    c = catalogue
    flexor, gluteus = c.tilt_over.muscle, c.tilt_under.muscle
    _session(
        client_record,
        date(2026, 1, 1),
        findings=[(c.tilt, 3, ""), (c.turn, 1, "left")],
        muscles=[(flexor, "over-active", c.tilt), (gluteus, "under-active", c.tilt)],
        pain=6,
    )
    _session(
        client_record,
        date(2026, 2, 1),
        findings=[(c.tilt, 2, ""), (c.turn, 2, "left")],
        muscles=[(flexor, "over-active", c.tilt), (flexor, "over-active", None)],
    )
    _session(
        client_record,
        date(2026, 3, 1),
        findings=[(c.tilt, 1, ""), (c.turn, 2, "right")],
        muscles=[(gluteus, "over-active", c.tilt)],
        status="draft",
        pain=3,
    )
    return c


def _by_label(progress):
    return {item.label: item for item in progress.patterns}


def test_it_tells_the_change_since_the_first_and_the_previous_session(client_record, history):
    progress = client_progress(client_record, include_drafts=True)
    assert [s.session_date.month for s in progress.sessions] == [1, 2, 3]
    items = _by_label(progress)
    tilt, left, right = items["Test tilt"], items["Test turn (left)"], items["Test turn (right)"]
    assert [p.value for p in tilt.points] == [3, 2, 1]
    assert (tilt.change, tilt.change_since_previous) == (Change.BETTER, Change.BETTER)
    assert (tilt.first_label, tilt.latest_label) == ("severe", "mild")
    assert [p.value for p in left.points] == [1, 2, 0]
    assert (left.change, left.change_since_previous) == (Change.BETTER, Change.BETTER)
    # A side never seen before counts as none at the earlier sessions.
    assert [p.value for p in right.points] == [0, 0, 2]
    assert (right.change, right.change_since_previous) == (Change.WORSE, Change.WORSE)
    assert [p.is_draft for p in right.points] == [False, False, True]


def test_it_leaves_drafts_out_unless_asked(client_record, history):
    progress = client_progress(client_record)
    assert [s.session_date.month for s in progress.sessions] == [1, 2]
    assert not progress.has_drafts
    items = _by_label(progress)
    assert "Test turn (right)" not in items
    left = items["Test turn (left)"]
    assert (left.change, left.change_since_previous) == (Change.WORSE, Change.WORSE)
    assert [p.value for p in progress.pain.points] == [6]


def test_a_pattern_at_the_same_severity_is_the_same_and_one_session_has_no_previous(client_record, catalogue):
    _session(client_record, date(2026, 1, 1), findings=[(catalogue.tilt, 2, "")])
    (only,) = client_progress(client_record).patterns
    assert only.change == Change.SAME and only.change_since_previous is None
    _session(client_record, date(2026, 2, 1), findings=[(catalogue.tilt, 2, "")])
    (item,) = client_progress(client_record).patterns
    assert (item.change, item.change_since_previous) == (Change.SAME, Change.SAME)


def test_it_limits_to_a_date_range(client_record, history):
    progress = client_progress(
        client_record, include_drafts=True, start=date(2026, 2, 1), end=date(2026, 2, 28)
    )
    assert [s.session_date for s in progress.sessions] == [date(2026, 2, 1)]
    assert (progress.period_start, progress.period_end) == (date(2026, 2, 1), date(2026, 2, 28))
    assert _by_label(progress)["Test tilt"].change_since_previous is None
    assert progress.pain is None


def test_it_counts_muscles_per_session_and_tells_their_change(client_record, history):
    muscles = {m.muscle.name: m for m in client_progress(client_record, include_drafts=True).muscles}
    flexor, gluteus = muscles["Test flexor"], muscles["Test gluteus"]
    # Found twice in February (under two patterns) still counts once for that session.
    assert (flexor.over_active, flexor.under_active) == (2, 0)
    assert [p.label for p in flexor.points] == ["over-active", "over-active", "not found"]
    assert (flexor.change, flexor.change_since_previous, flexor.latest) == (Change.BETTER, Change.BETTER, 0)
    assert (gluteus.over_active, gluteus.under_active) == (1, 1)
    assert (gluteus.first_label, gluteus.latest_label) == ("under-active", "over-active")
    assert gluteus.latest


def test_a_muscle_keeps_its_sides_apart(client_record, catalogue):
    trapezius = catalogue.turn_same.muscle
    _session(
        client_record,
        date(2026, 1, 1),
        muscles=[
            (trapezius, "over-active", catalogue.turn, "right"),
            (trapezius, "under-active", catalogue.turn, "left"),
        ],
    )
    _session(client_record, date(2026, 1, 3), muscles=[(trapezius, "over-active", catalogue.turn, "right")])
    rows = [
        (m.muscle.name, m.side, m.first_label, m.latest_label, m.change)
        for m in client_progress(client_record).muscles
    ]
    assert rows == [
        ("Test trapezius", "left", "under-active", "not found", Change.BETTER),
        ("Test trapezius", "right", "over-active", "over-active", Change.SAME),
    ]


def test_it_follows_pain_over_the_sessions_that_recorded_it(client_record, history):
    pain = client_progress(client_record, include_drafts=True).pain
    assert [(p.session_date.month, p.value) for p in pain.points] == [(1, 6), (3, 3)]
    assert (pain.change, pain.change_since_previous) == (Change.BETTER, Change.BETTER)


def test_it_reads_each_sessions_findings_and_notes(client_record, history):
    first = client_progress(client_record).sessions[0]
    assert (first.pain_score, first.is_draft) == (6, False)
    assert [(f.pattern.name, f.side, f.severity_label) for f in first.pattern_findings] == [
        ("Test tilt", "", "severe"),
        ("Test turn", "left", "mild"),
    ]
    assert [(f.muscle.name, f.role) for f in first.muscle_findings] == [
        ("Test flexor", "over-active"),
        ("Test gluteus", "under-active"),
    ]


def test_it_shows_no_other_clients_sessions(client_record, other_client_record, history):
    _session(other_client_record, date(2026, 1, 15), findings=[(history.tilt, 3, "")], pain=9)
    progress = client_progress(client_record, include_drafts=True)
    assert date(2026, 1, 15) not in [s.session_date for s in progress.sessions]
    assert [p.value for p in _by_label(progress)["Test tilt"].points] == [3, 2, 1]


@pytest.mark.parametrize(
    ("values", "since"),
    [([0, 2], "new"), ([2, 0], "resolved"), ([1, 2], ""), ([0, 0], ""), ([3], "")],
)
def test_it_says_what_appeared_or_went_since_the_previous_session(values, since):
    points = [Point(date(2026, 1, day), False, value) for day, value in enumerate(values, start=1)]

    assert Series(points=points).since_previous == since


def test_a_session_lists_its_findings_in_plain_words(client_record, history, catalogue):
    first = client_progress(client_record).sessions[0]

    assert sorted(str(finding) for finding in first.pattern_findings) == sorted(
        [f"{catalogue.tilt.name}: severe", f"{catalogue.turn.name} (left): mild"]
    )
