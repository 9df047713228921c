"""Posture photos in the reports: a session's shared photos in its summary, and the same view from
the first and latest session side by side in the progress report, with their landmarks; on the
pages through the views that check who may see them, in the PDFs embedded."""

import io
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from assessments.models import Photo
from reports.data import build_progress, build_summary
from reports.pdf import render_pdf
from tests import factories
from tests.conftest import login_as
from tests.reports.conftest import read_pdf

pytestmark = pytest.mark.django_db

# A side view's ear, base of the neck, shoulder, hip, knee and ankle, as fractions of the photo.
SIDE_MARKS = {
    "ear": [0.52, 0.12],
    "neck": [0.47, 0.19],
    "shoulder": [0.48, 0.24],
    "hip": [0.5, 0.5],
    "knee": [0.5, 0.72],
    "ankle": [0.49, 0.93],
}


def photo_of(assessment, *, view="left", landmarks=None, colour="teal") -> Photo:
    picture = io.BytesIO()
    Image.new("RGB", (300, 400), colour).save(picture, "JPEG")
    photo = Photo(
        assessment=assessment,
        view=view,
        width=300,
        height=400,
        byte_size=len(picture.getvalue()),
        uploaded_by=assessment.trainer,
        landmarks=landmarks or {},
    )
    photo.image.save("walk.jpg", ContentFile(picture.getvalue()), save=False)
    photo.thumbnail.save("walk-thumb.jpg", ContentFile(picture.getvalue()), save=False)
    photo.save()
    return photo


def session(client_record, day: date, *, shared=True):
    return factories.AssessmentFactory(
        client=client_record, session_date=day, final=True, share_photos=shared
    )


def images_in(pdf: bytes) -> int:
    """How many different pictures the PDF holds (pages may share one resource list)."""
    return len({image.name for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images})


def test_a_summary_shows_the_sessions_photos_only_when_shared(client_record):
    shared = session(client_record, date(2026, 3, 2))
    photo_of(shared, landmarks=SIDE_MARKS)
    kept = session(client_record, date(2026, 4, 2), shared=False)
    photo_of(kept)

    (photo,) = build_summary(shared.pk).photos
    assert build_summary(kept.pk).photos == []
    assert photo.view_label == "left side" and photo.overlay.dots and photo.src == ""
    assert any(reading.key for reading in photo.readings)

    pdf, without = render_pdf(build_summary(shared.pk)), render_pdf(build_summary(kept.pk))
    text = " ".join(read_pdf(pdf).text.split())
    assert "Your posture photos" in text and "Left side, 2 March 2026" in text
    assert images_in(pdf) == images_in(without) + 1
    assert "Your posture photos" not in " ".join(read_pdf(without).text.split())


def test_the_pages_link_the_thumbnail_through_the_view_for_each_reader(client, trainer, client_record):
    shared = session(client_record, date(2026, 3, 2))
    photo = photo_of(shared)

    login_as(client, trainer)
    page = client.get(reverse("reports:summary", args=[shared.pk])).content.decode()
    assert f'href="{reverse("assessments:photo_thumbnail", args=[photo.pk])}"' in page
    login_as(client, client_record.portal_user)
    page = client.get(reverse("reports:portal_summary", args=[shared.pk])).content.decode()
    assert f'href="{reverse("assessments:portal_photo_thumbnail", args=[photo.pk])}"' in page
    assert "data:image" not in page


def test_the_progress_report_pairs_the_first_and_latest_photo_of_a_view_lined_up(client_record):
    first = session(client_record, date(2026, 1, 10))
    middle = session(client_record, date(2026, 2, 10))
    latest = session(client_record, date(2026, 3, 10))
    photo_of(first, landmarks=SIDE_MARKS)
    photo_of(middle, landmarks=SIDE_MARKS)
    forward = {**SIDE_MARKS, "ear": [0.6, 0.12]}
    photo_of(latest, landmarks=forward, colour="navy")
    photo_of(latest, view="front")  # no front photo at the first session: no pair

    (pair,) = build_progress(client_record.pk).photo_pairs

    assert (pair.first.session_date, pair.latest.session_date) == (date(2026, 1, 10), date(2026, 3, 10))
    assert pair.aligned and pair.first.view_box != "0 0 300 400"
    assert pair.changes and pair.changes[0].before is not None
    pdf = render_pdf(build_progress(client_record.pk))
    text = " ".join(read_pdf(pdf).text.split())
    assert "Left side photos, then and now" in text
    assert images_in(pdf) == 2


def test_a_photo_gone_from_storage_leaves_the_report_readable(client_record):
    shared = session(client_record, date(2026, 3, 2))
    photo = photo_of(shared)
    photo.thumbnail.storage.delete(photo.thumbnail.name)

    text = " ".join(read_pdf(render_pdf(build_summary(shared.pk))).text.split())

    assert "Left side, 2 March 2026" in text
