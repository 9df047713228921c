"""The assessment form in a real browser: keyboard only, tablet width, no serious axe issue."""

import re
from urllib.parse import parse_qsl

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Assessment
from tests.browser.helpers import assert_accessible, save_screenshot

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
    checkbox = block.get_by_label("Test trapezius: expected over-active, on the side it was seen")
    # Not marked yet: the pattern's muscles are not on the page.
    expect(checkbox).to_have_count(0)
    # Choose "moderate" with the keyboard: focus the radio group, arrow to the third option.
    block.get_by_role("radio", name="none").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert block.get_by_role("radio", name="moderate").is_checked()
    # Marking it fetched its muscles (htmx), each expected one ticked, while the focus stayed
    # on the severity.
    expect(checkbox).to_be_checked()
    scalene = block.get_by_label("Test scalene: expected under-active, on the other side")
    expect(scalene).to_be_checked()
    assert block.get_by_role("radio", name="moderate").evaluate("radio => radio === document.activeElement")
    # The side, as the severity: radios, none ticked until chosen.
    block.get_by_role("group", name="Side of Test turn").get_by_role("radio", name="left").focus()
    page.keyboard.press("Space")
    assert block.get_by_role("radio", name="left").is_checked()
    # The trainer unticks what does not apply; its role and side controls go with it.
    scalene.focus()
    page.keyboard.press("Space")
    expect(scalene).not_to_be_checked()
    expect(block.get_by_label("Test scalene: observed as")).to_be_hidden()
    expect(block.get_by_label("Test trapezius: observed as")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, screenshot_dir / "assessment-form-tablet.png")
    # Tab on to the save button and press it with the space bar.
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Save draft":
            break
    else:
        pytest.fail("Tab never reached the Save draft button")
    with page.expect_request(lambda request: request.method == "POST") as sent:
        page.keyboard.press("Space")
    expect(page.get_by_test_id("status")).to_have_text("draft")
    # Only what was entered is posted: the untouched tilt sends no field at all.
    posted = {name for name, _ in parse_qsl(sent.value.post_data, keep_blank_values=True)}
    turn = f"p{catalogue.turn.pk}"
    assert {name.split("-")[0] for name in posted if re.match(r"p\d+-", name)} == {turn}
    assert {f"{turn}-severity", f"{turn}-side", f"{turn}-note"} <= posted
    assessment = Assessment.objects.get(client=client_record)
    pattern_finding = assessment.pattern_findings.get()
    assert (pattern_finding.pattern, pattern_finding.severity, pattern_finding.side) == (
        catalogue.turn,
        2,
        "left",
    )
    findings = {(f.muscle_id, f.role, f.side) for f in assessment.muscle_findings.all()}
    assert findings == {(catalogue.turn_same.muscle_id, "over-active", "left")}
    save_screenshot(page, screenshot_dir / "assessment-detail.png")


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
    page.goto(live_server.url + reverse("reports:progress", args=[client_record.pk]))
    # The client's progress report covers the two finalised sessions.
    chart = page.get_by_role("img", name=re.compile(r"^Test tilt: severity over 2 sessions"))
    assert chart.is_visible()
    assert_accessible(page)
    save_screenshot(page, screenshot_dir / "assessment-progress.png")
