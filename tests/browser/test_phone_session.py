"""A second session at phone width, as a trainer runs it with a phone in one hand: it starts from
the first, changes two findings, records two measures and a private note, autosaves, finalises
after seeing what the client will see; progress charts the measures and pain; the client reads
the note meant for them, in the portal and the PDF, and never the private one."""

import re
from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Assessment
from imbalances.models import Pattern
from tests import factories
from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    horizontal_overflow,
    save_screenshot,
    widest_elements,
)
from tests.reports.conftest import read_pdf

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback puts back the migrations' data (catalogue, trainers group).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PRIVATE = "Guarded about the old shoulder injury"
FOR_CLIENT = "Standing taller already"


def test_a_second_session_at_phone_width_from_start_to_the_clients_pdf(
    live_server, page, sign_in, trainer, client_record, client_user, screenshot_dir
):
    tilt = Pattern.objects.get(slug="anterior-pelvic-tilt")
    angle = factories.MeasureFactory(
        name="Neck angle", slug="neck-angle", unit="°", min_value=0, max_value=90
    )
    reach = factories.MeasureFactory(
        name="Knee reach", slug="knee-reach", unit="cm", min_value=0, max_value=25, per_side=True
    )
    first = factories.AssessmentFactory(
        client=client_record, session_date=date(2026, 1, 10), final=True, pain_score=6, notes="First visit."
    )
    factories.PatternFindingFactory(assessment=first, pattern=tilt, severity=3)
    links = list(tilt.pattern_muscles.select_related("muscle")[:2])
    for link in links:
        factories.MuscleFindingFactory(assessment=first, muscle=link.muscle, pattern=tilt, role=link.role)
    factories.MeasureValueFactory(assessment=first, measure=angle, value=41)
    factories.MeasureValueFactory(assessment=first, measure=reach, side="left", value=7)

    page.set_viewport_size(PHONE)
    sign_in(trainer)
    page.goto(live_server.url + reverse("assessments:create", args=[client_record.pk]))
    expect(page.get_by_test_id("found-before")).to_contain_text("Anterior pelvic tilt")
    page.get_by_role("button", name="Start from last session").click()

    # The draft holds last session's findings: change two of them.
    block = page.locator("#pattern-anterior-pelvic-tilt")
    expect(block.get_by_test_id("last-time")).to_contain_text("severe")
    block.locator("label", has_text="mild").click()
    dropped = block.get_by_role("checkbox", name=re.compile(rf"^{links[1].muscle.name}\s*: expected"))
    expect(dropped).to_be_checked()
    dropped.uncheck()
    page.get_by_label("value of Neck angle").fill("46")
    page.get_by_label("left of Knee reach").fill("9.5")
    page.get_by_label("Pain score (0 to 10, optional)").fill("3")
    page.get_by_label("Notes for the client").fill(FOR_CLIENT)
    page.get_by_label("Private notes").fill(PRIVATE)
    # Saved in the background a few seconds after the last change.
    expect(page.get_by_test_id("autosave-status")).to_contain_text("Draft saved at", timeout=15000)
    draft = Assessment.objects.get(client=client_record, status="draft")
    assert draft.private_notes == PRIVATE
    assert horizontal_overflow(page) <= 0, widest_elements(page)
    assert_accessible(page)
    save_screenshot(page, screenshot_dir / "assessment-form-phone.png")

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("status")).to_have_text("draft")
    page.get_by_role("link", name="Review and finalise").click()
    expect(page.locator("article.report")).to_contain_text(FOR_CLIENT)
    expect(page.locator("article.report")).not_to_contain_text(PRIVATE)
    page.get_by_role("button", name=re.compile("^Finalise: ")).click()
    expect(page.get_by_test_id("status")).to_have_text("final")
    draft.refresh_from_db()
    assert draft.status == "final"
    assert list(draft.pattern_findings.values_list("severity", flat=True)) == [1]
    assert list(draft.muscle_findings.values_list("muscle", flat=True)) == [links[0].muscle_id]

    page.goto(live_server.url + reverse("reports:progress", args=[client_record.pk]))
    expect(
        page.get_by_role("img", name=re.compile(r"^Neck angle over 2 sessions, from 41° .* to 46° "))
    ).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^Knee reach \(left\) over 2 sessions"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^Pain over 2 sessions"))).to_be_visible()
    assert horizontal_overflow(page) <= 0, widest_elements(page)
    save_screenshot(page, screenshot_dir / "progress-phone.png")

    page.context.clear_cookies()
    sign_in(client_user)
    page.goto(live_server.url + reverse("reports:portal_summary", args=[draft.pk]))
    expect(page.locator("article.report")).to_contain_text(FOR_CLIENT)
    assert PRIVATE not in page.content()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    with open(download.value.path(), "rb") as pdf:
        text = " ".join(read_pdf(pdf.read()).text.split())
    assert FOR_CLIENT in text and PRIVATE not in text
