"""Session limits that Django does not provide by itself."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

STARTED_AT_KEY = "security_started_at"


def end_sessions(user, *, keep_session_key: str | None = None) -> int:
    """Delete every live session of `user` but `keep_session_key`; returns how many.

    Sessions are stored encoded, so this reads each live one: fine for a studio's
    few hundred sessions, and it runs only on logout, revocation and erasure.
    """
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep_session_key:
            continue
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


class AbsoluteSessionLifetimeMiddleware:
    """Sign a person out once their session is older than SESSION_ABSOLUTE_LIFETIME,
    however active it has been (SESSION_COOKIE_AGE handles the idle timeout)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started_at = request.session.get(STARTED_AT_KEY)
            if started_at is None:
                request.session[STARTED_AT_KEY] = time.time()
            elif time.time() - started_at > settings.SESSION_ABSOLUTE_LIFETIME:
                logout(request)
        return self.get_response(request)
