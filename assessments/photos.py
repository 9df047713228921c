"""Posture photos: checked, cleaned and stored; deleted with their files.

What is kept of an upload is its pixels, turned upright: a new JPEG without any metadata
(no EXIF, so no GPS position or camera serial, no XMP, no ICC profile or comments).
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from assessments.models import Assessment, Photo, PhotoView
from assessments.services import LockedError, MeasureValueData, measure_values_record
from clients.models import Client
from clients.services import storage_delete

PHOTO_MAX_BYTES = 15 * 1024 * 1024
# A phone's camera takes 12 to 50 megapixels; more is not a photo but a decompression bomb,
# refused from its header before any pixel is decoded. Pillow's own guard (Image.MAX_IMAGE_PIXELS,
# about 89 megapixels, global to the process) is left as it is: this limit is lower.
PHOTO_MAX_PIXELS = 50_000_000
# The long side as stored: enough to see posture and place landmarks, at about half a megabyte.
IMAGE_LONG_SIDE = 2000
THUMBNAIL_LONG_SIDE = 400
# The formats a phone or a camera gives; Pillow tries no other decoder on what is sent. (A JPEG
# with several pictures in it, as some phones take, opens as JPEG too.)
FORMATS = ["JPEG", "PNG", "WEBP"]


class PhotoRejected(Exception):
    """The upload is not a photo that can be kept; the message says why, for the trainer."""


def no_consent_message(client: Client) -> str:
    return f"{client.first_name} has not consented to photos: record it on their client page first."


def photos_blocked(assessment: Assessment) -> str:
    """Why no photo can be added to this session now; "" when they can. Reads assessment.client."""
    if assessment.client.photo_consent_given_at is None:
        return no_consent_message(assessment.client)
    if assessment.is_final:
        return "This assessment is final: reopen it to add or remove photos."
    return ""


def by_view(photos: list[Photo]) -> list[tuple[str, list[Photo]]]:
    """(view label, its photos) for each view, in the order views are taken."""
    return [(label, [photo for photo in photos if photo.view == value]) for value, label in PhotoView.choices]


@dataclass(frozen=True)
class CleanPhoto:
    image: bytes
    thumbnail: bytes
    width: int
    height: int


def photo_clean(upload: UploadedFile) -> CleanPhoto:
    """The upload decoded, turned upright and re-encoded without metadata, with its thumbnail.

    Raises PhotoRejected when it is too large, not an image, or too many pixels.
    """
    name = upload.name or "This file"
    if upload.size > PHOTO_MAX_BYTES:
        raise PhotoRejected(
            f"“{name}” is {upload.size / 1024 / 1024:.1f} MB: a photo may be up to "
            f"{PHOTO_MAX_BYTES // 1024 // 1024} MB."
        )
    try:
        upload.seek(0)
        with Image.open(upload, formats=FORMATS) as probe:
            pixels = probe.width * probe.height
            if pixels > PHOTO_MAX_PIXELS:
                raise PhotoRejected(
                    f"“{name}” is {pixels / 1_000_000:.0f} megapixels: a photo may have up to "
                    f"{PHOTO_MAX_PIXELS // 1_000_000} megapixels. Take it again or choose a smaller copy."
                )
            probe.verify()
        # verify() leaves the image unusable: open it again to decode it.
        upload.seek(0)
        with Image.open(upload, formats=FORMATS) as original:
            original.load()
            image = _rgb(ImageOps.exif_transpose(original))
        image.thumbnail((IMAGE_LONG_SIDE, IMAGE_LONG_SIDE), Image.Resampling.LANCZOS)
    except Image.DecompressionBombError:
        raise PhotoRejected(
            f"“{name}” has too many pixels to be a photo: take it again or choose a smaller copy."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        # Pillow tells a damaged, disguised or unusual file by any of these.
        raise PhotoRejected(
            f"“{name}” is not a photo we can read: choose a JPEG, PNG or WebP image."
        ) from None
    # A new image from the pixels alone: nothing of the original's info (EXIF, XMP, ICC, comments)
    # can come along.
    clean = Image.frombytes("RGB", image.size, image.tobytes())
    small = clean.copy()
    small.thumbnail((THUMBNAIL_LONG_SIDE, THUMBNAIL_LONG_SIDE), Image.Resampling.LANCZOS)
    return CleanPhoto(
        image=_jpeg(clean, quality=85),
        thumbnail=_jpeg(small, quality=80),
        width=clean.width,
        height=clean.height,
    )


def _rgb(image: Image.Image) -> Image.Image:
    """Transparent parts on white, as the photo would be printed."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, "white")
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB")


def _jpeg(image: Image.Image, *, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _lock_draft(assessment_id: int, message: str) -> None:
    """Locks the assessment's row until the transaction ends; raises LockedError(message) when it
    is not a draft."""
    if not Assessment.objects.select_for_update().filter(pk=assessment_id, status="draft").exists():
        raise LockedError(message)


def photos_add(*, assessment: Assessment, photos: list[tuple[str, CleanPhoto]], by) -> list[Photo]:
    """Adds a photo per (view, cleaned photo) to a draft assessment: all of them or none.

    Raises LockedError when the assessment is final, PhotoRejected when the client has not
    consented to photos. The files are written before their rows;
    when the rows are not saved, the files are deleted again. A caller that wraps this in a
    transaction of its own deletes the files with photo_files_delete() when that one fails.
    """
    added: list[Photo] = []
    try:
        with transaction.atomic():
            # Locked, so that a finalise at the same moment waits and then sees these photos.
            _lock_draft(assessment.pk, "This assessment is final: reopen it to add photos.")
            if not Client.objects.filter(
                pk=assessment.client_id, photo_consent_given_at__isnull=False
            ).exists():
                raise PhotoRejected(no_consent_message(assessment.client))
            for view, clean in photos:
                photo = Photo(
                    assessment=assessment,
                    view=view,
                    width=clean.width,
                    height=clean.height,
                    byte_size=len(clean.image),
                    uploaded_by=by,
                )
                added.append(photo)
                photo.image.save(f"{view}.jpg", ContentFile(clean.image), save=False)
                photo.thumbnail.save(f"{view}-thumb.jpg", ContentFile(clean.thumbnail), save=False)
                photo._history_user = by
                photo.save()
    except BaseException:
        photo_files_delete(added)
        raise
    return added


def photo_delete(*, photo: Photo, by) -> None:
    """Deletes a photo of a draft assessment; its files go once the deletion has committed.

    Raises LockedError when the assessment is final.
    """
    with transaction.atomic():
        _lock_draft(photo.assessment_id, "This assessment is final: reopen it to remove photos.")
        photo._history_user = by
        photo.delete()
        transaction.on_commit(lambda: photo_files_delete([photo]))


def photos_share(*, assessment: Assessment, share: bool, by) -> Assessment:
    """Whether the client sees the session's photos in the portal (once it is final)."""
    with transaction.atomic():
        assessment.share_photos = share
        assessment._history_user = by
        assessment._change_reason = "Photos shared" if share else "Photos no longer shared"
        assessment.save(update_fields=["share_photos", "updated_at"])
    return assessment


def photo_file_names(photos: Iterable[Photo]) -> list[str]:
    return [name for photo in photos for name in (photo.image.name, photo.thumbnail.name) if name]


def photo_files_delete(photos: Iterable[Photo]) -> None:
    """Deletes the stored files of photos that no row names any more."""
    storage_delete(photo_file_names(photos))


def photo_landmarks_save(
    *,
    photo: Photo,
    landmarks: dict[str, list[float]],
    by,
    measure_values: list[MeasureValueData] | None = None,
    expected_version: int | None = None,
) -> Photo:
    """Keeps the photo's landmarks, and with them any `measure_values` taken from them as measures
    of its assessment: all of it or none.

    Raises LockedError when the assessment is final; with measure values, ConflictError when the
    assessment's version is no longer `expected_version` (see measure_values_record).
    """
    with transaction.atomic():
        if measure_values:
            measure_values_record(
                assessment=photo.assessment,
                measure_values=measure_values,
                expected_version=expected_version,
                by=by,
            )
        # Locked, so that a finalise at the same moment waits and then sees these landmarks.
        else:
            _lock_draft(photo.assessment_id, "This assessment is final: reopen it to move the landmarks.")
        photo.landmarks = landmarks
        photo._history_user = by
        photo._change_reason = "Landmarks placed"
        photo.save(update_fields=["landmarks"])
    return photo
