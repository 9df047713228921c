"""The main journeys, each driven end to end in Chromium as the person would do it."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Assessment
from clients.models import Client, Screening
from imbalances.models import Pattern
from tests import factories

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback puts back the migrations' data (catalogue, trainers group).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEW_PASSWORD = "a long walk on the beach 42"


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def _pick_muscle(page, row: int, search: str, option: str) -> None:
    """Chooses a muscle in the admin's select2 autocomplete of inline row `row`."""
    page.locator(f"#pattern_muscles-{row} .field-muscle .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).click()


def test_a_pattern_added_in_the_admin_shows_in_the_trainers_next_assessment_form(
    live_server, page, sign_in, admin_user, trainer, client_record
):
    sign_in(admin_user)
    page.goto(live_server.url + reverse("admin:imbalances_pattern_add"))
    page.get_by_label("Region").select_option(label="Low back")
    page.get_by_label("Observation").select_option(label="Standing, side view")
    page.get_by_label("Name").press_sequentially("Flat back")
    assert page.get_by_label("Slug").input_value() == "flat-back"  # prepopulated as typed
    page.get_by_label("Description").fill("The low-back curve is lost; the pelvis tucks under.")
    _pick_muscle(page, 0, "hamstr", "Hamstrings")
    page.locator("#id_pattern_muscles-0-role").select_option("over-active")
    page.locator(".add-row a").click()  # the inline's "Add another" row
    _pick_muscle(page, 1, "psoas", "Psoas")
    page.locator("#id_pattern_muscles-1-role").select_option("under-active")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    pattern = Pattern.objects.get(slug="flat-back")
    assert sorted(pattern.pattern_muscles.values_list("muscle__slug", "role")) == [
        ("hamstrings", "over-active"),
        ("psoas", "under-active"),
    ]

    page.get_by_role("button", name=re.compile("Log out|Sign out")).first.click()
    sign_in(trainer)
    page.goto(live_server.url + reverse("assessments:create", kwargs={"client_pk": client_record.pk}))
    block = page.locator("#pattern-flat-back")
    expect(block.get_by_role("heading", name="Flat back")).to_be_visible()
    block.get_by_text("mild", exact=True).click()
    for expected in ["Hamstrings: expected over-active", "Psoas major: expected under-active"]:
        expect(block.get_by_role("checkbox", name=re.compile(f"^{expected}"))).to_be_visible()


def _assert_is_a_pdf(download, name_part: str) -> None:
    assert download.suggested_filename.endswith(".pdf")
    assert name_part in download.suggested_filename
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_a_trainer_adds_a_client_screens_assesses_and_downloads_their_progress_pdf(
    live_server, page, sign_in, trainer
):
    sign_in(trainer)
    page.get_by_role("link", name="New client").click()
    page.get_by_label("First name").fill("Maria")
    page.get_by_label("Last name").fill("Lopez")
    page.get_by_label("E-mail").fill("maria@example.com")
    page.get_by_label("The client consents to assessment and to our keeping their data").check()
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maria Lopez")
    client = Client.objects.get(trainer=trainer, last_name="Lopez")

    # Screening: "All answers are no" ticks every "No"; one "yes" is enough to need a doctor's
    # clearance, and asks what lies behind it. The client confirms with their name.
    page.get_by_role("link", name="Record a screening").first.click()
    all_no = page.get_by_label("All answers are no")
    all_no.check()
    for question in Screening.QUESTIONS.values():
        expect(page.get_by_role("group", name=question).get_by_label("No", exact=True)).to_be_checked()
    joint = page.get_by_role("group", name=Screening.QUESTIONS["joint_problem"])
    joint.get_by_label("Yes", exact=True).check()
    expect(all_no).not_to_be_checked()
    page.get_by_label("If yes: tell us more about the bone, joint or soft-tissue problem").fill(
        "Old knee injury"
    )
    page.get_by_label("The client's full name").fill("maria lopez")
    page.get_by_role("button", name="Record screening").click()
    expect(page.get_by_test_id("needs-clearance")).to_contain_text("Old knee injury")

    # No clearance yet: the trainer assesses anyway, with a reason kept in the client's history.
    page.get_by_role("link", name="Assess anyway").click()
    page.get_by_label("Your reason to assess anyway").fill("Posture only today; nothing loaded.")
    page.get_by_role("button", name="Record the reason and assess anyway").click()

    # The assessment, first with an out-of-range pain score.
    expect(page.get_by_test_id("clearance-alert")).to_be_visible()
    block = page.locator("#pattern-anterior-pelvic-tilt")
    block.locator("label", has_text="moderate").click()
    # The block's muscles open once a severity is chosen, each expected one ticked: keep the first.
    muscle = block.get_by_role("checkbox").first
    expect(muscle).to_be_checked()
    for other in block.get_by_role("checkbox").all()[1:]:
        other.uncheck()
    block.get_by_label("Note for the client on Anterior pelvic tilt").fill("Worse when standing")
    page.get_by_label("Notes for the client").fill("Desk job, sits all day")
    pain = page.get_by_label("Pain score (0 to 10, optional)")
    pain.fill("11")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    expect(page.locator("#div_id_pain_score")).to_contain_text("less than or equal to 10")
    expect(pain).to_have_attribute("aria-invalid", "true")
    # Everything else typed in is still there.
    expect(pain).to_have_value("11")
    expect(block.get_by_role("radio", name="moderate")).to_be_checked()
    expect(muscle).to_be_checked()
    expect(block.get_by_label("Note for the client on Anterior pelvic tilt")).to_have_value(
        "Worse when standing"
    )
    expect(page.get_by_label("Notes for the client")).to_have_value("Desk job, sits all day")
    assert not Assessment.objects.filter(client=client).exists()

    pain.fill("4")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("status")).to_have_text("draft")
    # Finalising starts from what the client will see.
    page.get_by_role("link", name="Review and finalise").click()
    expect(page.get_by_test_id("finalise-box")).to_contain_text("will see in the portal")
    expect(page.locator("article.report")).to_contain_text("Worse when standing")
    page.get_by_role("button", name=re.compile("^Finalise: ")).click()
    expect(page.get_by_test_id("status")).to_have_text("final")
    assessment = Assessment.objects.get(client=client)
    assert (assessment.status, assessment.pain_score) == ("final", 4)
    finding = assessment.pattern_findings.get()
    assert (finding.pattern.slug, finding.severity, finding.note) == (
        "anterior-pelvic-tilt",
        2,
        "Worse when standing",
    )
    assert assessment.muscle_findings.count() == 1

    page.get_by_role("link", name="Progress", exact=True).click()
    # One session so far: the page does not call it progress.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Assessment summary")
    # The pattern links from its table row, its chart and each session of the log.
    expect(page.get_by_role("link", name="Anterior pelvic tilt").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    _assert_is_a_pdf(download.value, "maria-lopez")


def test_an_invited_client_sets_a_password_and_sees_only_their_own_reports(
    live_server, page, sign_in, trainer, other_client_record
):
    client = factories.ClientFactory(trainer=trainer, first_name="Nina", last_name="Novak")
    pattern = Pattern.objects.get(slug="anterior-pelvic-tilt")
    factories.PatternFindingFactory(
        assessment=factories.AssessmentFactory(client=client, final=True), pattern=pattern
    )
    someone_elses = factories.AssessmentFactory(client=other_client_record, final=True)

    sign_in(trainer)
    page.goto(live_server.url + reverse("clients:detail", args=[client.pk]))
    page.get_by_role("button", name="Invite to the portal").click()
    expect(page.get_by_role("status").first).to_contain_text("Invitation sent to nina.novak@example.com")
    _sign_out(page)

    (invitation,) = mail.outbox
    assert invitation.to == ["nina.novak@example.com"]
    link = re.search(r"https?://\S+(/portal/welcome/\S+/)", invitation.body)
    page.goto(live_server.url + link[1])
    page.get_by_label(re.compile(r"^\s*New password\W*$")).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Nina Novak")
    _sign_out(page)

    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill("nina.novak@example.com")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Nina Novak")
    with page.expect_download() as download:
        # One finalised session: her summary, named by kind and date (no progress report of one session).
        page.get_by_role("link", name=re.compile(r"^Session summary, .* \(PDF\)$")).click()
    _assert_is_a_pdf(download.value, "nina-novak")

    response = page.goto(
        live_server.url + reverse("reports:portal_summary_pdf", kwargs={"pk": someone_elses.pk})
    )
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
