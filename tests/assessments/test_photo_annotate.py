import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from assessments.models import Assessment, MeasureValue, Photo
from security.models import AuditEvent
from tests import factories
from tests.conftest import login_as

pytestmark = pytest.mark.django_db

# On a photo 1000 by 2000 pixels: the ear 60 px in front of the base of the neck and 100 px above
# it, a craniovertebral angle of 59.0°; the ear 60 px in front of the ankle's plumb line, 1600 px up.
SIDE_POINTS = {"ear": ("56", "10"), "neck": ("50", "15"), "ankle": ("50", "90")}


def make_photo(assessment: Assessment, *, view: str = "right", size=(1000, 2000), landmarks=None) -> Photo:
    out = io.BytesIO()
    Image.new("RGB", (10, 20), "grey").save(out, "JPEG")
    photo = Photo(
        assessment=assessment,
        view=view,
        width=size[0],
        height=size[1],
        byte_size=len(out.getvalue()),
        landmarks=landmarks or {},
    )
    photo.image.save("p.jpg", ContentFile(out.getvalue()), save=False)
    photo.thumbnail.save("t.jpg", ContentFile(out.getvalue()), save=False)
    photo.save()
    return photo


def post_data(points: dict[str, tuple[str, str]], **extra: str) -> dict[str, str]:
    data = {}
    for name, (x, y) in points.items():
        data[f"landmark-{name}-x"], data[f"landmark-{name}-y"] = x, y
    return {**data, **extra}


def _url(photo: Photo) -> str:
    return reverse("assessments:photo_annotate", kwargs={"pk": photo.pk})


@pytest.fixture
def draft(client_record):
    return factories.AssessmentFactory(client=client_record)


@pytest.fixture
def photo(draft) -> Photo:
    return make_photo(draft)


@pytest.fixture
def angle_measure(db):
    return factories.MeasureFactory(
        slug="craniovertebral-angle", name="Craniovertebral angle", min_value=0, max_value=90
    )


def test_the_trainer_places_landmarks_kept_as_data_beside_the_photo(client, trainer, photo):
    login_as(client, trainer)
    image_before = default_storage.open(photo.image.name).read()
    version = photo.assessment.version

    response = client.post(_url(photo), post_data(SIDE_POINTS), follow=True)

    photo.refresh_from_db()
    assert photo.landmarks == {"ear": [0.56, 0.1], "neck": [0.5, 0.15], "ankle": [0.5, 0.9]}
    assert [str(m) for m in response.context["messages"]] == ["Landmarks saved."]
    assert default_storage.open(photo.image.name).read() == image_before
    # Landmarks alone leave the assessment's version: an open assessment form is not refused.
    assert Assessment.objects.get(pk=photo.assessment_id).version == version
    last = photo.history.first()
    assert (last.history_user, last.history_change_reason, last.landmarks["ear"]) == (
        trainer,
        "Landmarks placed",
        [0.56, 0.1],
    )
    assert AuditEvent.objects.filter(url_name="assessments:photo_annotate", action="change").count() == 1


def test_the_page_draws_the_landmarks_and_lists_what_they_measure(client, trainer, draft):
    photo = make_photo(draft, landmarks={"ear": [0.56, 0.1], "neck": [0.5, 0.15], "ankle": [0.5, 0.9]})
    login_as(client, trainer)

    response = client.get(_url(photo))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'viewBox="0 0 1000 2000"' in html
    assert reverse("assessments:photo_image", kwargs={"pk": photo.pk}) in html
    # The plumb line through the ankle, top to bottom; three landmarks.
    assert 'x1="500.0" y1="0.0" x2="500.0" y2="2000.0"/>' in html and 'class="landmark-guide"' in html
    assert html.count('class="landmark-dot"') == 3
    assert '<dd class="col-5 mb-1" data-reading="craniovertebral-angle">59.0°: the smaller' in html
    assert "3.8% of the height in front" in html
    assert 'name="landmark-ear-x"' in html and 'value="56.00"' in html
    assert "js/photo_landmarks.js" in html
    assert AuditEvent.objects.filter(url_name="assessments:photo_annotate", action="view").count() == 1


def test_bad_coordinates_are_refused_next_to_their_field_and_kept(client, trainer, draft):
    photo = make_photo(draft, landmarks={"ear": [0.5, 0.1]})
    login_as(client, trainer)

    response = client.post(
        _url(photo), post_data({"ear": ("120", "10"), "neck": ("50", ""), "ankle": ("abc", "90")})
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["landmark-ear-x"] == ["Enter a value from 0 to 100 (percent of the photo)."]
    assert errors["landmark-neck-y"] == ["Enter both x and y, or leave both empty."]
    assert errors["landmark-ankle-x"] == ["Enter a number, like 42.5."]
    html = response.content.decode()
    assert 'id="id_landmark-ear-x_error"' in html and 'aria-invalid="true"' in html
    assert 'name="landmark-ear-x" value="120"' in html
    assert 'name="landmark-ankle-x" value="abc"' in html
    assert "Nothing was saved" in html
    photo.refresh_from_db()
    assert photo.landmarks == {"ear": [0.5, 0.1]}


def test_a_landmark_of_another_view_is_not_taken(client, trainer, photo):
    login_as(client, trainer)

    client.post(_url(photo), post_data({**SIDE_POINTS, "left-knee": ("40", "70")}))

    photo.refresh_from_db()
    assert set(photo.landmarks) == {"ear", "neck", "ankle"}


def test_a_computed_angle_is_saved_as_the_sessions_measure(client, trainer, photo, angle_measure):
    other = factories.MeasureValueFactory(assessment=photo.assessment, value=Decimal("12.0"))
    login_as(client, trainer)
    version = photo.assessment.version

    response = client.post(
        _url(photo),
        post_data(SIDE_POINTS, **{"save-craniovertebral-angle": "on", "version": str(version)}),
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == ["Landmarks and the measure saved."]
    saved = MeasureValue.objects.get(assessment=photo.assessment, measure=angle_measure)
    assert (saved.value, saved.side) == (Decimal("59.0"), "")
    assert saved.history.get().history_user == trainer
    # The session's other measures stay as they were; its version moves on.
    assert MeasureValue.objects.get(pk=other.pk).value == Decimal("12.0")
    assessment = Assessment.objects.get(pk=photo.assessment_id)
    assert assessment.version == version + 1
    assert assessment.history.first().history_change_reason == "Measures taken from a photo"

    # Saved again from moved landmarks, the value is replaced, not doubled.
    client.post(
        _url(photo),
        post_data(
            {**SIDE_POINTS, "ear": ("60", "10")},
            **{"save-craniovertebral-angle": "on", "version": str(version + 1)},
        ),
    )
    assert list(MeasureValue.objects.filter(measure=angle_measure).values_list("value", flat=True)) == [
        Decimal("45.0")
    ]


def test_a_value_without_a_measure_offers_no_tick(client, trainer, photo):
    login_as(client, trainer)

    html = client.get(_url(photo)).content.decode()

    # No craniovertebral angle in this catalogue: the value is shown but cannot be saved.
    assert "save-craniovertebral-angle" not in html


def test_a_stale_version_saves_nothing_and_keeps_what_was_placed(client, trainer, photo, angle_measure):
    login_as(client, trainer)
    stale = photo.assessment.version
    Assessment.objects.filter(pk=photo.assessment_id).update(version=stale + 3)

    response = client.post(
        _url(photo), post_data(SIDE_POINTS, **{"save-craniovertebral-angle": "on", "version": str(stale)})
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "someone saved this assessment" in html
    assert 'name="landmark-ear-x" value="56"' in html
    assert f'name="version" value="{stale + 3}"' in html
    photo.refresh_from_db()
    assert photo.landmarks == {}
    assert not MeasureValue.objects.filter(measure=angle_measure).exists()


def test_an_angle_outside_the_measure_is_refused(client, trainer, photo, angle_measure):
    login_as(client, trainer)

    # The ear below the base of the neck: a negative angle.
    response = client.post(
        _url(photo),
        post_data({"ear": ("56", "20"), "neck": ("50", "15")}, **{"save-craniovertebral-angle": "on"}),
    )

    assert response.status_code == 400
    assert response.context["form"].errors["save-craniovertebral-angle"] == [
        "-59.0° is outside what the measure takes (0° to 90°): check the landmarks."
    ]
    photo.refresh_from_db()
    assert photo.landmarks == {}


def test_a_final_assessment_shows_its_landmarks_read_only(client, trainer, client_record):
    final = factories.AssessmentFactory(client=client_record, final=True)
    photo = make_photo(final, landmarks={"ear": [0.5, 0.1]})
    login_as(client, trainer)

    page = client.get(_url(photo))
    refused = client.post(_url(photo), post_data(SIDE_POINTS))

    html = page.content.decode()
    assert "This session is final" in html
    assert 'name="landmark-ear-x"' not in html
    assert "<td>50.00</td><td>10.00</td>" in html
    assert refused.status_code == 409
    assert "This assessment is final: reopen it to move the landmarks." in refused.content.decode()
    photo.refresh_from_db()
    assert photo.landmarks == {"ear": [0.5, 0.1]}


def test_another_trainer_gets_404_and_changes_nothing(client, other_trainer, photo):
    login_as(client, other_trainer)

    page = client.get(_url(photo))
    post = client.post(_url(photo), post_data(SIDE_POINTS))

    assert (page.status_code, post.status_code) == (404, 404)
    photo.refresh_from_db()
    assert photo.landmarks == {}


def _compare_url(client_record, **query: str) -> str:
    url = reverse("assessments:photo_compare", kwargs={"client_pk": client_record.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


FRONT = {
    "left-shoulder": [0.6, 0.2],
    "right-shoulder": [0.4, 0.2],
    "left-ankle": [0.55, 0.9],
    "right-ankle": [0.45, 0.9],
}


@pytest.fixture
def sessions(client_record):
    """Three sessions with a front photo each (the middle one with a side photo too), not in order."""
    made = {}
    for day, tilt in ((20, 0.21), (5, 0.23), (12, 0.2)):
        assessment = factories.AssessmentFactory(
            client=client_record, session_date=datetime.date(2026, 1, day), final=day != 20
        )
        made[day] = make_photo(
            assessment, view="front", size=(1000, 1000), landmarks={**FRONT, "left-shoulder": [0.6, tilt]}
        )
        if day == 12:
            make_photo(assessment, view="left")
    return made


def test_compare_shows_the_first_and_latest_session_of_the_view(client, trainer, client_record, sessions):
    login_as(client, trainer)

    response = client.get(_compare_url(client_record))

    assert response.status_code == 200
    first, latest = (panel["photo"] for panel in response.context["panels"])
    assert (first, latest) == (sessions[5], sessions[20])
    html = response.content.decode()
    for photo in (first, latest):
        assert reverse("assessments:photo_image", kwargs={"pk": photo.pk}) in html
    assert "Session of 5 Jan 2026" in html and "Session of 20 Jan 2026" in html
    # Lined up: from between the shoulders (215 px, then 205 px down) to between the ankles (900 px)
    # is 72% of each frame's height, the ankles in the middle of its width.
    assert 'viewBox="143.2 24.7 713.5 951.4"' in html
    assert 'viewBox="138.0 11.9 724.0 965.3"' in html
    assert "Not lined up" not in html
    # The left shoulder 30 px low on 200 px then, 10 px low now: 8.5° and 2.9°, 5.6° nearer level.
    assert "right side 8.5° higher" in html and "right side 2.9° higher" in html
    assert "5.6° closer to level (better)" in html
    assert (
        AuditEvent.objects.filter(url_name="assessments:photo_compare", client_id=client_record.pk).count()
        == 1
    )


def test_compare_takes_the_sessions_chosen(client, trainer, client_record, sessions):
    login_as(client, trainer)

    response = client.get(_compare_url(client_record, a=sessions[12].pk, b=sessions[5].pk))

    assert [panel["photo"] for panel in response.context["panels"]] == [sessions[12], sessions[5]]
    assert f'<option value="{sessions[12].pk}" selected>12 Jan 2026' in response.content.decode()


def test_compare_of_a_view_with_one_photo_and_without_landmarks(client, trainer, client_record, sessions):
    login_as(client, trainer)

    response = client.get(_compare_url(client_record, view="left"))

    html = response.content.decode()
    assert "Only one left side photo so far" in html
    assert "Not lined up" in html
    assert html.count('viewBox="0.0 0.0 1000.0 2000.0"') == 2


def test_compare_without_photos_of_the_view_says_so(client, trainer, client_record, sessions):
    login_as(client, trainer)

    response = client.get(_compare_url(client_record, view="back"))

    assert "Jane has no back photo yet." in response.content.decode()


def test_compare_shows_nothing_of_another_trainers_client(client, other_trainer, client_record, sessions):
    login_as(client, other_trainer)

    assert client.get(_compare_url(client_record)).status_code == 404


@pytest.mark.parametrize("count", [1, 6])
def test_compare_reads_a_fixed_number_of_queries(
    client, trainer, client_record, count, django_assert_max_num_queries
):
    for day in range(1, count + 1):
        assessment = factories.AssessmentFactory(
            client=client_record, session_date=datetime.date(2026, 2, day)
        )
        make_photo(assessment, view="front", landmarks=FRONT)
    login_as(client, trainer)

    # Five of them save the session's copy in the cache, as the first request after signing in does.
    with django_assert_max_num_queries(15):
        assert client.get(_compare_url(client_record)).status_code == 200


def test_the_photos_page_links_landmarks_and_compare(client, trainer, photo, client_record):
    login_as(client, trainer)

    html = client.get(reverse("assessments:photos", kwargs={"pk": photo.assessment_id})).content.decode()

    assert _url(photo) in html
    assert reverse("assessments:photo_compare", kwargs={"client_pk": client_record.pk}) in html


@pytest.mark.parametrize(
    ("persona_name", "status"),
    [("anonymous", 302), ("trainer", 200), ("other_trainer", 404), ("client", 403), ("other_client", 403)],
)
def test_who_may_open_each_page(client, persona, persona_name, status, photo, client_record):
    login_as(client, persona[persona_name])

    for url in (_url(photo), _compare_url(client_record)):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 302:
            assert response["Location"].startswith(reverse("login"))
