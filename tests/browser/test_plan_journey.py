"""From findings to homework, in the browser: the trainer finalises a session with two over-active
muscles and one under-active one, builds the plan it proposes, tailors and publishes it; the client
opens it on a phone and ticks off two days; the trainer sees the adherence; both PDFs hold the plan."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Assessment
from imbalances.models import Pattern
from plans.models import Plan
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
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def pdf_text(page, link_name: str) -> str:
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).first.click()
    with open(download.value.path(), "rb") as pdf:
        return " ".join(read_pdf(pdf.read()).text.split())


def test_a_plan_from_findings_to_ticked_off_days_and_the_pdfs(
    live_server, page, sign_in, trainer, client_record, client_user, screenshot_dir
):
    page.on("dialog", lambda dialog: dialog.accept())
    chin = Pattern.objects.get(slug="forward-chin")
    tight_one, tight_two, weak = (
        factories.MuscleFactory(name=name) for name in ("Tight A", "Tight B", "Weak C")
    )
    for muscle, phases in (
        (tight_one, ("inhibit", "lengthen")),
        (tight_two, ("inhibit", "lengthen")),
        (weak, ("activate",)),
    ):
        for phase in phases:
            factories.ExerciseFactory(name=f"{muscle.name} {phase}", phase=phase, muscles=[muscle])
    factories.ExerciseFactory(name="Wall slide", phase="integrate", patterns=[chin], muscles=[weak])
    factories.ExerciseFactory(name="Extra march", phase="activate", muscles=[weak], display_order=9)
    session = factories.AssessmentFactory(client=client_record, session_date=timezone.localdate())
    factories.PatternFindingFactory(assessment=session, pattern=chin)
    for muscle, role in ((tight_one, "over-active"), (tight_two, "over-active"), (weak, "under-active")):
        factories.MuscleFindingFactory(assessment=session, muscle=muscle, role=role, pattern=chin)

    sign_in(trainer)
    page.goto(live_server.url + reverse("reports:summary", args=[session.pk]))
    page.get_by_role("button", name=re.compile("^Finalise: ")).click()
    expect(page.get_by_test_id("status")).to_have_text("final")
    assert Assessment.objects.get(pk=session.pk).is_final

    page.get_by_role("button", name="Build plan").click()
    rows = page.get_by_test_id("item-row")
    expect(rows).to_have_count(6)
    # Released and stretched first, then strengthened, then the whole movement.
    expect(rows.first).to_contain_text("Tight A inhibit")
    expect(rows.last).to_contain_text("Wall slide")
    # The client started on the exercises at the session three days ago.
    page.get_by_label("Starts on").fill((timezone.localdate() - timedelta(days=3)).isoformat())
    page.get_by_label("Sets of Weak C activate").fill("4")
    page.get_by_label("Note for the client of Wall slide").fill("Slowly, back flat on the wall")
    page.get_by_label("Remove Tight B lengthen from the plan").check()
    page.get_by_label("Exercises to add").select_option(label="Extra march")
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.get_by_test_id("item-row")).to_have_count(6)
    page.get_by_role("button", name="Save and publish").click()
    plan = Plan.objects.get(client=client_record)
    assert plan.is_current
    names = list(plan.items.values_list("exercise__name", flat=True))
    assert "Tight B lengthen" not in names and "Extra march" in names
    assert plan.items.get(exercise__name="Weak C activate").sets == 4

    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    sign_in(client_user)
    page.get_by_role("link", name="Open my plan").click()
    expect(page.get_by_test_id("plan-exercises")).to_contain_text("Slowly, back flat on the wall")
    expect(page.get_by_test_id("plan-exercises")).to_contain_text("4 sets of 12")
    assert horizontal_overflow(page) <= 0, widest_elements(page)
    assert_accessible(page)
    save_screenshot(page, screenshot_dir / "portal-plan-phone.png")
    page.get_by_label("How hard did it feel? (optional)").select_option("6")
    page.get_by_label("A note for your trainer (optional)").fill("Felt the neck loosen")
    page.get_by_role("button", name="I did my plan").click()
    expect(page.get_by_test_id("plan-sessions")).to_contain_text("Felt the neck loosen")
    yesterday = timezone.localdate() - timedelta(days=1)
    page.get_by_label("The day you did it").fill(yesterday.isoformat())
    page.get_by_role("button", name="I did my plan").click()
    expect(page.get_by_test_id("plan-sessions").get_by_role("listitem")).to_have_count(2)
    assert sorted(plan.sessions.values_list("done_on", flat=True)) == [yesterday, timezone.localdate()]

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(trainer)
    page.goto(live_server.url + plan.get_absolute_url())
    expect(page.get_by_test_id("adherence-overall")).to_contain_text("2 of ")
    expect(page.get_by_test_id("sessions")).to_contain_text("Felt the neck loosen")

    page.goto(live_server.url + reverse("reports:summary", args=[session.pk]))
    summary = pdf_text(page, "Download PDF")
    assert "Wall slide" in summary and "Extra march" in summary
    wall_slide = Plan.objects.get().items.get(exercise__name="Wall slide").exercise
    # Each exercise links to its public page (the PDF wraps the address across lines).
    assert f"exercises/{wall_slide.slug}/" in summary and "Slowly, back flat on the wall" in summary
    page.goto(live_server.url + reverse("reports:progress", args=[client_record.pk]))
    progress = pdf_text(page, "Download PDF")
    assert "Wall slide" in progress and "2 home sessions" in progress, progress
