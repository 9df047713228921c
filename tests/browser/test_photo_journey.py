"""Posture photos in the browser: the trainer uploads a phone's JPEG (GPS in its EXIF), which is stored
without it; a file that is not a picture and a decompression bomb are refused with a message; the
trainer taps the landmarks, keeps the angle as the session's measure, compares the side view with
the first session's, shares the photos and finds them in both PDFs. Nobody else gets the photo."""

import io
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image
from playwright.sync_api import expect

from assessments.models import MeasureValue, Photo
from clients.models import Client
from tests import factories
from tests.browser.helpers import assert_accessible, save_screenshot
from tests.reports.conftest import read_pdf
from tests.reports.test_photos_in_reports import SIDE_MARKS, photo_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def phone_jpeg() -> bytes:
    image = Image.new("RGB", (600, 800), "grey")
    image.paste("tan", (250, 80, 350, 760))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Zqxcam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 12.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    assert Image.open(io.BytesIO(out.getvalue())).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    return out.getvalue()


def bomb_png() -> bytes:
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")
    return out.getvalue()


def pdf_text(page, link_name: str) -> str:
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).first.click()
    with open(download.value.path(), "rb") as pdf:
        return " ".join(read_pdf(pdf.read()).text.split())


def test_photos_from_upload_to_landmarks_measure_comparison_and_pdfs(
    live_server, page, sign_in, trainer, other_trainer, client_record, other_client_record, screenshot_dir
):
    page.on("dialog", lambda dialog: dialog.accept())
    Client.objects.filter(pk=client_record.pk).update(
        photo_consent_given_at=timezone.now(), photo_consent_recorded_by=trainer
    )
    factories.MeasureFactory(
        name="Craniovertebral angle", slug="craniovertebral-angle", unit="°", min_value=0, max_value=90
    )
    first = factories.AssessmentFactory(
        client=client_record, session_date=date(2026, 6, 1), final=True, share_photos=True
    )
    photo_of(first, landmarks=SIDE_MARKS)
    today = factories.AssessmentFactory(client=client_record, session_date=timezone.localdate())
    photos_url = live_server.url + reverse("assessments:photos", args=[today.pk])

    sign_in(trainer)
    page.goto(photos_url)
    page.get_by_label("Left side", exact=True).set_input_files(
        files=[{"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": b"not a picture at all"}]
    )
    page.get_by_role("button", name="Add photos").click()
    expect(page.locator("body")).to_contain_text("“notes.jpg” is not a photo we can read")
    page.get_by_label("Left side", exact=True).set_input_files(
        files=[{"name": "bomb.png", "mimeType": "image/png", "buffer": bomb_png()}]
    )
    page.get_by_role("button", name="Add photos").click()
    expect(page.locator("body")).to_contain_text("“bomb.png” is 144 megapixels")
    assert not Photo.objects.filter(assessment=today).exists()

    page.get_by_label("Left side", exact=True).set_input_files(
        files=[{"name": "side.jpg", "mimeType": "image/jpeg", "buffer": phone_jpeg()}]
    )
    page.get_by_role("button", name="Add photos").click()
    expect(page.get_by_test_id("no-photos")).to_have_count(0)
    photo = Photo.objects.get(assessment=today)
    with photo.image.open("rb") as stored:
        kept = Image.open(io.BytesIO(stored.read()))
        assert not kept.getexif() and "exif" not in kept.info

    page.goto(live_server.url + reverse("assessments:photo_annotate", args=[photo.pk]))
    canvas = page.locator("[data-landmark-canvas]")
    box = canvas.bounding_box()
    # Ear well ahead of the base of the neck: a forward head.
    for x, y in ((0.6, 0.12), (0.47, 0.19), (0.48, 0.24), (0.5, 0.5), (0.5, 0.72), (0.49, 0.93)):
        canvas.click(position={"x": box["width"] * x, "y": box["height"] * y})
    page.get_by_label("Save as this session's craniovertebral angle").check()
    page.get_by_role("button", name="Save the landmarks").click()
    expect(page.locator("[data-landmark-canvas] circle")).to_have_count(6)
    photo.refresh_from_db()
    assert len(photo.landmarks) == 6
    angle = MeasureValue.objects.get(assessment=today, measure__slug="craniovertebral-angle")
    assert 0 < angle.value < 90
    assert_accessible(page)
    save_screenshot(page, screenshot_dir / "photo-landmarks.png")

    page.goto(live_server.url + reverse("assessments:photo_compare", args=[client_record.pk]) + "?view=left")
    expect(page.get_by_test_id("compare-panel")).to_have_count(2)
    expect(page.get_by_test_id("changes")).to_be_visible()
    save_screenshot(page, screenshot_dir / "photo-compare.png")

    page.goto(photos_url)
    page.get_by_role("button", name=re.compile("^Share the photos with")).click()
    page.goto(live_server.url + reverse("reports:summary", args=[today.pk]))
    page.get_by_role("button", name=re.compile("^Finalise: ")).click()
    page.goto(live_server.url + reverse("reports:summary", args=[today.pk]))
    assert "Your posture photos" in pdf_text(page, "Download PDF")
    page.goto(live_server.url + reverse("reports:progress", args=[client_record.pk]))
    assert "Left side photos, then and now" in pdf_text(page, "Download PDF")

    image_url = live_server.url + reverse("assessments:photo_image", args=[photo.pk])
    portal_url = live_server.url + reverse("assessments:portal_photo_image", args=[photo.pk])
    for someone in (other_trainer, other_client_record.portal_user, None):
        page.context.clear_cookies()
        if someone is not None:
            sign_in(someone)
        assert page.request.get(image_url, max_redirects=0).status == 404
        assert page.request.get(portal_url, max_redirects=0).status == 404
