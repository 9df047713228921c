"""The report pages at phone width, for the trainer and for the client: nothing scrolls sideways,
the tables fold into one labelled row per line instead of squeezing their columns, and a link at
the top leads back to where the reader came from."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.helpers import assert_accessible, horizontal_overflow, save_screenshot, widest_elements

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback puts back the migrations' data (catalogue, trainers group).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE_390 = {"width": 390, "height": 844}

# Pairs of cells of one row whose boxes cover each other, and cells whose content sticks out of
# them, with the cells' text to say which; the closed "Numbers" tables under the charts are opened
# first so that they are measured too. Cells only for screen readers (in a 1px box) are left out.
CELL_PROBLEMS = """() => {
    document.querySelectorAll('details').forEach(d => { d.open = true; });
    const name = cell => cell.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40);
    const unseen = el => {
        for (let box; el; el = el.parentElement) {
            box = el.getBoundingClientRect();
            if (box.width <= 1 || box.height <= 1) return true;
        }
        return false;
    };
    const problems = [];
    let cells = 0;
    for (const row of document.querySelectorAll('article.report tr')) {
        const boxes = [...row.querySelectorAll(':scope > td, :scope > th')]
            .map(cell => [cell, cell.getBoundingClientRect()])
            .filter(([cell]) => !unseen(cell));
        cells += boxes.length;
        boxes.forEach(([a, boxA], i) => {
            if (a.scrollWidth > a.clientWidth + 1) problems.push(`${name(a)}: content wider than its cell`);
            boxes.slice(i + 1).forEach(([b, boxB]) => {
                const wide = Math.min(boxA.right, boxB.right) - Math.max(boxA.left, boxB.left);
                const high = Math.min(boxA.bottom, boxB.bottom) - Math.max(boxA.top, boxB.top);
                if (wide > 1 && high > 1) problems.push(`${name(a)} overlaps ${name(b)}`);
            });
        });
    }
    return {cells, problems};
}"""

# A table that keeps its columns and scrolls inside the page hides most of them on a phone.
SCROLLING_TABLES = """() => [...document.querySelectorAll('article.report table')]
    .filter(table => table.getBoundingClientRect().width > 0)
    .filter(table => table.parentElement.scrollWidth > table.parentElement.clientWidth + 1
                     || table.getBoundingClientRect().right > window.innerWidth)
    .map(table => table.querySelector('caption, th')?.textContent.trim())"""


def _sessions_with_a_plan(client_record):
    """Three finalised sessions of patterns (one on a side, one on both), muscles, measures and
    pain, and a published plan with its exercises, some of them done at home."""
    region = factories.RegionFactory(name="Hips and pelvis (test)", slug="hips-and-pelvis")
    tilt = factories.PatternFactory(region=region, name="Anterior pelvic tilt (test)", slug="apt-test")
    shift = factories.PatternFactory(
        region=region, name="Hip shifts to one side", slug="hip-shift-test", is_lateral=True
    )
    valgus = factories.PatternFactory(
        region=region, name="Knees cave in on the squat", slug="valgus-test", laterality="one-or-both"
    )
    flexor = factories.MuscleFactory(
        name="Iliopsoas and rectus femoris (test)",
        lay_name="front of the hip muscles",
        slug="hip-flexors-test",
    )
    glute = factories.MuscleFactory(
        name="Gluteus medius (test)", lay_name="side of the hip", slug="glute-med-test"
    )
    adductor = factories.MuscleFactory(
        name="Adductor magnus (test)", lay_name="inner thigh", slug="adductor-test"
    )
    angle = factories.MeasureFactory(name="Hip extension angle", slug="hip-ext-test", unit="°")
    reach = factories.MeasureFactory(
        name="Knee to wall distance", slug="knee-wall-test", unit="cm", max_value=25, per_side=True
    )
    today = timezone.localdate()
    sessions = []
    for weeks_ago, severity, pain, value in [(8, 3, 6, 8), (4, 2, 4, 10), (1, 1, 2, 12.5)]:
        session = factories.AssessmentFactory(
            client=client_record,
            session_date=today - timedelta(weeks=weeks_ago),
            final=True,
            pain_score=pain,
            notes="Standing taller already; keep the daily walks going.",
        )
        factories.PatternFindingFactory(assessment=session, pattern=tilt, severity=severity)
        factories.PatternFindingFactory(assessment=session, pattern=shift, side="left", severity=severity)
        factories.PatternFindingFactory(assessment=session, pattern=valgus, side="both", severity=2)
        factories.MuscleFindingFactory(assessment=session, muscle=flexor, pattern=tilt, role="over-active")
        factories.MuscleFindingFactory(
            assessment=session, muscle=glute, pattern=shift, role="under-active", side="right"
        )
        factories.MuscleFindingFactory(
            assessment=session, muscle=adductor, pattern=valgus, role="over-active"
        )
        factories.MeasureValueFactory(assessment=session, measure=angle, value=value)
        factories.MeasureValueFactory(assessment=session, measure=reach, side="left", value=value - 2)
        factories.MeasureValueFactory(assessment=session, measure=reach, side="right", value=value)
        sessions.append(session)
    plan = factories.PlanFactory(
        assessment=sessions[-1],
        published=True,
        start_date=today - timedelta(weeks=1),
        notes="Little and often.",
    )
    for name, phase in [
        ("Half-kneeling hip flexor stretch", "lengthen"),
        ("Side-lying clamshell with a band", "activate"),
        ("Foam roll the inner thigh", "inhibit"),
    ]:
        factories.PlanItemFactory(
            plan=plan, exercise=factories.ExerciseFactory(name=name, phase=phase), note="Slow and controlled."
        )
    for days_ago in (6, 4, 2):
        factories.PlanSessionFactory(plan=plan, done_on=today - timedelta(days=days_ago))
    return sessions


def _check_the_page(page: Page, picture) -> None:
    assert horizontal_overflow(page) <= 0, widest_elements(page)
    cells = page.evaluate(CELL_PROBLEMS)
    assert cells["cells"] > 0
    assert not cells["problems"], cells["problems"]
    assert not page.evaluate(SCROLLING_TABLES)
    assert_accessible(page)
    save_screenshot(page, picture)


def _follow_back_link(page: Page, name: str, expected_url: str) -> None:
    back = page.get_by_role("link", name=f"Back to {name}")
    expect(back).to_be_visible()
    expect(back).to_contain_text("← Back to")
    # At the top: the first thing under the site's header.
    assert back.bounding_box()["y"] < page.locator("article.report h1").bounding_box()["y"]
    back.click()
    page.wait_for_load_state()
    assert page.url == expected_url


def test_trainer_report_pages_read_well_on_a_phone(
    live_server, page, sign_in, trainer, client_record, screenshot_dir
):
    latest = _sessions_with_a_plan(client_record)[-1]
    page.set_viewport_size(PHONE_390)
    sign_in(trainer)

    page.goto(live_server.url + reverse("reports:summary", args=[latest.pk]))
    expect(page.get_by_test_id("plan-item")).to_have_count(3)
    # A row folds into lines, each with its column's name.
    first_item = page.get_by_test_id("plan-item").first
    expect(first_item.locator("td").first).to_have_attribute("data-label", "What it does")
    assert first_item.bounding_box()["width"] <= PHONE_390["width"]
    _check_the_page(page, screenshot_dir / "report-summary-trainer-phone.png")
    _follow_back_link(page, "the session", live_server.url + reverse("assessments:detail", args=[latest.pk]))

    page.goto(live_server.url + reverse("reports:progress", args=[client_record.pk]))
    expect(page.get_by_test_id("pattern-progress")).to_have_count(3)
    expect(page.get_by_test_id("muscle-progress")).to_have_count(3)
    expect(page.get_by_test_id("measure-progress")).to_have_count(3)
    side = page.get_by_test_id("pattern-progress").filter(has_text="Hip shifts").locator("td").nth(1)
    expect(side).to_have_text("left")
    expect(side).to_have_attribute("data-label", "Side")
    _check_the_page(page, screenshot_dir / "report-progress-trainer-phone.png")
    _follow_back_link(page, "Jane Doe", live_server.url + reverse("clients:detail", args=[client_record.pk]))


def test_client_report_pages_read_well_on_a_phone(
    live_server, page, sign_in, client_record, client_user, screenshot_dir
):
    latest = _sessions_with_a_plan(client_record)[-1]
    page.set_viewport_size(PHONE_390)
    sign_in(client_user)
    home = live_server.url + reverse("portal:home")

    page.goto(live_server.url + reverse("reports:portal_summary", args=[latest.pk]))
    expect(page.get_by_test_id("plan-item")).to_have_count(3)
    _check_the_page(page, screenshot_dir / "report-summary-portal-phone.png")
    _follow_back_link(page, "my reports", home)

    page.goto(live_server.url + reverse("reports:portal_progress"))
    expect(page.get_by_test_id("adherence-overall")).to_contain_text("3 home sessions done")
    expect(page.locator("tr.session-row")).to_have_count(3)
    _check_the_page(page, screenshot_dir / "report-progress-portal-phone.png")
    _follow_back_link(page, "my reports", home)


def test_the_back_link_is_there_on_a_desktop_too(live_server, page, sign_in, client_record, client_user):
    session = factories.AssessmentFactory(client=client_record, final=True, session_date=date(2026, 1, 10))
    sign_in(client_user)

    page.goto(live_server.url + reverse("reports:portal_summary", args=[session.pk]))

    _follow_back_link(page, "my reports", live_server.url + reverse("portal:home"))
