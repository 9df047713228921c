"""The trainer's side of plans: build, tailor, publish, end, discard, read and trace a plan."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.models import Plan, PlanItem
from security.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, trainer):
    client.force_login(trainer)
    return client


@pytest.fixture
def final(client_record):
    return factories.AssessmentFactory(client=client_record, final=True, finalised_at=timezone.now())


@pytest.fixture
def found(final):
    """The session found a tight chest, a weak upper back and rounded shoulders; the library has an
    exercise for each, and one for an unrelated muscle."""
    tight, weak = factories.MuscleFactory(name="Chest"), factories.MuscleFactory(name="Upper back")
    pattern = factories.PatternFactory(name="Rounded shoulders")
    factories.MuscleFindingFactory(assessment=final, muscle=tight, role="over-active")
    factories.MuscleFindingFactory(assessment=final, muscle=weak, role="under-active")
    factories.PatternFindingFactory(assessment=final, pattern=pattern)
    return {
        "release": factories.ExerciseFactory(phase="inhibit", muscles=[tight], name="Chest release"),
        "stretch": factories.ExerciseFactory(phase="lengthen", muscles=[tight], name="Doorway stretch"),
        "row": factories.ExerciseFactory(phase="activate", muscles=[weak], name="Band row", sets=3, reps=15),
        "angel": factories.ExerciseFactory(phase="integrate", patterns=[pattern], name="Wall angel"),
        "other": factories.ExerciseFactory(phase="activate", name="Calf raise"),
    }


def make_plan(assessment, *names: str, **kwargs) -> Plan:
    plan = factories.PlanFactory(assessment=assessment, **kwargs)
    for position, name in enumerate(names, start=1):
        factories.PlanItemFactory(
            plan=plan, exercise=factories.ExerciseFactory(name=name), position=position, reason=f"For {name}"
        )
    return plan


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def row(item: PlanItem, **changes) -> dict:
    values = {
        "exercise": item.exercise_id,
        "sets": item.sets or "",
        "reps": item.reps or "",
        "hold_seconds": item.hold_seconds or "",
        "tempo": item.tempo,
        "per_week": item.per_week or "",
        "note": item.note,
    }
    return {**values, **changes}


def form_data(plan: Plan, rows: list[dict], **fields) -> dict:
    data = {
        "start_date": plan.start_date.isoformat(),
        "review_date": plan.review_date.isoformat(),
        "sessions_per_week": str(plan.sessions_per_week),
        "notes": plan.notes,
        "version": str(plan.version),
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": str(len(rows)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "100",
        "action": "save",
    }
    for index, values in enumerate(rows):
        data.update({f"items-{index}-{key}": value for key, value in values.items()})
    return {**data, **fields}


def names(plan: Plan) -> list[str]:
    return list(plan.items.order_by("position").values_list("exercise__name", flat=True))


# Building from an assessment


def test_building_from_a_final_assessment_proposes_a_draft_with_the_matching_exercises(
    signed_in, trainer, final, found
):
    response = signed_in.post(reverse("plans:build", kwargs={"assessment_pk": final.pk}))

    plan = Plan.objects.get(assessment=final)
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:edit", kwargs={"pk": plan.pk})
    assert plan.is_draft and plan.trainer == trainer
    assert names(plan) == ["Chest release", "Doorway stretch", "Band row", "Wall angel"]
    row_item = plan.items.get(exercise=found["row"])
    assert (row_item.sets, row_item.reps, row_item.reason) == (3, 15, "For Upper back (under-active)")
    assert "with 4 exercises" in said(response)[0]
    assert (
        AuditEvent.objects.filter(client=final.client, action="change", url_name="plans:build").count() == 1
    )


def test_a_finding_the_library_has_no_exercise_for_is_named_after_building(signed_in, final, found):
    found["release"].is_active = False
    found["release"].save()

    response = signed_in.post(reverse("plans:build", kwargs={"assessment_pk": final.pk}))

    assert "The exercise library has nothing for Chest (over-active): release (inhibit)." in said(response)[0]
    assert names(Plan.objects.get()) == ["Doorway stretch", "Band row", "Wall angel"]


def test_building_from_a_draft_assessment_is_refused(signed_in, client_record, found):
    draft = factories.AssessmentFactory(client=client_record)

    response = signed_in.post(reverse("plans:build", kwargs={"assessment_pk": draft.pk}))

    assert response["Location"] == draft.get_absolute_url()
    assert not Plan.objects.exists()
    assert "Finalise the assessment first" in said(response)[0]


def test_building_twice_finds_the_same_draft(signed_in, final, found, django_assert_num_queries):
    url = reverse("plans:build", kwargs={"assessment_pk": final.pk})
    first = signed_in.post(url)
    # Session, user, role; the assessment; in one transaction (its savepoint and release here), its
    # draft plan, asked once, and the audit row.
    with django_assert_num_queries(8):
        second = signed_in.post(url)

    assert Plan.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert said(second)[-1] == "This assessment already has a draft plan: here it is."


def test_an_archived_clients_assessment_builds_no_plan(signed_in, client_record, final, found):
    client_record.is_archived = True
    client_record.save()

    response = signed_in.post(reverse("plans:build", kwargs={"assessment_pk": final.pk}))

    assert not Plan.objects.exists()
    assert "archived" in said(response)[0]


def test_carrying_forward_copies_the_current_plan_into_a_draft_for_the_new_session(
    signed_in, client_record, final
):
    current = make_plan(final, "Chin nod", "Wall angel", published=True, notes="Morning is best.")
    newer = factories.AssessmentFactory(client=client_record, final=True)

    response = signed_in.post(reverse("plans:carry_forward", kwargs={"assessment_pk": newer.pk}))

    draft = Plan.objects.get(assessment=newer)
    assert response["Location"] == reverse("plans:edit", kwargs={"pk": draft.pk})
    assert draft.is_draft and draft.notes == "Morning is best."
    assert names(draft) == ["Chin nod", "Wall angel"]
    current.refresh_from_db()
    assert current.is_current


def test_carrying_forward_without_a_current_plan_says_so(signed_in, final):
    response = signed_in.post(reverse("plans:carry_forward", kwargs={"assessment_pk": final.pk}))

    assert not Plan.objects.exists()
    assert "has no current plan to carry forward" in said(response)[0]


# The assessment page offers the choices


def test_a_final_assessment_offers_to_build_or_carry_forward_the_current_plan(
    signed_in, client_record, final
):
    url = final.get_absolute_url()
    page = signed_in.get(url).text
    assert reverse("plans:build", kwargs={"assessment_pk": final.pk}) in page
    assert reverse("plans:carry_forward", kwargs={"assessment_pk": final.pk}) not in page

    make_plan(factories.AssessmentFactory(client=client_record, final=True), "Chin nod", published=True)
    page = signed_in.get(url).text
    assert reverse("plans:carry_forward", kwargs={"assessment_pk": final.pk}) in page
    assert "keep the current plan's exercises in a new draft" in page


def test_the_assessment_page_lists_the_plans_built_from_it(signed_in, final):
    plan = make_plan(final, "Chin nod")

    page = signed_in.get(final.get_absolute_url()).text

    assert plan.get_absolute_url() in page
    assert reverse("plans:build", kwargs={"assessment_pk": final.pk}) not in page


def test_a_draft_assessment_says_a_plan_comes_once_it_is_final(signed_in, client_record):
    draft = factories.AssessmentFactory(client=client_record)

    page = signed_in.get(draft.get_absolute_url()).text

    assert "A plan is built from the findings once the assessment is finalised." in page
    assert reverse("plans:build", kwargs={"assessment_pk": draft.pk}) not in page


# Editing


def test_the_edit_page_shows_each_item_with_its_reason_and_offers_the_other_active_exercises(
    signed_in, final, found
):
    plan = make_plan(final, "Chin nod")
    found["other"].is_active = False
    found["other"].save()

    page = signed_in.get(reverse("plans:edit", kwargs={"pk": plan.pk})).text

    item = plan.items.get()
    assert f'name="items-0-exercise" value="{item.exercise_id}"' in page
    assert "Chin nod" in page and "For Chin nod" in page
    assert '<optgroup label="release (inhibit)">' in page
    assert f'<option value="{found["release"].pk}">Chest release</option>' in page
    assert f'<option value="{item.exercise_id}"' not in page  # already in the plan
    assert "Calf raise" not in page  # retired


def test_editing_saves_dosage_order_removal_and_addition(signed_in, trainer, final, found):
    plan = make_plan(final, "Chin nod", "Wall slide", "Dead bug")
    chin, slide, bug = plan.items.order_by("position")
    data = form_data(
        plan,
        [row(bug, sets="4", reps="8", tempo="3/1/1", note="Slowly"), row(chin), row(slide, DELETE="on")],
        notes="Do these after work.",
        sessions_per_week="5",
        add=[str(found["row"].pk), str(found["release"].pk)],
    )

    response = signed_in.post(reverse("plans:edit", kwargs={"pk": plan.pk}), data)

    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()
    plan.refresh_from_db()
    assert (plan.notes, plan.sessions_per_week, plan.version) == ("Do these after work.", 5, 2)
    # Each added exercise goes with its phase: the release first, the strengthener after the others.
    assert names(plan) == ["Chest release", "Dead bug", "Chin nod", "Band row"]
    bug.refresh_from_db()
    assert (bug.sets, bug.reps, bug.tempo, bug.note, bug.position) == (4, 8, "3/1/1", "Slowly", 2)
    added = plan.items.get(exercise=found["row"])
    assert (added.sets, added.reps, added.reason) == (3, 15, "")
    assert not PlanItem.objects.filter(pk=slide.pk).exists()
    assert AuditEvent.objects.filter(client=plan.client, action="change", url_name="plans:edit").count() == 1


def test_adding_exercises_comes_back_to_the_form_to_tailor_them(signed_in, final, found):
    plan = make_plan(final, "Chin nod")
    data = form_data(plan, [row(plan.items.get())], add=[str(found["row"].pk)], action="add")

    response = signed_in.post(reverse("plans:edit", kwargs={"pk": plan.pk}), data)

    assert response["Location"] == reverse("plans:edit", kwargs={"pk": plan.pk})
    assert names(plan) == ["Chin nod", "Band row"]


def test_a_bad_dosage_is_shown_next_to_its_field_and_everything_typed_is_kept(signed_in, final):
    plan = make_plan(final, "Chin nod", "Wall slide")
    chin, slide = plan.items.order_by("position")
    data = form_data(
        plan, [row(chin, sets="11", note="Keep the chin tucked"), row(slide, reps="0")], notes="New"
    )

    response = signed_in.post(reverse("plans:edit", kwargs={"pk": plan.pk}), data)

    assert response.status_code == 200
    page = response.text
    assert '<div id="id_items-0-sets_error" class="invalid-feedback d-block">Sets: between 1 and 10' in page
    assert '<div id="id_items-1-reps_error" class="invalid-feedback d-block">Reps: between 1 and 100' in page
    assert 'name="items-0-sets" value="11"' in page
    assert 'value="Keep the chin tucked"' in page
    assert "Nothing was saved yet." in page
    plan.refresh_from_db()
    chin.refresh_from_db()
    assert (plan.notes, plan.version, chin.sets, chin.note) == ("", 1, 2, "")


def test_a_review_before_the_start_is_refused_next_to_the_review_date(signed_in, final):
    plan = make_plan(final, "Chin nod")
    data = form_data(
        plan,
        [row(plan.items.get())],
        review_date=(plan.start_date - timedelta(days=1)).isoformat(),
    )

    response = signed_in.post(reverse("plans:edit", kwargs={"pk": plan.pk}), data)

    assert 'id="id_review_date_error"' in response.text
    assert "The review comes after the start" in response.text
    plan.refresh_from_db()
    assert plan.version == 1


def test_the_same_exercise_twice_is_refused(signed_in, final):
    plan = make_plan(final, "Chin nod", "Wall slide")
    chin, _ = plan.items.order_by("position")

    response = signed_in.post(
        reverse("plans:edit", kwargs={"pk": plan.pk}), form_data(plan, [row(chin), row(chin)])
    )

    assert 'data-testid="items-errors"' in response.text
    assert "Chin nod is in the plan twice: remove one of them." in response.text
    assert names(plan) == ["Chin nod", "Wall slide"]


def test_a_save_from_a_stale_page_keeps_what_was_typed_and_says_the_plan_changed(signed_in, final):
    plan = make_plan(final, "Chin nod")
    stale = form_data(plan, [row(plan.items.get(), sets="5")], notes="Mine")
    Plan.objects.filter(pk=plan.pk).update(version=2, notes="Theirs")

    response = signed_in.post(reverse("plans:edit", kwargs={"pk": plan.pk}), stale)

    assert response.status_code == 409
    assert "The plan changed since you opened it" in response.text
    assert "Mine</textarea>" in response.text
    assert 'name="items-0-sets" value="5"' in response.text
    assert 'name="version" value="2"' in response.text
    plan.refresh_from_db()
    assert plan.notes == "Theirs"
    # Saving again, deliberately, from the version now on the page replaces theirs.
    again = signed_in.post(reverse("plans:edit", kwargs={"pk": plan.pk}), {**stale, "version": "2"})
    assert again.status_code == 302
    plan.refresh_from_db()
    assert plan.notes == "Mine"


def test_moving_an_item_shows_the_new_order_and_saves_nothing_until_saved(signed_in, final):
    plan = make_plan(final, "Chin nod", "Wall slide")
    chin, slide = plan.items.order_by("position")
    data = form_data(plan, [row(chin, sets="4"), row(slide)], move="1:up")

    response = signed_in.post(reverse("plans:edit", kwargs={"pk": plan.pk}), data)

    assert response.status_code == 200
    page = response.text
    assert "Nothing is saved until you press" in page
    assert page.index("Wall slide") < page.index("Chin nod")
    assert f'name="items-0-exercise" value="{slide.exercise_id}"' in page
    assert 'name="items-1-sets" value="4"' in page  # the typed value moved with its row
    assert names(plan) == ["Chin nod", "Wall slide"]


def test_save_and_publish_publishes_the_draft(signed_in, client_user, final):
    plan = make_plan(final, "Chin nod")
    data = form_data(plan, [row(plan.items.get())], action="publish")

    response = signed_in.post(reverse("plans:edit", kwargs={"pk": plan.pk}), data)

    plan.refresh_from_db()
    assert plan.is_current
    assert response["Location"] == plan.get_absolute_url()
    assert "Jane can now see it in their portal." in said(response)[0]


def test_save_and_publish_without_exercises_saves_nothing_and_says_so_by_the_items(signed_in, final):
    plan = make_plan(final, "Chin nod")
    data = form_data(plan, [row(plan.items.get(), DELETE="on")], notes="Changed", action="publish")

    response = signed_in.post(reverse("plans:edit", kwargs={"pk": plan.pk}), data)

    assert response.status_code == 200
    assert 'data-testid="items-errors"' in response.text
    assert "Add at least one exercise before publishing" in response.text
    plan.refresh_from_db()
    assert (plan.status, plan.notes, plan.version) == ("draft", "", 1)
    assert names(plan) == ["Chin nod"]


def test_a_current_plan_can_be_edited_and_an_ended_one_cannot(signed_in, final):
    current = make_plan(final, "Chin nod", published=True)
    page = signed_in.get(reverse("plans:edit", kwargs={"pk": current.pk})).text
    assert "Save and publish" not in page
    assert "they see your changes as soon as you save" in page

    ended = make_plan(final, "Wall slide", status="ended", ended_at=timezone.now())
    for response in (
        signed_in.get(reverse("plans:edit", kwargs={"pk": ended.pk})),
        signed_in.post(reverse("plans:edit", kwargs={"pk": ended.pk}), form_data(ended, [], notes="x")),
    ):
        assert response["Location"] == ended.get_absolute_url()
        assert said(response)[-1] == "Ended plans are kept as they were: this one cannot change."
    ended.refresh_from_db()
    assert ended.notes == ""


# Publishing, ending, discarding


def test_publishing_replaces_the_current_plan(signed_in, client_record, final):
    old = make_plan(factories.AssessmentFactory(client=client_record, final=True), "Chin nod", published=True)
    new = make_plan(final, "Wall slide")

    response = signed_in.post(reverse("plans:publish", kwargs={"pk": new.pk}), {"version": "1"})

    old.refresh_from_db()
    new.refresh_from_db()
    assert new.is_current and new.published_at is not None
    assert old.status == "ended" and old.replaced_by == new and old.ended_at is not None
    message = said(response)[0]
    assert "Jane can now see it in their portal." in message
    assert f"It replaced the plan from {old.start_date:%d %b %Y}" in message
    assert AuditEvent.objects.filter(client=client_record, action="change", url_name="plans:publish").exists()


def test_publishing_an_empty_or_stale_draft_is_refused(signed_in, final):
    empty = make_plan(final)
    response = signed_in.post(reverse("plans:publish", kwargs={"pk": empty.pk}), {"version": "1"})
    assert response["Location"] == reverse("plans:edit", kwargs={"pk": empty.pk})
    assert "Add at least one exercise before publishing" in said(response)[0]

    stale = make_plan(final, "Chin nod")
    for version in ("7", "9" * 30):
        response = signed_in.post(reverse("plans:publish", kwargs={"pk": stale.pk}), {"version": version})
        assert "The plan changed since you opened it" in said(response)[-1]
    for plan in (empty, stale):
        plan.refresh_from_db()
        assert plan.is_draft


def test_ending_the_current_plan(signed_in, final):
    plan = make_plan(final, "Chin nod", published=True)

    response = signed_in.post(reverse("plans:end", kwargs={"pk": plan.pk}))

    plan.refresh_from_db()
    assert plan.status == "ended" and plan.replaced_by is None
    assert response["Location"] == plan.get_absolute_url()
    assert said(response)[0].startswith("Plan ended.")


def test_discarding_a_draft_deletes_it_and_goes_back_to_the_assessment(signed_in, final):
    plan = make_plan(final, "Chin nod")

    response = signed_in.post(reverse("plans:discard", kwargs={"pk": plan.pk}))

    assert response["Location"] == final.get_absolute_url()
    assert not Plan.objects.filter(pk=plan.pk).exists()
    assert AuditEvent.objects.filter(client=final.client, action="change", url_name="plans:discard").exists()


def test_a_published_plan_cannot_be_discarded(signed_in, final):
    plan = make_plan(final, "Chin nod", published=True)

    response = signed_in.post(reverse("plans:discard", kwargs={"pk": plan.pk}))

    assert Plan.objects.get(pk=plan.pk).is_current
    assert "Only a draft can be discarded" in said(response)[0]


# Reading


def test_the_detail_page_shows_the_plan_its_adherence_and_sessions(signed_in, final):
    today = timezone.localdate()
    plan = make_plan(
        final,
        "Chin nod",
        published=True,
        start_date=today - timedelta(days=20),
        review_date=today,
        notes="Mornings.",
    )
    item = plan.items.get()
    for days_ago, effort, note in ((1, 6, "Easy"), (3, 8, ""), (10, None, "Sore")):
        factories.PlanSessionFactory(
            plan=plan, done_on=today - timedelta(days=days_ago), effort=effort, note=note
        )

    response = signed_in.get(plan.get_absolute_url())

    page = response.text
    assert 'data-testid="plan-status">current<' in page
    assert 'data-testid="review-due"' in page
    assert "Mornings." in page
    assert item.exercise.get_absolute_url() in page and item.dosage in page and "For Chin nod" in page
    adherence = response.context["adherence"]
    assert len(adherence.weeks) >= 3
    assert page.count('data-testid="adherence-week"') == len(adherence.weeks)
    assert f"3 of {adherence.planned} planned sessions" in page
    assert "effort 6/10" in page and "“Sore”" in page
    assert reverse("plans:end", kwargs={"pk": plan.pk}) in page
    assert reverse("plans:publish", kwargs={"pk": plan.pk}) not in page
    assert final.get_absolute_url() in page and final.client.get_absolute_url() in page
    assert AuditEvent.objects.filter(client=final.client, action="view", url_name="plans:detail").count() == 1


def test_a_draft_offers_publish_and_discard(signed_in, final):
    plan = make_plan(final, "Chin nod")

    page = signed_in.get(plan.get_absolute_url()).text

    assert reverse("plans:publish", kwargs={"pk": plan.pk}) in page
    assert reverse("plans:discard", kwargs={"pk": plan.pk}) in page
    assert 'name="version" value="1"' in page
    assert "Sessions done" not in page


def test_an_ended_plan_says_which_plan_replaced_it(signed_in, final):
    new = make_plan(final, "Wall slide", published=True)
    old = make_plan(final, "Chin nod", status="ended", ended_at=timezone.now(), replaced_by=new)

    page = signed_in.get(old.get_absolute_url()).text

    assert 'data-testid="plan-status">ended<' in page
    assert new.get_absolute_url() in page
    assert reverse("plans:edit", kwargs={"pk": old.pk}) not in page


def test_a_retired_exercise_keeps_an_old_plan_readable(signed_in, final):
    plan = make_plan(final, "Chin nod", status="ended", ended_at=timezone.now())
    exercise = plan.items.get().exercise
    exercise.is_active = False
    exercise.save()

    page = signed_in.get(plan.get_absolute_url()).text

    assert "Chin nod" in page and exercise.get_absolute_url() in page
    assert 'data-testid="retired"' in page


def test_the_history_lists_who_changed_what(signed_in, final, found):
    signed_in.post(reverse("plans:build", kwargs={"assessment_pk": final.pk}))
    plan = Plan.objects.get()
    release, stretch, band_row, angel = plan.items.order_by("position")
    data = form_data(
        plan, [row(stretch), row(release), row(band_row, sets="4"), row(angel, DELETE="on")], notes="New"
    )
    signed_in.post(reverse("plans:edit", kwargs={"pk": plan.pk}), {**data, "add": [str(found["other"].pk)]})
    signed_in.post(reverse("plans:publish", kwargs={"pk": plan.pk}), {"version": "2"})

    response = signed_in.get(reverse("plans:history", kwargs={"pk": plan.pk}))

    entries = response.context["entries"]
    tempo = "tempo 4 seconds lowering, a 2-second pause, 1 second lifting"
    assert [entry.reason for entry in entries] == ["Published", "", "Proposed from the assessment"]
    published, edited, created = entries
    assert published.changes == ["Changed status: draft → current"]
    assert set(edited.changes) == {
        "Changed the notes for the client",
        "Removed Wall angel",
        f"Band row: 3 sets of 15, 3 times a week ({tempo}) → 4 sets of 15, 3 times a week ({tempo})",
        f"Added Calf raise: 2 sets of 12, 3 times a week ({tempo})",
        "Changed the order of the exercises",
    }
    assert created.changes[0].startswith("Created the plan")
    assert len(created.changes) == 5
    assert all(entry.who.username == "alice" for entry in entries)
    assert response.text.count('data-testid="history-entry"') == 3
    assert "Alice Archer" in response.text


def test_removing_an_item_is_not_read_as_a_reordering(signed_in, final):
    plan = make_plan(final, "Chin nod", "Wall slide", "Dead bug")
    chin, slide, bug = plan.items.order_by("position")
    signed_in.post(
        reverse("plans:edit", kwargs={"pk": plan.pk}),
        form_data(plan, [row(chin, DELETE="on"), row(slide), row(bug)]),
    )

    entries = signed_in.get(reverse("plans:history", kwargs={"pk": plan.pk})).context["entries"]

    assert entries[0].changes == ["Removed Chin nod"]


# The client page


def test_the_client_page_summarises_the_current_plan_drafts_and_past_plans(signed_in, client_record, final):
    today = timezone.localdate()
    current = make_plan(
        final,
        "Chin nod",
        "Wall slide",
        published=True,
        start_date=today - timedelta(days=40),
        review_date=today,
    )
    for days_ago in (1, 2, 9):
        factories.PlanSessionFactory(plan=current, done_on=today - timedelta(days=days_ago))
    draft = make_plan(final, "Dead bug")
    past = make_plan(
        final, "Band row", status="ended", ended_at=timezone.now(), start_date=today - timedelta(days=90)
    )

    page = signed_in.get(client_record.get_absolute_url()).text

    assert current.get_absolute_url() in page and "2 exercises" in page
    assert 'data-testid="review-due"' in page
    planned = 3 * 3 + round(3 * (today.weekday() + 1) / 7)  # three whole weeks and this one so far
    assert f"Last 4 weeks: 3 of {planned} sessions done." in page
    assert draft.get_absolute_url() in page
    assert past.get_absolute_url() in page


def _count_queries(browser, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(url).status_code == 200
    return len(queries)


def test_the_client_and_assessment_pages_read_plans_in_a_constant_number_of_queries(
    signed_in, client_record, final, django_assert_max_num_queries
):
    current = make_plan(final, "Chin nod", published=True)
    factories.PlanSessionFactory(plan=current)
    client_page, assessment_page = client_record.get_absolute_url(), final.get_absolute_url()
    few = {url: _count_queries(signed_in, url) for url in (client_page, assessment_page)}
    for _ in range(5):
        ended = make_plan(final, status="ended", ended_at=timezone.now())
        _grow(ended, items=3, sessions=4)
        _grow(make_plan(final), items=2, sessions=0)

    for url in (client_page, assessment_page):
        with django_assert_max_num_queries(few[url]):
            response = signed_in.get(url)
    assert response.text.count('data-testid="plan-row"') == 11


def test_the_client_page_without_a_plan_says_so(signed_in, client_record):
    page = signed_in.get(client_record.get_absolute_url()).text

    assert "No current plan." in page


# Who may do what


PLAN_URLS = [
    ("plans:detail", "GET"),
    ("plans:edit", "GET"),
    ("plans:edit", "POST"),
    ("plans:history", "GET"),
    ("plans:publish", "POST"),
    ("plans:end", "POST"),
    ("plans:discard", "POST"),
]
ASSESSMENT_URLS = [("plans:build", "POST"), ("plans:carry_forward", "POST")]


@pytest.fixture
def plans(final):
    return {
        "draft": make_plan(final, "Chin nod"),
        "current": make_plan(
            factories.AssessmentFactory(client=final.client, final=True), "Wall slide", published=True
        ),
    }


def _path(name: str, plans: dict, final) -> str:
    if name in ("plans:build", "plans:carry_forward"):
        return reverse(name, kwargs={"assessment_pk": final.pk})
    plan = plans["current"] if name == "plans:end" else plans["draft"]
    return reverse(name, kwargs={"pk": plan.pk})


def _state() -> list:
    return [
        list(Plan.objects.order_by("pk").values()),
        list(PlanItem.objects.order_by("pk").values()),
        list(AuditEvent.objects.values()),
    ]


@pytest.mark.parametrize(("name", "method"), PLAN_URLS + ASSESSMENT_URLS)
def test_another_trainer_gets_404_and_changes_nothing(client, other_trainer, plans, final, name, method):
    client.force_login(other_trainer)
    path = _path(name, plans, final)
    before = _state()

    for verb in {method, "GET", "POST"}:
        response = getattr(client, verb.lower())(path, {"version": "1", "notes": "hijack"})
        assert response.status_code == 404, (verb, path)
    assert _state() == before


@pytest.mark.parametrize(("name", "method"), PLAN_URLS + ASSESSMENT_URLS)
def test_a_client_gets_403_and_the_anonymous_the_login_page(client, client_user, plans, final, name, method):
    path = _path(name, plans, final)
    before = _state()

    response = getattr(client, method.lower())(path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"

    client.force_login(client_user)
    assert getattr(client, method.lower())(path).status_code == 403
    assert _state() == before


@pytest.mark.parametrize("name", ["plans:publish", "plans:end", "plans:discard", "plans:build"])
def test_actions_answer_405_to_a_get_by_the_owner(signed_in, plans, final, name):
    before = _state()

    assert signed_in.get(_path(name, plans, final)).status_code == 405
    assert _state() == before


# Query counts


def _grow(plan: Plan, items: int, sessions: int) -> None:
    today = timezone.localdate()
    for position in range(items):
        factories.PlanItemFactory(plan=plan, position=position + 10)
    for days_ago in range(sessions):
        factories.PlanSessionFactory(plan=plan, done_on=today - timedelta(days=days_ago))


# Session, user and role, the plan (with its client, assessment and replacing plan), its items with
# their exercises, its sessions, the audit row, the studio (page header) and the session saved
# again (eight: its row, then its copy in the cache).
DETAIL_QUERIES = 16
# As the detail page, but the active exercises to add instead of the sessions, and the session not
# saved: it is renewed at most once a minute (security.sessions), and the detail page just did.
EDIT_QUERIES = 8
# Session, user and role, the plan, its history and its items' history, the audit row, the studio.
HISTORY_QUERIES = 8


@pytest.mark.parametrize(("items", "sessions"), [(1, 1), (15, 30)])
def test_the_plan_pages_keep_a_constant_query_count(
    signed_in, final, items, sessions, django_assert_max_num_queries
):
    plan = make_plan(final, published=True, start_date=timezone.localdate() - timedelta(days=40))
    _grow(plan, items, sessions)
    factories.ExerciseFactory.create_batch(items)  # to add

    with django_assert_max_num_queries(DETAIL_QUERIES):
        detail = signed_in.get(plan.get_absolute_url())
    assert detail.text.count('data-testid="plan-item"') == items
    with django_assert_max_num_queries(EDIT_QUERIES):
        edit = signed_in.get(reverse("plans:edit", kwargs={"pk": plan.pk}))
    assert edit.text.count('data-testid="item-row"') == items
    with django_assert_max_num_queries(HISTORY_QUERIES):
        history = signed_in.get(reverse("plans:history", kwargs={"pk": plan.pk}))
    assert history.status_code == 200
