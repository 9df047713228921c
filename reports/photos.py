"""The posture photos a report shows: a session's, when the trainer shared them, and the same view
from the first and the latest session side by side, lined up on the body, in the progress report.

The photo itself is not part of the report's value: the page links its thumbnail through the view
that checks who may see it, and the PDF embeds it (`embedded`) only when it is laid out, so that
the report's key stays small and a PDF never fetches anything but our static files.
"""

import dataclasses
from dataclasses import dataclass
from datetime import date

from assessments import landmarks
from assessments.models import Photo, PhotoView
from assessments.progress import Session
from reports.fetcher import stored_data_uri


@dataclass(frozen=True)
class ReportPhoto:
    photo_id: int
    view: str
    view_label: str
    session_date: date
    # The stored thumbnail: its name changes with the photo, so a new photo renders anew.
    thumbnail: str
    width: int
    height: int
    view_box: str
    overlay: landmarks.Overlay
    readings: list[landmarks.Reading]
    # A data: URI of the thumbnail, set only for the PDF (see `embedded`); pages link it instead.
    src: str = ""


@dataclass(frozen=True)
class PhotoPair:
    view_label: str
    first: ReportPhoto
    latest: ReportPhoto
    aligned: bool
    changes: list[landmarks.Change]


def shared_photos(session: Session) -> list[ReportPhoto]:
    """The session's photos, by view, when its trainer shared them with the client: one query,
    none when they did not."""
    if not session.shares_photos:
        return []
    photos = Photo.objects.filter(assessment_id=session.assessment_id)
    return [
        _photo(photo, landmarks.drawing(photo.view, photo.landmarks, width=photo.width, height=photo.height))
        for photo in _in_view_order(photos)
    ]


def photo_pairs(sessions: list[Session]) -> list[PhotoPair]:
    """Each view the first and the latest of `sessions` both have a photo of (their first of it),
    lined up where both have the landmarks for it, when both were shared: one query, none when not."""
    if len(sessions) < 2 or not (sessions[0].shares_photos and sessions[-1].shares_photos):
        return []
    first_id, latest_id = sessions[0].assessment_id, sessions[-1].assessment_id
    photos = _in_view_order(Photo.objects.filter(assessment_id__in=[first_id, latest_id]))
    by_view: dict[str, dict[int, Photo]] = {}
    for photo in photos:
        by_view.setdefault(photo.view, {}).setdefault(photo.assessment_id, photo)
    pairs = []
    for view, by_session in by_view.items():
        if first_id not in by_session or latest_id not in by_session:
            continue
        first, latest = by_session[first_id], by_session[latest_id]
        pair = landmarks.pair(
            view, *((photo.landmarks, photo.width, photo.height) for photo in (first, latest))
        )
        pairs.append(
            PhotoPair(
                view_label=PhotoView(view).label,
                first=_photo(first, pair.first),
                latest=_photo(latest, pair.latest),
                aligned=pair.aligned,
                changes=pair.changes,
            )
        )
    return pairs


def embedded(photo: ReportPhoto) -> ReportPhoto:
    """The photo with its thumbnail as a data: URI, for WeasyPrint; reads storage. A file gone from
    storage leaves the photo without a picture rather than failing the report."""
    return dataclasses.replace(photo, src=stored_data_uri(photo.thumbnail))


def _in_view_order(photos) -> list[Photo]:
    order = {view: index for index, view in enumerate(PhotoView.values)}
    rows = photos.select_related("assessment").order_by("uploaded_at", "pk")
    return sorted(rows, key=lambda photo: order[photo.view])


def _photo(photo: Photo, drawing: landmarks.Drawing) -> ReportPhoto:
    return ReportPhoto(
        photo_id=photo.pk,
        view=photo.view,
        view_label=PhotoView(photo.view).label,
        session_date=photo.assessment.session_date,
        thumbnail=photo.thumbnail.name,
        width=photo.width,
        height=photo.height,
        view_box=drawing.view_box,
        overlay=drawing.overlay,
        readings=drawing.readings,
    )
