import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image, ImageCms

from assessments.models import Assessment, Photo
from assessments.photos import PHOTO_MAX_BYTES
from security.export import export_zip
from security.models import AuditEvent
from tests import factories
from tests.conftest import login_as
from tests.storage import stored_files

pytestmark = pytest.mark.django_db

GPS = ExifTags.IFD.GPSInfo
ORIENTATION = ExifTags.Base.Orientation
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>Zqx location</rdf:Description></x:xmpmeta>'


def jpeg(size=(60, 40), *, orientation: int | None = None, name: str = "front.jpg") -> SimpleUploadedFile:
    """A camera's JPEG: left half red, right half blue, with GPS, camera make, ICC profile,
    XMP and a comment, as a phone would send it."""
    image = Image.new("RGB", size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Zqxcam"
    if orientation:
        exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, icc_profile=icc, xmp=XMP, comment=b"Zqx comment", quality=95)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def png(size, *, mode="1", name="bomb.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def stored_bytes(name: str) -> bytes:
    with default_storage.open(name, "rb") as file:
        return file.read()


@pytest.fixture
def consenting(client_record, trainer):
    client_record.photo_consent_given_at = timezone.now()
    client_record.photo_consent_recorded_by = trainer
    client_record.save()
    return client_record


@pytest.fixture
def draft(consenting):
    return factories.AssessmentFactory(client=consenting)


def _page(assessment: Assessment) -> str:
    return reverse("assessments:photos", kwargs={"pk": assessment.pk})


def _upload(django_client, assessment: Assessment, **files):
    return django_client.post(_page(assessment), files)


def _add(django_client, assessment: Assessment, **files) -> list[Photo]:
    response = _upload(django_client, assessment, **files)
    assert response.status_code == 302, response.content.decode()[:2000]
    return list(assessment.photos.order_by("pk"))


def test_the_source_photo_really_carries_what_must_be_stripped():
    source = Image.open(jpeg())

    assert source.getexif().get_ifd(GPS)[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert source.getexif()[ExifTags.Base.Make] == "Zqxcam"
    assert {"exif", "icc_profile", "xmp", "comment"} <= source.info.keys()


def test_an_upload_is_stored_without_any_metadata(client, trainer, draft):
    login_as(client, trainer)

    (photo,) = _add(client, draft, front=jpeg())

    data = stored_bytes(photo.image.name)
    stored = Image.open(io.BytesIO(data))
    assert stored.format == "JPEG"
    assert len(stored.getexif()) == 0
    assert not stored.getexif().get_ifd(GPS)
    assert not {"exif", "icc_profile", "xmp", "comment"} & stored.info.keys()
    for needle in (b"Exif", b"Zqx", b"adobe:ns:meta", b"GPS"):
        assert needle not in data
    assert (photo.view, photo.width, photo.height, photo.byte_size) == ("front", 60, 40, len(data))
    assert photo.uploaded_by == trainer


def test_the_orientation_is_applied_before_the_metadata_goes(client, trainer, draft):
    login_as(client, trainer)

    # Orientation 6: the camera was turned a quarter to the right; upright, the left edge is the top.
    (photo,) = _add(client, draft, left=jpeg((60, 40), orientation=6))

    stored = Image.open(io.BytesIO(stored_bytes(photo.image.name))).convert("RGB")
    assert (photo.width, photo.height) == stored.size == (40, 60)
    red, _, blue = stored.getpixel((20, 5))
    assert red > 200 and blue < 60
    red, _, blue = stored.getpixel((20, 55))
    assert blue > 200 and red < 60


def test_a_large_photo_is_scaled_down_and_gets_a_thumbnail(client, trainer, draft):
    login_as(client, trainer)

    (photo,) = _add(client, draft, back=jpeg((3000, 2000)))

    assert (photo.width, photo.height) == (2000, 1333)
    thumbnail = Image.open(io.BytesIO(stored_bytes(photo.thumbnail.name)))
    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (400, 267)
    assert not {"exif", "icc_profile", "xmp", "comment"} & thumbnail.info.keys()


def test_the_file_names_are_unguessable_and_outside_public_urls(client, trainer, draft, settings):
    login_as(client, trainer)

    one, two = _add(client, draft, front=[jpeg(), jpeg()])

    names = {one.image.name, one.thumbnail.name, two.image.name, two.thumbnail.name}
    assert len(names) == 4
    assert all(name.startswith(f"photos/{draft.client_id}/") for name in names)
    assert all(len(name.split("/")[-1]) >= 22 for name in names)
    # Nothing serves MEDIA_URL: the file's own address answers 404 even to its trainer.
    assert client.get(f"/{settings.MEDIA_URL}{one.image.name}").status_code == 404


def test_several_photos_of_several_views_go_up_at_once(client, trainer, draft):
    login_as(client, trainer)

    response = client.post(
        _page(draft), {"front": [jpeg(), jpeg()], "left": jpeg(), "overhead-squat-side": jpeg()}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == ["4 photos added."]
    assert sorted(draft.photos.values_list("view", flat=True)) == [
        "front",
        "front",
        "left",
        "overhead-squat-side",
    ]
    assert Photo.history.filter(assessment_id=draft.pk, history_type="+").count() == 4


def _error_of(response, view: str) -> str:
    html = response.content.decode()
    start = html.index(f'id="id_{view}-errors"')
    return html[start : html.index("</div></div>", start)]


def test_a_text_file_named_jpg_is_refused_next_to_its_field(client, trainer, draft):
    login_as(client, trainer)
    before = stored_files()

    response = _upload(
        client, draft, front=jpeg(), back=SimpleUploadedFile("back.jpg", b"just some notes", "image/jpeg")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["back"] == [
        "“back.jpg” is not a photo we can read: choose a JPEG, PNG or WebP image."
    ]
    assert "“back.jpg” is not a photo we can read" in _error_of(response, "back")
    assert 'aria-describedby="id_back-errors"' in response.content.decode()
    # Nothing half-saved: the good front photo is not kept either.
    assert not draft.photos.exists()
    assert stored_files() == before


def test_a_decompression_bomb_is_refused_without_decoding_it(client, trainer, draft):
    login_as(client, trainer)
    bomb = png((20000, 20000))
    assert bomb.size < 1024 * 1024

    response = _upload(client, draft, front=bomb)

    assert response.status_code == 400
    (message,) = response.context["form"].errors["front"]
    assert message.startswith("“bomb.png” has too many pixels to be a photo")
    assert not draft.photos.exists()


def test_a_picture_over_the_pixel_limit_is_refused_with_its_size(client, trainer, draft):
    login_as(client, trainer)

    response = _upload(client, draft, front=png((8000, 7000), name="huge.png"))

    assert response.status_code == 400
    assert response.context["form"].errors["front"] == [
        "“huge.png” is 56 megapixels: a photo may have up to 50 megapixels. "
        "Take it again or choose a smaller copy."
    ]


def test_a_file_over_15_mb_is_refused_before_it_is_read(client, trainer, draft):
    login_as(client, trainer)
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + bytes(PHOTO_MAX_BYTES), "image/jpeg")

    response = _upload(client, draft, right=big)

    assert response.status_code == 400
    assert response.context["form"].errors["right"] == ["“big.jpg” is 15.0 MB: a photo may be up to 15 MB."]


def test_an_empty_post_and_too_many_photos_are_refused(client, trainer, draft):
    login_as(client, trainer)

    empty = _upload(client, draft)
    many = _upload(client, draft, front=[jpeg() for _ in range(13)])

    assert empty.context["form"].non_field_errors() == ["Choose or take at least one photo."]
    assert many.context["form"].non_field_errors() == [
        "13 photos at once is more than we take: add up to 12 at a time."
    ]
    assert (empty.status_code, many.status_code) == (400, 400)
    assert not draft.photos.exists()


def test_a_png_with_transparency_is_kept_on_white(client, trainer, draft):
    login_as(client, trainer)

    (photo,) = _add(client, draft, front=png((30, 30), mode="RGBA", name="cut-out.png"))

    stored = Image.open(io.BytesIO(stored_bytes(photo.image.name)))
    assert stored.mode == "RGB"
    assert min(stored.getpixel((15, 15))) > 240


def test_without_photo_consent_the_controls_say_why_and_nothing_is_taken(client, trainer, client_record):
    draft = factories.AssessmentFactory(client=client_record)
    login_as(client, trainer)

    page = client.get(_page(draft))
    detail = client.get(reverse("assessments:detail", kwargs={"pk": draft.pk}))
    refused = _upload(client, draft, front=jpeg())

    reason = "Jane has not consented to photos: record it on their client page first."
    for response in (page, detail, refused):
        assert reason in response.content.decode()
    assert "<fieldset disabled>" in page.content.decode()
    assert refused.status_code == 409
    assert not draft.photos.exists()
    assert stored_files() == set()


def test_a_final_assessment_takes_no_photo(client, trainer, consenting):
    final = factories.AssessmentFactory(client=consenting, final=True)
    login_as(client, trainer)

    response = _upload(client, final, front=jpeg())

    assert response.status_code == 409
    assert "This assessment is final: reopen it to add or remove photos." in response.content.decode()
    assert not final.photos.exists()


def _photo_urls(photo: Photo, *, portal: bool = False) -> list[str]:
    prefix = "assessments:portal_photo_" if portal else "assessments:photo_"
    return [reverse(f"{prefix}{kind}", kwargs={"pk": photo.pk}) for kind in ("image", "thumbnail")]


@pytest.fixture
def photo(client, trainer, draft) -> Photo:
    login_as(client, trainer)
    (added,) = _add(client, draft, front=jpeg())
    client.logout()
    return added


def test_the_trainer_sees_the_photo_and_each_view_is_audited(client, trainer, photo):
    login_as(client, trainer)
    audited = AuditEvent.objects.count()

    image, thumbnail = (client.get(url) for url in _photo_urls(photo))
    head = client.head(_photo_urls(photo)[0])

    assert (image.status_code, thumbnail.status_code, head.status_code) == (200, 200, 200)
    assert image["Content-Type"] == thumbnail["Content-Type"] == "image/jpeg"
    assert b"".join(image.streaming_content) == stored_bytes(photo.image.name)
    assert b"".join(thumbnail.streaming_content) == stored_bytes(photo.thumbnail.name)
    assert "no-store" in image["Cache-Control"] and "private" in image["Cache-Control"]
    events = list(AuditEvent.objects.order_by("pk")[audited:])
    assert [(e.url_name, e.action, e.client_id, e.user) for e in events] == [
        ("assessments:photo_image", "view", photo.assessment.client_id, trainer),
        ("assessments:photo_thumbnail", "view", photo.assessment.client_id, trainer),
    ]


@pytest.mark.parametrize("persona_name", ["other_trainer", "client", "other_client", "anonymous"])
def test_no_one_else_learns_that_the_trainers_photo_urls_exist(client, persona, persona_name, photo):
    """Whoever may not see the photo gets the 404 of a photo that does not exist: the role check's
    403 or a sign-in page would confirm the URL, and the missing photo must answer alike."""
    if persona_name != "anonymous":
        login_as(client, persona[persona_name])
    missing = Photo.objects.order_by("-pk").values_list("pk", flat=True).first() + 1

    statuses = [client.get(url).status_code for url in _photo_urls(photo)]
    heads = [client.head(url).status_code for url in _photo_urls(photo)]
    missing_statuses = [
        client.get(reverse(name, kwargs={"pk": missing})).status_code
        for name in ("assessments:photo_image", "assessments:photo_thumbnail")
    ]

    assert statuses == heads == missing_statuses == [404, 404]


def _finalise_and_share(assessment: Assessment, *, share: bool) -> None:
    Assessment.objects.filter(pk=assessment.pk).update(
        status="final", finalised_at=timezone.now(), share_photos=share
    )


@pytest.mark.parametrize(("final", "shared"), [(False, False), (False, True), (True, False)])
def test_the_client_sees_nothing_until_final_and_shared(client, client_user, photo, final, shared):
    if final:
        _finalise_and_share(photo.assessment, share=shared)
    else:
        Assessment.objects.filter(pk=photo.assessment_id).update(share_photos=shared)
    login_as(client, client_user)

    statuses = [client.get(url).status_code for url in _photo_urls(photo, portal=True)]
    page = client.get(reverse("assessments:portal_photos", kwargs={"pk": photo.assessment_id}))

    assert statuses == [404, 404]
    assert page.status_code == 404


def test_the_client_sees_a_final_session_s_shared_photos(client, client_user, photo):
    _finalise_and_share(photo.assessment, share=True)
    login_as(client, client_user)
    audited = AuditEvent.objects.count()

    page = client.get(reverse("assessments:portal_photos", kwargs={"pk": photo.assessment_id}))
    image, thumbnail = (client.get(url) for url in _photo_urls(photo, portal=True))

    assert page.status_code == 200
    assert reverse("assessments:portal_photo_thumbnail", kwargs={"pk": photo.pk}) in page.content.decode()
    assert b"".join(image.streaming_content) == stored_bytes(photo.image.name)
    assert thumbnail.status_code == 200
    assert AuditEvent.objects.count() == audited + 3
    assert set(AuditEvent.objects.order_by("pk")[audited:].values_list("user", flat=True)) == {client_user.pk}


@pytest.mark.parametrize("persona_name", ["other_client", "trainer", "other_trainer", "anonymous"])
def test_no_one_else_learns_that_the_clients_photo_urls_exist(client, persona, persona_name, photo):
    _finalise_and_share(photo.assessment, share=True)
    if persona_name != "anonymous":
        login_as(client, persona[persona_name])

    statuses = [client.get(url).status_code for url in _photo_urls(photo, portal=True)]

    assert statuses == [404, 404]


def test_sharing_is_the_trainers_choice_and_kept_in_the_history(client, trainer, draft):
    login_as(client, trainer)
    url = reverse("assessments:photos_share", kwargs={"pk": draft.pk})

    shared = client.post(url, {"share": "yes"}, follow=True)
    draft.refresh_from_db()
    assert draft.share_photos
    unshared = client.post(url, {"share": "no"}, follow=True)
    draft.refresh_from_db()

    assert not draft.share_photos
    assert [str(m) for m in shared.context["messages"]] == [
        "Jane will see the photos of this session once it is final."
    ]
    assert [str(m) for m in unshared.context["messages"]] == [
        "Jane no longer sees the photos of this session."
    ]
    reasons = list(draft.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons[-2:] == ["Photos shared", "Photos no longer shared"]


def test_another_trainer_can_neither_share_nor_delete(client, other_trainer, photo):
    login_as(client, other_trainer)

    share = client.post(
        reverse("assessments:photos_share", kwargs={"pk": photo.assessment_id}), {"share": "yes"}
    )
    delete = client.post(reverse("assessments:photo_delete", kwargs={"pk": photo.pk}))
    upload = _upload(client, photo.assessment, front=jpeg())

    assert (share.status_code, delete.status_code, upload.status_code) == (404, 404, 404)
    assert Photo.objects.filter(pk=photo.pk).exists()
    assert photo.assessment.photos.count() == 1
    assert not Assessment.objects.get(pk=photo.assessment_id).share_photos


def test_deleting_a_photo_removes_its_files(client, trainer, photo, django_capture_on_commit_callbacks):
    login_as(client, trainer)
    names = [photo.image.name, photo.thumbnail.name]
    assert all(default_storage.exists(name) for name in names)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessments:photo_delete", kwargs={"pk": photo.pk}), follow=True)

    assert [str(m) for m in response.context["messages"]] == ["The front photo was removed."]
    assert not Photo.objects.filter(pk=photo.pk).exists()
    assert not any(default_storage.exists(name) for name in names)
    assert Photo.history.filter(id=photo.pk, history_type="-", history_user=trainer).exists()
    assert AuditEvent.objects.filter(url_name="assessments:photo_delete", action="change").exists()


def test_a_photo_of_a_final_session_stays(client, trainer, photo):
    _finalise_and_share(photo.assessment, share=False)
    login_as(client, trainer)

    response = client.post(reverse("assessments:photo_delete", kwargs={"pk": photo.pk}), follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "This assessment is final: reopen it to remove photos."
    ]
    assert default_storage.exists(photo.image.name)


def test_the_pages_show_the_thumbnails_by_view(client, trainer, draft):
    login_as(client, trainer)
    _add(client, draft, front=jpeg(), back=jpeg())

    page = client.get(_page(draft)).content.decode()
    detail = client.get(reverse("assessments:detail", kwargs={"pk": draft.pk})).content.decode()

    for html in (page, detail):
        for photo in draft.photos.all():
            assert reverse("assessments:photo_thumbnail", kwargs={"pk": photo.pk}) in html
            assert reverse("assessments:photo_image", kwargs={"pk": photo.pk}) in html
        assert ">Front</h3>" in html and ">Back</h3>" in html and ">Left side</h3>" not in html
    assert 'capture="environment"' in page
    assert 'enctype="multipart/form-data"' in page


@pytest.mark.parametrize("count", [1, 8])
def test_the_photos_page_reads_a_fixed_number_of_queries(
    client, trainer, draft, count, django_assert_max_num_queries
):
    login_as(client, trainer)
    _add(client, draft, front=[jpeg() for _ in range(count)])

    with django_assert_max_num_queries(7):
        assert client.get(_page(draft)).status_code == 200


def test_the_export_holds_the_photos_and_thumbnails(client, trainer, photo):
    photo.landmarks = {"left-shoulder": [0.4, 0.2]}
    photo.save()
    out = io.BytesIO()

    export_zip(photo.assessment.client, out)

    archive = zipfile.ZipFile(out)
    data = json.loads(archive.read("data.json"))
    (session,) = [a for a in data["assessments"] if a["id"] == photo.assessment_id]
    (listed,) = session["photos"]
    assert listed["view"] == "front"
    assert listed["uploaded_by"] == "Alice Archer"
    assert listed["landmarks"] == {"left-shoulder": [0.4, 0.2]}
    assert archive.read(listed["file"]) == stored_bytes(photo.image.name)
    assert archive.read(listed["thumbnail"]) == stored_bytes(photo.thumbnail.name)
    assert listed["file"].startswith(f"photos/{photo.assessment.session_date:%Y-%m-%d}-session-")
    assert data["client"]["photo_consent_recorded_by"] == "Alice Archer"
    assert any(row["record"] == "photo" for row in data["history"])


@pytest.mark.parametrize("shared", [True, False])
def test_the_portal_home_links_a_final_session_s_photos_only_when_shared(client, client_user, photo, shared):
    _finalise_and_share(photo.assessment, share=shared)
    login_as(client, client_user)

    home = client.get(reverse("portal:home")).content.decode()

    url = reverse("assessments:portal_photos", kwargs={"pk": photo.assessment_id})
    assert (f'href="{url}"' in home) is shared
