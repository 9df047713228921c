import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from clients.services import user_sessions_end
from security.sessions import STARTED_AT_KEY


@receiver(user_logged_in, dispatch_uid="security_session_started")
def mark_session_start(sender, request, user, **kwargs) -> None:
    request.session[STARTED_AT_KEY] = time.time()


@receiver(user_logged_out, dispatch_uid="security_end_other_sessions")
def end_other_sessions(sender, request, user, **kwargs) -> None:
    # Signing out on one device signs the person out everywhere.
    if user is not None:
        user_sessions_end(user=user)
