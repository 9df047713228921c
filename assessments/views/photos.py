"""Posture photos of a session: the trainer's page to add, remove and share them, to place a photo's
landmarks and to compare two sessions' photos; the client's page of the photos shared with them, and
the image files, served only to whoever may see the session. Every file served is audited; each
change commits with its audit row or not at all."""

import copy

from django.contrib import messages
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from assessments import landmarks
from assessments.forms.photos import LandmarksForm, PhotoUploadForm
from assessments.models import Assessment, Photo, PhotoView
from assessments.photos import (
    PhotoRejected,
    by_view,
    photo_delete,
    photo_files_delete,
    photo_landmarks_save,
    photos_add,
    photos_blocked,
    photos_share,
)
from assessments.services import ConflictError, LockedError
from clients.models import Client
from clients.roles import (
    hidden_unless,
    is_portal_client,
    is_trainer,
    portal_client_required,
    trainer_required,
)
from clients.services import DATABASE_UNAVAILABLE
from imbalances.models import Measure
from security.access import require_methods
from security.audit import Action, audit

NOT_ADDED = "Not added — the database did not answer in time. No photo was kept: choose them again and retry."


def _own(request: HttpRequest, pk: int) -> Assessment:
    return get_object_or_404(Assessment.objects.for_trainer(request.user).select_related("client"), pk=pk)


def _own_photo(request: HttpRequest, pk: int) -> Photo:
    return get_object_or_404(
        Photo.objects.for_trainer(request.user).select_related("assessment__client"), pk=pk
    )


def _own_client(request: HttpRequest, client_pk: int) -> Client:
    return get_object_or_404(Client.objects.for_trainer(request.user), pk=client_pk)


def _shared(request: HttpRequest, pk: int) -> Assessment:
    """A client's own final session whose photos their trainer shared; else a 404."""
    return get_object_or_404(
        Assessment.objects.for_portal_user(request.user).filter(share_photos=True), pk=pk
    )


def _shared_photo(request: HttpRequest, pk: int) -> Photo:
    return get_object_or_404(Photo.objects.for_portal_user(request.user).select_related("assessment"), pk=pk)


@trainer_required
@require_methods("GET", "HEAD", "POST", lookup=_own)
def photos(request: HttpRequest, pk: int) -> HttpResponse:
    """The session's photos by view, the form that adds more, and the choice to share them."""
    assessment = _own(request, pk)
    blocked = photos_blocked(assessment)
    form = PhotoUploadForm()
    status = 200
    if request.method == "POST":
        if blocked:
            status = 409
        else:
            form = PhotoUploadForm(request.POST, request.FILES)
            status = 400
        if not blocked and form.is_valid():
            added: list[Photo] = []
            try:
                with transaction.atomic():
                    added = photos_add(assessment=assessment, photos=form.photos(), by=request.user)
                    audit(request, client_id=assessment.client_id)
            except (PhotoRejected, LockedError) as refused:
                form.add_error(None, str(refused))
                status = 409
            except DATABASE_UNAVAILABLE:
                photo_files_delete(added)
                form.add_error(None, NOT_ADDED)
                status = 503
            except BaseException:
                photo_files_delete(added)
                raise
            else:
                count = len(added)
                messages.success(request, f"{count} photo{'s' if count != 1 else ''} added.")
                return redirect("assessments:photos", pk=assessment.pk)
    # A refused post shows the session's photos all the same.
    audit(request, client_id=assessment.client_id, action=Action.VIEW)
    taken = list(assessment.photos.all())
    return render(
        request,
        "assessments/photo_list.html",
        {
            "assessment": assessment,
            "client": assessment.client,
            "by_view": by_view(taken),
            "photo_count": len(taken),
            "can_delete": not assessment.is_final,
            "form": form,
            "blocked": blocked,
        },
        status=status,
    )


@trainer_required
@require_methods("POST", lookup=_own_photo)
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    photo = _own_photo(request, pk)
    try:
        with transaction.atomic():
            photo_delete(photo=photo, by=request.user)
            audit(request, client_id=photo.assessment.client_id)
    except LockedError as refused:
        messages.error(request, str(refused))
    except DATABASE_UNAVAILABLE:
        messages.error(request, "Not removed — the database did not answer in time. Try again.")
    else:
        messages.success(request, f"The {photo.get_view_display()} photo was removed.")
    return redirect("assessments:photos", pk=photo.assessment_id)


@trainer_required
@require_methods("POST", lookup=_own)
def share(request: HttpRequest, pk: int) -> HttpResponse:
    """Shares the session's photos with the client, or stops; they see them once it is final."""
    assessment = _own(request, pk)
    shared = request.POST.get("share") == "yes"
    try:
        with transaction.atomic():
            photos_share(assessment=assessment, share=shared, by=request.user)
            audit(request, client_id=assessment.client_id)
    except DATABASE_UNAVAILABLE:
        messages.error(request, "Not changed — the database did not answer in time. Try again.")
    else:
        name = assessment.client.first_name
        if not shared:
            messages.success(request, f"{name} no longer sees the photos of this session.")
        elif assessment.is_final:
            messages.success(request, f"{name} now sees the photos of this session in the portal.")
        else:
            messages.success(request, f"{name} will see the photos of this session once it is final.")
    return redirect("assessments:photos", pk=assessment.pk)


def _serve(request: HttpRequest, photo: Photo, *, thumbnail: bool) -> FileResponse:
    stored = photo.thumbnail if thumbnail else photo.image
    try:
        file = default_storage.open(stored.name, "rb")
    except OSError:
        raise Http404("The photo is no longer kept.") from None
    audit(request, client_id=photo.assessment.client_id)
    kind = "-thumbnail" if thumbnail else ""
    return FileResponse(
        file,
        content_type="image/jpeg",
        filename=f"{photo.view}-{photo.assessment.session_date:%Y-%m-%d}-{photo.pk}{kind}.jpg",
    )


@hidden_unless(is_trainer)
@require_methods("GET", "HEAD", lookup=_own_photo)
def image(request: HttpRequest, pk: int) -> FileResponse:
    return _serve(request, _own_photo(request, pk), thumbnail=False)


@hidden_unless(is_trainer)
@require_methods("GET", "HEAD", lookup=_own_photo)
def thumbnail(request: HttpRequest, pk: int) -> FileResponse:
    return _serve(request, _own_photo(request, pk), thumbnail=True)


@portal_client_required
@require_methods("GET", "HEAD", lookup=_shared)
def portal_photos(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _shared(request, pk)
    audit(request, client_id=assessment.client_id)
    return render(
        request,
        "assessments/photo_portal_list.html",
        {
            "assessment": assessment,
            "by_view": [(label, shown) for label, shown in by_view(list(assessment.photos.all())) if shown],
        },
    )


@hidden_unless(is_portal_client)
@require_methods("GET", "HEAD", lookup=_shared_photo)
def portal_image(request: HttpRequest, pk: int) -> FileResponse:
    return _serve(request, _shared_photo(request, pk), thumbnail=False)


@hidden_unless(is_portal_client)
@require_methods("GET", "HEAD", lookup=_shared_photo)
def portal_thumbnail(request: HttpRequest, pk: int) -> FileResponse:
    return _serve(request, _shared_photo(request, pk), thumbnail=True)


def _measures(view: str) -> dict[str, Measure]:
    """The catalogue's measures that this view's computed values can be saved as, by reading key."""
    slugs = landmarks.measure_slugs(view)
    if not slugs:
        return {}
    found = {
        measure.slug: measure
        for measure in Measure.objects.active()
        .filter(slug__in=slugs.values(), per_side=False)
        .exclude(better="pass")
    }
    return {key: found[slug] for key, slug in slugs.items() if slug in found}


@trainer_required
@require_methods("GET", "HEAD", "POST", lookup=_own_photo)
def annotate(request: HttpRequest, pk: int) -> HttpResponse:
    """The photo with its landmarks, the lines between them and the plumb line, and the values they
    measure; on a draft, the form that places them and keeps chosen values as session measures."""
    photo = _own_photo(request, pk)
    assessment = photo.assessment
    # A final assessment's page shows no form to save measures with, and refuses a post.
    measures = {} if assessment.is_final else _measures(photo.view)
    form = LandmarksForm(photo=photo, measures=measures)
    not_saved = ""
    status = 200
    if request.method == "POST":
        form = LandmarksForm(request.POST, photo=photo, measures=measures)
        if assessment.is_final:
            not_saved = "This assessment is final: reopen it to move the landmarks."
            status = 409
        elif not form.is_valid():
            status = 400
        else:
            try:
                with transaction.atomic():
                    # A copy: should the transaction roll back, the page shows the photo as stored.
                    photo_landmarks_save(
                        photo=copy.copy(photo),
                        landmarks=form.landmarks,
                        measure_values=form.measure_values,
                        expected_version=form.cleaned_data["version"],
                        by=request.user,
                    )
                    audit(request, client_id=assessment.client_id)
            except LockedError:
                not_saved = "Not saved: this assessment was finalised meanwhile."
                status = 409
            except ConflictError as error:
                not_saved = (
                    "Not saved: someone saved this assessment's measures meanwhile. Everything you placed "
                    "is still here: save again to keep it."
                )
                # As the assessment form does: a second, deliberate save goes ahead.
                data = request.POST.copy()
                data["version"] = str(error.current_version)
                form = LandmarksForm(data, photo=photo, measures=measures)
                form.is_valid()
                status = 409
            except DATABASE_UNAVAILABLE:
                not_saved = (
                    "Not saved — the database did not answer in time. Everything is still here: try again."
                )
                status = 503
            else:
                saved = " and the measure" if form.measure_values else ""
                messages.success(request, f"Landmarks{saved} saved.")
                return redirect("assessments:photo_annotate", pk=photo.pk)
    audit(request, client_id=assessment.client_id, action=Action.VIEW)
    drawing = landmarks.drawing(photo.view, photo.landmarks, width=photo.width, height=photo.height)
    return render(
        request,
        "assessments/photo_annotate.html",
        {
            "photo": photo,
            "overlay": drawing.overlay,
            "readings": drawing.readings,
            "assessment": assessment,
            "client": assessment.client,
            "form": form,
            "can_edit": not assessment.is_final,
            "not_saved": not_saved,
            "side_view": landmarks.is_side_view(photo.view),
            "script_config": {
                "width": photo.width,
                "height": photo.height,
                "radius": drawing.overlay.radius,
                "lines": landmarks.lines_of(photo.view),
                "plumb": landmarks.plumb_of(photo.view),
                "labels": {landmark.name: landmark.label for landmark in landmarks.LANDMARKS[photo.view]},
            },
        },
        status=status,
    )


def _chosen(photos: list[Photo], pk: str | None) -> Photo | None:
    return next((photo for photo in photos if str(photo.pk) == pk), None)


@trainer_required
@require_methods("GET", "HEAD", lookup=_own_client)
def compare(request: HttpRequest, client_pk: int) -> HttpResponse:
    """The same view from two sessions side by side, lined up on the body where both photos have the
    landmarks for it; by default the client's first and latest photo of the view."""
    client = _own_client(request, client_pk)
    view = request.GET.get("view")
    if view not in PhotoView.values:
        view = PhotoView.FRONT
    photos = list(
        Photo.objects.filter(assessment__client=client, view=view)
        .select_related("assessment")
        .order_by("assessment__session_date", "assessment__created_at", "uploaded_at", "pk")
    )
    audit(request, client_id=client.pk)
    pair, panels = None, []
    if photos:
        first = _chosen(photos, request.GET.get("a")) or photos[0]
        latest = _chosen(photos, request.GET.get("b")) or photos[-1]
        pair = landmarks.pair(
            view, *((photo.landmarks, photo.width, photo.height) for photo in (first, latest))
        )
        panels = [{"photo": first, "drawing": pair.first}, {"photo": latest, "drawing": pair.latest}]
    return render(
        request,
        "assessments/photo_compare.html",
        {
            "client": client,
            "view": view,
            "view_label": PhotoView(view).label,
            "side_view": landmarks.is_side_view(view),
            "views": PhotoView.choices,
            "photos": photos,
            "pair": pair,
            "panels": panels,
        },
    )
