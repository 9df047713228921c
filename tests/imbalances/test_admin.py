"""Editing the catalogue in the Django admin."""

import io
import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from imbalances.models import Exercise, Measure, Muscle, Observation, Pattern, Region, Source
from imbalances.services import catalogue_version
from tests.factories import (
    ExerciseFactory,
    MeasureFactory,
    MeasureValueFactory,
    MuscleFactory,
    MuscleFindingFactory,
    PatternFindingFactory,
    PatternMuscleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

INLINE = "pattern_muscles"


def _pattern_post(region: Region, rows: list[dict], **fields) -> dict:
    data = {
        "region": region.pk,
        "name": "Rounded shoulders",
        "slug": "rounded-shoulders",
        "description": "Shoulders roll forward.",
        "observation": Observation.objects.get(slug="standing-side").pk,
        "laterality": "none",
        "is_active": "on",
        "display_order": "5",
        f"{INLINE}-TOTAL_FORMS": str(len(rows)),
        f"{INLINE}-INITIAL_FORMS": "0",
        f"{INLINE}-MIN_NUM_FORMS": "0",
        f"{INLINE}-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, row in enumerate(rows):
        for key, value in {"note": "", "source": "", "side": "", **row}.items():
            data[f"{INLINE}-{index}-{key}"] = value
    return data


@pytest.mark.parametrize("model", ["region", "pattern", "muscle", "measure", "exercise"])
def test_changelists_and_add_pages_work(admin_client, model):
    assert admin_client.get(reverse(f"admin:imbalances_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:imbalances_{model}_add")).status_code == 200


@pytest.mark.parametrize("who", ["trainer", "client"])
def test_non_staff_cannot_reach_the_catalogue_admin(client, persona, who):
    client.force_login(persona[who])
    response = client.get(reverse("admin:imbalances_pattern_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_muscle_search_covers_aliases(admin_client):
    response = admin_client.get(reverse("admin:imbalances_muscle_changelist"), {"q": "TFL"})
    assert [m.slug for m in response.context["cl"].result_list] == ["tensor-fasciae-latae"]


def test_pattern_search_covers_its_muscles_aliases(admin_client):
    response = admin_client.get(reverse("admin:imbalances_pattern_changelist"), {"q": "SCM"})
    assert {p.slug for p in response.context["cl"].result_list} == {"forward-chin", "head-tilt-turn"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [({"laterality__exact": "one"}, {"head-tilt-turn"}), ({"is_active__exact": "0"}, set())],
)
def test_pattern_changelist_filters(admin_client, params, expected):
    response = admin_client.get(reverse("admin:imbalances_pattern_changelist"), params)
    assert {p.slug for p in response.context["cl"].result_list} == expected


def test_admin_adds_a_pattern_with_two_muscles_inline(admin_client):
    region = Region.objects.get(slug="neck")
    scm, traps = Muscle.objects.get(slug="sternocleidomastoid"), Muscle.objects.get(slug="upper-trapezius")
    janda = Source.objects.get(slug="page-frank-lardner-2010")
    data = _pattern_post(
        region,
        [
            {"muscle": scm.pk, "role": "over-active", "source": janda.pk},
            {"muscle": traps.pk, "role": "under-active", "note": "often"},
        ],
    )
    response = admin_client.post(reverse("admin:imbalances_pattern_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    pattern = Pattern.objects.get(slug="rounded-shoulders")
    rows = pattern.pattern_muscles.values_list("muscle__slug", "role", "side", "note", "source__slug")
    assert set(rows) == {
        ("sternocleidomastoid", "over-active", "", "", "page-frank-lardner-2010"),
        ("upper-trapezius", "under-active", "", "often", None),
    }
    assert LogEntry.objects.filter(object_id=str(pattern.pk)).exists()


@pytest.mark.parametrize(("lateral", "side"), [(True, ""), (False, "same")])
def test_admin_refuses_a_side_that_breaks_the_lateral_rule(admin_client, lateral, side):
    data = _pattern_post(
        Region.objects.get(slug="neck"),
        [{"muscle": Muscle.objects.get(slug="scalenes").pk, "role": "over-active", "side": side}],
        **({"laterality": "one"} if lateral else {}),
    )
    response = admin_client.post(reverse("admin:imbalances_pattern_add"), data)
    assert response.status_code == 200
    assert "side" in response.context["inline_admin_formsets"][0].formset.errors[0]
    assert not Pattern.objects.filter(slug="rounded-shoulders").exists()


def test_making_a_pattern_lateral_requires_sides_on_its_existing_muscles(admin_client):
    row = PatternMuscleFactory()
    pattern = row.pattern
    data = _pattern_post(
        pattern.region,
        [{"id": row.pk, "pattern": pattern.pk, "muscle": row.muscle.pk, "role": "over-active"}],
        name=pattern.name,
        slug=pattern.slug,
        laterality="one-or-both",
        **{f"{INLINE}-INITIAL_FORMS": "1"},
    )
    response = admin_client.post(reverse("admin:imbalances_pattern_change", args=[pattern.pk]), data)
    assert response.status_code == 200
    assert "side" in response.context["inline_admin_formsets"][0].formset.errors[0]
    pattern.refresh_from_db()
    assert pattern.is_lateral is False


def test_muscle_page_shows_every_pattern_it_appears_in(admin_client):
    scm = Muscle.objects.get(slug="sternocleidomastoid")
    html = admin_client.get(reverse("admin:imbalances_muscle_change", args=[scm.pk])).content.decode()
    assert "Forward chin" in html and "Head tilt/turn" in html
    assert "opposite side" in html


def test_muscle_autocomplete_finds_by_alias(admin_client):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "imbalances", "model_name": "patternmuscle", "field_name": "muscle", "term": "lats"},
    )
    assert [item["text"] for item in response.json()["results"]] == ["Latissimus dorsi"]


@pytest.mark.parametrize("model", ["pattern", "muscle", "measure", "exercise"])
def test_retire_action_retires_and_logs(admin_client, admin_user, model):
    MeasureFactory()
    ExerciseFactory()
    models = {"pattern": Pattern, "muscle": Muscle, "measure": Measure, "exercise": Exercise}
    obj = models[model].objects.order_by("pk").first()
    response = admin_client.post(
        reverse(f"admin:imbalances_{model}_changelist"),
        {"action": "retire", "_selected_action": [obj.pk]},
    )
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.is_active is False
    assert LogEntry.objects.filter(object_id=str(obj.pk), action_flag=CHANGE, user=admin_user).exists()
    admin_client.post(
        reverse(f"admin:imbalances_{model}_changelist"),
        {"action": "reactivate", "_selected_action": [obj.pk]},
    )
    obj.refresh_from_db()
    assert obj.is_active is True


def test_deleting_a_muscle_used_by_a_finding_is_refused_with_advice_to_retire(admin_client):
    finding = MuscleFindingFactory()
    url = reverse("admin:imbalances_muscle_delete", args=[finding.muscle.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Retire it instead" in page.content.decode()
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert "Retire it instead" in response.content.decode()
    assert Muscle.objects.filter(pk=finding.muscle.pk).exists()


def test_deleting_a_pattern_used_by_a_finding_is_refused_with_advice_to_retire(admin_client):
    finding = PatternFindingFactory()
    response = admin_client.post(
        reverse("admin:imbalances_pattern_delete", args=[finding.pattern.pk]), {"post": "yes"}
    )
    assert "Retire it instead" in response.content.decode()
    assert Pattern.objects.filter(pk=finding.pattern.pk).exists()


def test_bulk_delete_of_muscles_in_use_is_refused_with_advice_to_retire(admin_client):
    finding = MuscleFindingFactory()
    response = admin_client.post(
        reverse("admin:imbalances_muscle_changelist"),
        {"action": "delete_selected", "_selected_action": [finding.muscle.pk], "post": "yes"},
    )
    assert "Retire it instead" in response.content.decode()
    assert Muscle.objects.filter(pk=finding.muscle.pk).exists()


def test_an_unused_muscle_can_be_deleted(admin_client):
    muscle = MuscleFactory()
    page = admin_client.get(reverse("admin:imbalances_muscle_delete", args=[muscle.pk]))
    assert "Retire it instead" not in page.content.decode()
    admin_client.post(reverse("admin:imbalances_muscle_delete", args=[muscle.pk]), {"post": "yes"})
    assert not Muscle.objects.filter(pk=muscle.pk).exists()


def test_the_add_page_offers_six_blank_muscle_rows_each_able_to_add_a_muscle(admin_client):
    response = admin_client.get(reverse("admin:imbalances_pattern_add"))
    formset = response.context["inline_admin_formsets"][0].formset
    assert (formset.total_form_count(), formset.initial_form_count()) == (6, 0)
    html = response.content.decode()
    assert f'name="{INLINE}-TOTAL_FORMS" value="6"' in html
    add_muscle = reverse("admin:imbalances_muscle_add")
    for index in range(6):
        assert f'name="{INLINE}-{index}-muscle"' in html
        # The "+" beside each muscle opens the muscle's add form in a popup.
        assert f'id="add_id_{INLINE}-{index}-muscle"' in html
    assert f'href="{add_muscle}?_to_field=id&amp;_popup=1' in html
    assert f'name="{INLINE}-6-muscle"' not in html


def test_the_add_another_muscle_popup_creates_the_muscle_and_hands_it_back(admin_client):
    response = admin_client.post(
        reverse("admin:imbalances_muscle_add") + "?_to_field=id&_popup=1",
        {
            "name": "Serratus anterior",
            "lay_name": "muscle along the side of the ribs",
            "slug": "serratus-anterior-test",
            "aliases": "",
            "description": "",
            "is_paired": "on",
            "is_active": "on",
            "_popup": "1",
            "_to_field": "id",
            "pattern_muscles-TOTAL_FORMS": "0",
            "pattern_muscles-INITIAL_FORMS": "0",
        },
    )
    muscle = Muscle.objects.get(slug="serratus-anterior-test")
    assert response.status_code == 200
    # The admin's popup page, which puts the new muscle into the pattern's row.
    assert response.templates[0].name == "admin/popup_response.html"
    assert json.loads(response.context["popup_response_data"]) == {
        "value": str(muscle.pk),
        "obj": "Serratus anterior",
    }


def test_staff_without_the_add_muscle_right_get_no_add_another_link(client):
    user = UserFactory(username="editor", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="imbalances",
            codename__in=["add_pattern", "view_pattern", "add_patternmuscle", "view_muscle", "view_source"],
        )
    )
    client.force_login(user)
    html = client.get(reverse("admin:imbalances_pattern_add")).content.decode()
    assert f'name="{INLINE}-0-muscle"' in html
    assert f'id="add_id_{INLINE}-0-muscle"' not in html


def test_the_change_page_links_to_the_patterns_public_page(admin_client):
    pattern = Pattern.objects.get(slug="forward-chin")
    html = admin_client.get(reverse("admin:imbalances_pattern_change", args=[pattern.pk])).content.decode()
    link = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(Pattern).pk, pattern.pk])
    assert f'<a href="{link}" class="viewsitelink">View on site</a>' in html
    response = admin_client.get(link)
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/catalogue/patterns/forward-chin/"


def test_a_pattern_with_two_muscles_saves_in_one_go_from_the_six_row_page(admin_client):
    """As the browser posts the add page: six rows, two filled in, four left blank."""
    region = Region.objects.get(slug="neck")
    scm, scalenes = Muscle.objects.get(slug="sternocleidomastoid"), Muscle.objects.get(slug="scalenes")
    blank = {"muscle": "", "role": ""}
    data = _pattern_post(
        region,
        [{"muscle": scm.pk, "role": "over-active"}, blank, {"muscle": scalenes.pk, "role": "under-active"}]
        + [blank] * 3,
    )
    assert data[f"{INLINE}-TOTAL_FORMS"] == "6"
    response = admin_client.post(reverse("admin:imbalances_pattern_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    pattern = Pattern.objects.get(slug="rounded-shoulders")
    assert set(pattern.pattern_muscles.values_list("muscle__slug", "role")) == {
        ("sternocleidomastoid", "over-active"),
        ("scalenes", "under-active"),
    }


def _measure_post(**fields) -> dict:
    return {
        "name": "Craniovertebral angle",
        "slug": "craniovertebral-angle",
        "unit": "°",
        "better": "higher",
        "min_value": "0",
        "max_value": "90",
        "description": "From a side photo.",
        "is_active": "on",
        "display_order": "10",
        **fields,
    }


def test_admin_adds_a_measure_with_its_sources(admin_client, django_capture_on_commit_callbacks):
    sources = Source.objects.order_by("slug")[:2]
    version = catalogue_version()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:imbalances_measure_add"),
            _measure_post(per_side="on", sources=[source.pk for source in sources]),
        )
    assert response.status_code == 302, response.context["errors"] if response.context else response
    measure = Measure.objects.get(slug="craniovertebral-angle")
    assert (measure.better, measure.min_value, measure.max_value, measure.per_side) == ("higher", 0, 90, True)
    assert set(measure.sources.all()) == set(sources)
    assert LogEntry.objects.filter(object_id=str(measure.pk)).exists()
    # The next assessment form reads the catalogue anew.
    assert catalogue_version() != version


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"max_value": ""}, "A measured value needs the lowest and highest value it can take."),
        (
            {"min_value": "", "max_value": ""},
            "A measured value needs the lowest and highest value it can take.",
        ),
        ({"min_value": "90"}, "The highest value must be above the lowest."),
        (
            {"better": "pass", "unit": ""},
            "A pass-or-fail test has no range: leave the lowest and highest value",
        ),
    ],
)
def test_admin_refuses_a_measure_whose_range_does_not_fit_it(admin_client, fields, message):
    response = admin_client.post(reverse("admin:imbalances_measure_add"), _measure_post(**fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Measure.objects.exists()


def test_admin_adds_a_pass_or_fail_test_without_a_range(admin_client):
    response = admin_client.post(
        reverse("admin:imbalances_measure_add"),
        _measure_post(
            name="Thomas test", slug="thomas-test", unit="", better="pass", min_value="", max_value=""
        ),
    )
    assert response.status_code == 302
    assert Measure.objects.get(slug="thomas-test").is_test


def test_measure_changelist_searches_and_filters_by_active(admin_client):
    MeasureFactory(name="Knee-to-wall distance", slug="knee-to-wall")
    MeasureFactory(name="Old reach", slug="old-reach", is_active=False)
    url = reverse("admin:imbalances_measure_changelist")
    assert [m.slug for m in admin_client.get(url, {"q": "knee"}).context["cl"].result_list] == [
        "knee-to-wall"
    ]
    retired = admin_client.get(url, {"is_active__exact": "0"}).context["cl"].result_list
    assert [m.slug for m in retired] == ["old-reach"]


def test_deleting_a_measure_taken_at_a_session_is_refused_with_advice_to_retire(admin_client):
    value = MeasureValueFactory()
    response = admin_client.post(
        reverse("admin:imbalances_measure_delete", args=[value.measure.pk]), {"post": "yes"}
    )
    assert "Retire it instead" in response.content.decode()
    assert Measure.objects.filter(pk=value.measure.pk).exists()


def test_a_measures_view_on_site_link_goes_to_its_place_on_the_measures_page(admin_client):
    measure = MeasureFactory(slug="knee-to-wall")
    link = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(Measure).pk, measure.pk])
    response = admin_client.get(link)
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/catalogue/measures/#measure-knee-to-wall"


def png(name: str = "nod.png", padding: int = 0) -> SimpleUploadedFile:
    """A real 4x4 PNG; `padding` bytes after its end make the file larger without making it invalid."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue() + bytes(padding), content_type="image/png")


def _exercise_post(**fields) -> dict:
    muscles = Muscle.objects.filter(slug__in=["deep-neck-flexors", "sternocleidomastoid"])
    return {
        "name": "Lying chin nod",
        "slug": "lying-chin-nod",
        "phase": "activate",
        "muscles": [muscle.pk for muscle in muscles],
        "instructions": "Lie on your back. Nod gently, hold, then relax.",
        "cues": "Keep the jaw soft\r\nA small nod",
        "equipment": "Folded towel",
        "contraindications": "Stop if you feel dizzy.",
        "sets": "1",
        "reps": "10",
        "hold_seconds": "10",
        "tempo": "",
        "per_week": "5",
        "video_url": "https://video.example.com/nod",
        "is_active": "on",
        "display_order": "3",
        **fields,
    }


def test_admin_adds_an_exercise_with_its_picture_on_one_screen(
    admin_client, django_capture_on_commit_callbacks
):
    source = Source.objects.get(slug="page-frank-lardner-2010")
    version = catalogue_version()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:imbalances_exercise_add"), _exercise_post(image=png(), sources=[source.pk])
        )
    assert response.status_code == 302, response.context["errors"] if response.context else response
    exercise = Exercise.objects.get(slug="lying-chin-nod")
    assert exercise.dosage == "1 set of 10, holding each for 10 seconds, 5 times a week"
    assert exercise.cue_list == ["Keep the jaw soft", "A small nod"]
    assert set(exercise.muscles.values_list("slug", flat=True)) == {
        "deep-neck-flexors",
        "sternocleidomastoid",
    }
    assert list(exercise.sources.all()) == [source]
    # Stored through the storage API, under exercises/.
    assert exercise.image.name.startswith("exercises/nod")
    assert exercise.image.storage.exists(exercise.image.name)
    assert LogEntry.objects.filter(object_id=str(exercise.pk)).exists()
    assert catalogue_version() != version


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"image": png(padding=5 * 1024 * 1024)},
            "This image is too large (5.0\xa0MB): an exercise image may be at most 5 MB. Save it smaller",
        ),
        (
            {"image": SimpleUploadedFile("nod.png", b"a text file", content_type="image/png")},
            "Upload a valid image.",
        ),
        ({"image": png("nod.tiff")}, "File extension “tiff” is not allowed."),
        ({"muscles": []}, "This field is required."),
        ({"phase": "stretch"}, "Select a valid choice. stretch is not one of the available choices."),
        ({"sets": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"per_week": "15"}, "Ensure this value is less than or equal to 14."),
        ({"video_url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"instructions": ""}, "This field is required."),
    ],
)
def test_admin_refuses_an_exercise_with_a_clear_message(admin_client, fields, message):
    response = admin_client.post(reverse("admin:imbalances_exercise_add"), _exercise_post(**fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Exercise.objects.exists()


def test_only_a_whole_movement_exercise_may_address_patterns(admin_client):
    pattern = Pattern.objects.get(slug="forward-chin")
    response = admin_client.post(
        reverse("admin:imbalances_exercise_add"), _exercise_post(patterns=[pattern.pk])
    )
    assert "Only a whole-movement (integrate) exercise addresses patterns" in response.content.decode()
    assert not Exercise.objects.exists()

    response = admin_client.post(
        reverse("admin:imbalances_exercise_add"), _exercise_post(phase="integrate", patterns=[pattern.pk])
    )
    assert response.status_code == 302
    assert list(Exercise.objects.get().patterns.all()) == [pattern]


def test_exercise_changelist_filters_by_phase_and_active_and_searches_muscles(admin_client):
    scalenes = Muscle.objects.get(slug="scalenes")
    ExerciseFactory(slug="neck-stretch", phase="lengthen", muscles=[scalenes])
    ExerciseFactory(slug="old-roll", phase="inhibit", is_active=False)
    ExerciseFactory(slug="bridge", phase="activate")
    url = reverse("admin:imbalances_exercise_changelist")

    def listed(params: dict) -> list[str]:
        return sorted(e.slug for e in admin_client.get(url, params).context["cl"].result_list)

    assert listed({"phase__exact": "lengthen"}) == ["neck-stretch"]
    assert listed({"is_active__exact": "0"}) == ["old-roll"]
    assert listed({"q": "scalen"}) == ["neck-stretch"]
    # The dosage in words in the list.
    assert "2 sets of 12, 3 times a week" in admin_client.get(url).content.decode()


def test_the_exercise_form_finds_muscles_patterns_and_sources_by_autocomplete(admin_client):
    html = admin_client.get(reverse("admin:imbalances_exercise_add")).content.decode()
    for field in ("muscles", "patterns", "sources"):
        assert f'name="{field}"' in html and 'data-ajax--url="/admin/autocomplete/"' in html
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "imbalances", "model_name": "exercise", "field_name": "muscles", "term": "SCM"},
    )
    assert [item["text"] for item in response.json()["results"]] == ["Sternocleidomastoid"]


def test_an_exercises_view_on_site_link_goes_to_its_public_page(admin_client):
    exercise = ExerciseFactory(slug="lying-chin-nod")
    link = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(Exercise).pk, exercise.pk])
    response = admin_client.get(link)
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/catalogue/exercises/lying-chin-nod/"


def test_the_change_page_links_the_current_picture_to_where_it_is_served(admin_client):
    exercise = ExerciseFactory(slug="lying-chin-nod")
    exercise.image.save("nod.png", png())
    html = admin_client.get(reverse("admin:imbalances_exercise_change", args=[exercise.pk])).content.decode()
    # Not the storage's own URL under MEDIA_URL: that is never served.
    assert f'<a href="/catalogue/exercises/lying-chin-nod/image/">{exercise.image.name}</a>' in html
    assert "/media/" not in html
