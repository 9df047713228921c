"""Who someone is in the studio: trainer, client (portal user) or admin."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

TRAINERS_GROUP = "trainers"


def is_trainer(user) -> bool:
    """May query once per request; the answer is kept on the user object."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not hasattr(user, "_is_trainer"):
        user._is_trainer = user.groups.filter(name=TRAINERS_GROUP).exists()
    return user._is_trainer


def is_portal_client(user) -> bool:
    """May query once per request. The client record, with its trainer, is kept on the
    user (`user.client_profile`), so portal views need not fetch it again."""
    if not user.is_authenticated or not user.is_active:
        return False
    from clients.models import Client

    if not hasattr(user, "_is_portal_client"):
        profile = Client.objects.select_related("trainer").filter(portal_user=user).first()
        user._is_portal_client = profile is not None
        if profile is not None:
            user.client_profile = profile
    return user._is_portal_client


def role_of(user) -> str:
    if not user.is_authenticated:
        return "anonymous"
    if is_trainer(user):
        return "trainer"
    if user.is_staff:
        return "admin"
    if is_portal_client(user):
        return "client"
    return "member"


def trainer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only trainers get past; anyone else signed in gets 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_trainer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def portal_client_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only signed-in clients with an active portal account get past."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_portal_client(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class TrainerRequiredMixin:
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_trainer(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
