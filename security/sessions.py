"""Session limits that Django does not provide by itself."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

STARTED_AT_KEY = "security_started_at"
SEEN_AT_KEY = "security_seen_at"
RENEW_EVERY_SECONDS = 60


class SessionLimitsMiddleware:
    """Idle timeout and absolute lifetime for signed-in sessions.

    The idle timeout is SESSION_COOKIE_AGE, renewed at most once a minute: saving the
    session on every request would cost each page a database write. Once a session is
    older than SESSION_ABSOLUTE_LIFETIME the person is signed out, however active.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started_at = request.session.get(STARTED_AT_KEY)
            if started_at is None:
                request.session[STARTED_AT_KEY] = now
            elif now - started_at > settings.SESSION_ABSOLUTE_LIFETIME:
                logout(request)
                return self.get_response(request)
            if now - request.session.get(SEEN_AT_KEY, 0) > RENEW_EVERY_SECONDS:
                request.session[SEEN_AT_KEY] = now
        return self.get_response(request)
