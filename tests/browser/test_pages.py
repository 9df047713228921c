"""Every main page in Chromium: no serious axe issue, no sideways scrolling on a phone.

Each test also saves a full-page screenshot (`<page>-desktop.png`, `<page>-phone.png`)
into the folder the pytest header names, for a person to look at.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from clients.models import Client, Screening
from clients.services import screening_record
from imbalances.models import Pattern
from tests import factories
from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    assert_accessible,
    horizontal_overflow,
    save_screenshot,
    widest_elements,
)
from tests.reports.test_photos_in_reports import SIDE_MARKS, photo_of

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback puts back the migrations' data (catalogue, trainers group).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@dataclass
class Studio:
    trainer: object
    client: object
    client_user: object
    assessment: object  # the latest final one
    screening: object  # the one with a yes answer, not cleared
    unscreened: object  # a client of the trainer with neither consent nor screening
    plan: object  # the client's current plan, from the latest final session, with days ticked off
    photo: object  # a side photo of the latest final session, with its landmarks


@pytest.fixture
def studio(trainer, client_record, client_user) -> Studio:
    """A client with three sessions on the seeded catalogue, a screening with one yes and a later
    one of all no (the fixture's, so that the client may be assessed), and a client who may not."""
    tilt = Pattern.objects.get(slug="anterior-pelvic-tilt")
    turn = Pattern.objects.get(slug="head-tilt-turn")
    answers = {field: field == "joint_problem" for field in Screening.QUESTIONS}
    screening = screening_record(
        client=client_record, screened_on=date(2026, 1, 2), answers=answers, by=trainer
    )
    final = None
    for month, severity in [(1, 3), (2, 2), (3, 1)]:
        assessment = factories.AssessmentFactory(
            client=client_record,
            session_date=date(2026, month, 5),
            status=Assessment.Status.FINAL if month < 3 else Assessment.Status.DRAFT,
            pain_score=7 - 2 * month,
        )
        factories.PatternFindingFactory(assessment=assessment, pattern=tilt, severity=severity)
        factories.PatternFindingFactory(assessment=assessment, pattern=turn, severity=severity, side="left")
        for link in tilt.pattern_muscles.select_related("muscle")[:3]:
            factories.MuscleFindingFactory(assessment=assessment, muscle=link.muscle, role=link.role)
        final = assessment if assessment.status == Assessment.Status.FINAL else final
    unscreened = factories.ClientFactory(trainer=trainer, first_name="Bo", last_name="Bare")
    plan = factories.PlanFactory(
        assessment=final, published=True, start_date=timezone.localdate() - timedelta(days=10)
    )
    for phase in ("inhibit", "lengthen", "activate", "integrate"):
        exercise = factories.ExerciseFactory(
            name=f"A {phase} exercise", phase=phase, cues="Breathe out\nGo slowly", equipment="A mat"
        )
        factories.PlanItemFactory(plan=plan, exercise=exercise, note="Gently at first")
    for days_ago in (1, 3, 6):
        factories.PlanSessionFactory(plan=plan, done_on=timezone.localdate() - timedelta(days=days_ago))
    Client.objects.filter(pk=client_record.pk).update(
        photo_consent_given_at=timezone.now(), photo_consent_recorded_by=trainer
    )
    photo = photo_of(final, landmarks=SIDE_MARKS)
    return Studio(trainer, client_record, client_user, final, screening, unscreened, plan, photo)


def _submit_an_invalid_pain_score(page) -> None:
    page.get_by_label("Pain score (0 to 10, optional)").fill("11")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()


# page name: (who is signed in, URL, the page's main heading, what to do on the page first)
PAGES = {
    "login": (None, lambda s: reverse("login"), "Sign in", None),
    "dashboard": ("trainer", lambda s: reverse("clients:dashboard"), "Dashboard", None),
    "client-list": ("trainer", lambda s: reverse("clients:list"), "Clients", None),
    "client": ("trainer", lambda s: reverse("clients:detail", args=[s.client.pk]), "Jane Doe", None),
    "assessment-form": (
        "trainer",
        lambda s: reverse("assessments:create", kwargs={"client_pk": s.client.pk}),
        "New assessment",
        None,
    ),
    "assessment-form-errors": (
        "trainer",
        lambda s: reverse("assessments:create", kwargs={"client_pk": s.client.pk}),
        "New assessment",
        _submit_an_invalid_pain_score,
    ),
    "screening-form": (
        "trainer",
        lambda s: reverse("clients:screening", args=[s.client.pk]),
        "Pre-activity screening",
        None,
    ),
    "clearance-form": (
        "trainer",
        lambda s: reverse("clients:clearance", args=[s.client.pk, s.screening.pk]),
        "Medical clearance",
        None,
    ),
    "assessment-blocked": (
        "trainer",
        lambda s: reverse("assessments:create", kwargs={"client_pk": s.unscreened.pk}),
        "Before assessing",
        None,
    ),
    "assessment": (
        "trainer",
        lambda s: reverse("assessments:detail", args=[s.assessment.pk]),
        "Session of 5 Feb 2026",
        None,
    ),
    "progress": (
        "trainer",
        lambda s: reverse("reports:progress", args=[s.client.pk]),
        "Progress",
        None,
    ),
    "catalogue": ("trainer", lambda s: reverse("imbalances:index"), "Imbalance catalogue", None),
    "pattern": (
        "trainer",
        lambda s: reverse("imbalances:pattern", kwargs={"slug": "anterior-pelvic-tilt"}),
        "Anterior pelvic tilt",
        None,
    ),
    "muscle": (
        "client",
        lambda s: reverse("imbalances:muscle", kwargs={"slug": "psoas"}),
        "Deep hip flexor",
        None,
    ),
    "plan": ("trainer", lambda s: reverse("plans:detail", args=[s.plan.pk]), "Plan from", None),
    "plan-form": ("trainer", lambda s: reverse("plans:edit", args=[s.plan.pk]), "Edit plan", None),
    "portal-plan": ("client", lambda s: reverse("portal_plan:plan"), "My plan", None),
    "exercise": (
        "client",
        lambda s: s.plan.items.first().exercise.get_absolute_url(),
        "A inhibit exercise",
        None,
    ),
    "photos": (
        "trainer",
        lambda s: reverse("assessments:photos", args=[s.assessment.pk]),
        "Posture photos",
        None,
    ),
    "photo-landmarks": (
        "trainer",
        lambda s: reverse("assessments:photo_annotate", args=[s.photo.pk]),
        "Landmarks on the left side photo",
        None,
    ),
    "photo-compare": (
        "trainer",
        lambda s: reverse("assessments:photo_compare", args=[s.client.pk]) + "?view=left",
        "Compare photos",
        None,
    ),
    "portal-home": ("client", lambda s: reverse("portal:home"), "Hello, Jane Doe", None),
    "front-page": (None, lambda s: reverse("home"), "Trainer Studio", None),
}


@pytest.fixture
def open_page(live_server, page, sign_in, studio):
    """Opens a page of PAGES as its user, checks its heading, and returns the page."""

    def _open(name: str):
        who, url, heading, action = PAGES[name]
        if who is not None:
            sign_in({"trainer": studio.trainer, "client": studio.client_user}[who])
        page.goto(live_server.url + url(studio))
        if action is not None:
            action(page)
        assert page.get_by_role("heading", level=1).first.inner_text().startswith(heading)
        return page

    return _open


@pytest.mark.parametrize("name", PAGES)
def test_the_page_is_accessible_and_fits_a_phone(name, open_page, page, screenshot_dir):
    page.set_viewport_size(DESKTOP)
    open_page(name)
    if name == "assessment-form-errors":
        assert page.get_by_test_id("error-summary").is_visible()
        assert page.get_by_text("Ensure this value is less than or equal to 10.").is_visible()
    save_screenshot(page, screenshot_dir / f"{name}-desktop.png")
    assert_accessible(page)
    # The same page on a phone: media queries follow the new width without a reload.
    page.set_viewport_size(PHONE)
    save_screenshot(page, screenshot_dir / f"{name}-phone.png")
    assert horizontal_overflow(page) <= 0, widest_elements(page)
