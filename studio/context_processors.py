from django.db import InterfaceError, OperationalError
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from studio.models import Studio


def _studio_or_defaults() -> Studio:
    try:
        return Studio.current()
    except (OperationalError, InterfaceError):
        # The page that says a save failed because the database did not answer (everything typed
        # kept) needs its header too: the defaults, rather than failing it a second time.
        return Studio()


def studio(request: HttpRequest) -> dict[str, object]:
    """The studio for page headers: read once per request, and only when a template shows it."""
    if not hasattr(request, "studio"):
        request.studio = SimpleLazyObject(_studio_or_defaults)
    return {"studio": request.studio}
