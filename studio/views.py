import mimetypes

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from studio.models import Studio


@login_not_required
@require_safe
def logo(request: HttpRequest) -> FileResponse:
    """The studio's logo, read from storage; every page header shows it, signed in or not.

    Through this view because the storage also holds private files (photos, reports), so MEDIA_URL
    is never served as a whole, and because the CSP allows images from this site only.
    """
    studio = get_object_or_404(Studio.objects.exclude(logo=""))
    name = studio.logo.name
    try:
        file = studio.logo.storage.open(name, "rb")
    except OSError:
        raise Http404("The logo is no longer kept.") from None
    return FileResponse(file, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
