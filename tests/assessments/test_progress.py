from datetime import date

import pytest
from django.urls import reverse

from assessments.progress import Change, Since, client_progress
from tests import factories


def _session(client_record, day: date, findings=(), muscles=(), status="final"):
    assessment = factories.AssessmentFactory(client=client_record, session_date=day, status=status)
    for pattern, severity, side in findings:
        factories.PatternFindingFactory(assessment=assessment, pattern=pattern, severity=severity, side=side)
    for muscle, role, pattern in muscles:
        factories.MuscleFindingFactory(assessment=assessment, muscle=muscle, role=role, pattern=pattern)
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
    )
    return c


def _by_label(progress):
    return {item.label: item for item in progress.patterns}


def test_it_tells_better_worse_same_and_new_persisting_resolved(client_record, history):
    progress = client_progress(client_record, include_drafts=True)
    assert [s.date.month for s in progress.sessions] == [1, 2, 3]
    items = _by_label(progress)
    tilt, left, right = items["Test tilt"], items["Test turn (left)"], items["Test turn (right)"]
    assert [p.severity for p in tilt.points] == [3, 2, 1]
    assert (tilt.change, tilt.since_previous) == (Change.BETTER, Since.PERSISTING)
    assert [p.severity for p in left.points] == [1, 2, 0]
    assert (left.change, left.since_previous) == (Change.BETTER, Since.RESOLVED)
    assert [p.severity for p in right.points] == [0, 0, 2]
    assert (right.change, right.since_previous) == (Change.WORSE, Since.NEW)


def test_it_leaves_drafts_out_unless_asked(client_record, history):
    progress = client_progress(client_record)
    assert [s.date.month for s in progress.sessions] == [1, 2]
    items = _by_label(progress)
    assert "Test turn (right)" not in items
    assert (items["Test turn (left)"].change, items["Test turn (left)"].since_previous) == (
        Change.WORSE,
        Since.PERSISTING,
    )


def test_a_pattern_at_the_same_severity_is_the_same(client_record, catalogue):
    _session(client_record, date(2026, 1, 1), findings=[(catalogue.tilt, 2, "")])
    _session(client_record, date(2026, 2, 1), findings=[(catalogue.tilt, 2, "")])
    (item,) = client_progress(client_record).patterns
    assert item.change == Change.SAME


def test_it_limits_to_a_date_range(client_record, history):
    progress = client_progress(
        client_record, include_drafts=True, start=date(2026, 2, 1), end=date(2026, 2, 28)
    )
    assert [s.date for s in progress.sessions] == [date(2026, 2, 1)]
    assert _by_label(progress)["Test tilt"].since_previous == Since.NEW


def test_it_counts_muscles_per_session_and_when_last(client_record, history):
    muscles = {m.muscle.name: m for m in client_progress(client_record, include_drafts=True).muscles}
    flexor, gluteus = muscles["Test flexor"], muscles["Test gluteus"]
    # Found twice in February (under two patterns) still counts once for that session.
    assert (flexor.over_active, flexor.under_active) == (2, 0)
    assert flexor.last_over_active == date(2026, 2, 1)
    assert not flexor.in_latest_session
    assert (gluteus.over_active, gluteus.under_active) == (1, 1)
    assert (gluteus.last_over_active, gluteus.last_under_active) == (date(2026, 3, 1), date(2026, 1, 1))
    assert gluteus.in_latest_session


def test_the_progress_page_shows_charts_tables_and_catalogue_links(client, trainer, client_record, history):
    client.force_login(trainer)
    response = client.get(reverse("assessments:progress", kwargs={"client_pk": client_record.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="img"') == 3
    assert "<title id=" in html
    assert (
        "Test tilt: severity over 3 sessions, from severe on 01 Jan 2026 to mild on 01 Mar 2026 (better)."
        in html
    )
    assert "<caption" in html and "(draft)" in html
    assert reverse("imbalances:pattern", kwargs={"slug": "test-tilt"}) in html
    assert reverse("imbalances:muscle", kwargs={"slug": "test-flexor"}) in html
    assert "resolved" in html and "new" in html


def test_the_progress_page_can_leave_drafts_out(client, trainer, client_record, history):
    client.force_login(trainer)
    url = reverse("assessments:progress", kwargs={"client_pk": client_record.pk})
    html = client.get(url, {"start": "", "end": ""}).content.decode()
    assert "(draft)" not in html
    assert html.count('role="img"') == 2


def test_the_client_page_section_lists_assessments_and_progress(client, trainer, client_record, history):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = trainer
    html = render_to_string("assessments/_client_section.html", {"client": client_record, "request": request})
    assert reverse("assessments:create", kwargs={"client_pk": client_record.pk}) in html
    assert reverse("assessments:progress", kwargs={"client_pk": client_record.pk}) in html
    assert html.count("list-group-item") == 3
    assert html.count('role="img"') == 3


def test_the_client_page_section_is_empty_for_another_trainer(other_trainer, client_record, history):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = other_trainer
    html = render_to_string("assessments/_client_section.html", {"client": client_record, "request": request})
    assert "Assessments" not in html
