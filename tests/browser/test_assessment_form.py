"""The assessment form in a real browser: keyboard only, tablet width, no serious axe issue."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from assessments.models import Assessment

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback puts back the migrations' data (catalogue, trainers group).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_trainer_fills_the_form_with_the_keyboard_on_a_tablet(
    live_server,
    page,
    sign_in,
    trainer,
    client_record,
    catalogue,
    screenshot_dir,
):
    page.set_viewport_size({"width": 820, "height": 1180})
    sign_in(trainer)
    page.goto(live_server.url + reverse("assessments:create", kwargs={"client_pk": client_record.pk}))
    block = page.locator("#pattern-test-turn")
    details = block.locator("details")
    assert details.get_attribute("open") is None
    # Choose "moderate" with the keyboard: focus the radio group, arrow to the third option.
    block.get_by_role("radio", name="none").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert block.get_by_role("radio", name="moderate").is_checked()
    assert details.get_attribute("open") is not None
    block.get_by_label("Side of Test turn").select_option("left")
    checkbox = block.get_by_label("Test trapezius: expected over-active, same side as the tilt")
    checkbox.focus()
    page.keyboard.press("Space")
    assert checkbox.is_checked()
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    assert not serious, results.generate_report()
    page.screenshot(path=screenshot_dir / "assessment-form-tablet.png", full_page=True)
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()
    finding = Assessment.objects.get(client=client_record).muscle_findings.get()
    assert (finding.muscle_id, finding.side) == (catalogue.turn_same.muscle_id, "left")
    page.screenshot(path=screenshot_dir / "assessment-detail.png", full_page=True)


def test_the_progress_page_has_no_serious_accessibility_issue(
    live_server,
    page,
    sign_in,
    trainer,
    client_record,
    catalogue,
    screenshot_dir,
):
    from datetime import date

    from tests import factories

    for month, severity in [(1, 3), (2, 2), (3, 1)]:
        assessment = factories.AssessmentFactory(
            client=client_record, session_date=date(2026, month, 1), status="final" if month < 3 else "draft"
        )
        factories.PatternFindingFactory(assessment=assessment, pattern=catalogue.tilt, severity=severity)
        factories.MuscleFindingFactory(assessment=assessment, muscle=catalogue.tilt_over.muscle)
    sign_in(trainer)
    page.goto(live_server.url + reverse("assessments:progress", kwargs={"client_pk": client_record.pk}))
    chart = page.get_by_role("img", name="Test tilt: severity over 3 sessions")
    assert chart.is_visible()
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    assert not serious, results.generate_report()
    page.screenshot(path=screenshot_dir / "assessment-progress.png", full_page=True)
