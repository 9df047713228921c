"""Who someone is in the studio: trainer, client (portal user) or admin."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

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


def hidden_unless(has_role: Callable[..., bool]) -> Callable:
    """For a URL whose very existence is private, such as a posture photo's file: whoever lacks the
    role (`is_trainer`, `is_portal_client`) gets the 404 that a stranger to the object gets, signed
    out included. A role check's 403 or a sign-in page would tell them the URL is a real one, and an
    image has no use for a sign-in page."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_not_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not has_role(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class TrainerRequiredMixin:
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_trainer(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
