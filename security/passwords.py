"""Limits on the password pages: floods of reset requests and guesses of a current password
are refused, and a reset request answers alike whether or not the address has an account."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.crypto import salted_hmac

from security.lockout import client_address
from security.tasks import password_reset_send


@dataclass(frozen=True)
class AttemptLimit:
    """At most `limit` attempts under one identifier in any `window_seconds`.

    Each attempt takes one of `limit` cache entries with `cache.add`, which only one caller
    can win on every shared backend (database, Redis, Memcached), where get-then-set
    `incr` lets concurrent requests from several processes count as one. Entries are named
    by a keyed hash, never by the e-mail or address they count.
    """

    name: str
    limit: int
    window_seconds: int

    def _keys(self, identifier: str) -> list[str]:
        digest = salted_hmac(f"security.passwords.{self.name}", identifier, algorithm="sha256").hexdigest()
        return [f"{self.name}:{digest}:{slot}" for slot in range(self.limit)]

    def allow(self, identifier: str) -> bool:
        """Counts one attempt; false, counting nothing, once the limit is reached."""
        keys = self._keys(identifier)
        taken = cache.get_many(keys)
        return any(cache.add(key, True, self.window_seconds) for key in keys if key not in taken)

    def exceeded(self, identifier: str) -> bool:
        return len(cache.get_many(self._keys(identifier))) >= self.limit

    def reset(self, identifier: str) -> None:
        cache.delete_many(self._keys(identifier))


# At most this many reset requests per address and per e-mail in the window.
RESET_LIMIT = AttemptLimit("password-reset", limit=5, window_seconds=3600)


def password_change_limit() -> AttemptLimit:
    """Wrong current passwords per user, as many and for as long as failed sign-ins."""
    return AttemptLimit(
        "password-change",
        limit=settings.AXES_FAILURE_LIMIT,
        window_seconds=int(settings.AXES_COOLOFF_TIME.total_seconds()),
    )


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, refusing floods from one address or at one e-mail.

    The request only validates, counts and queues one task; the task looks the address up
    and sends the mail, so the answer takes as long for an unknown address as for a known one.
    """

    def form_valid(self, form) -> HttpResponse:
        request: HttpRequest = self.request
        email = form.cleaned_data["email"]
        # Both counted, whichever is over: a flood at one address still counts per e-mail.
        allowed = [
            RESET_LIMIT.allow(f"ip:{client_address(request)}"),
            RESET_LIMIT.allow(f"email:{email.strip().lower()}"),
        ]
        if not all(allowed):
            messages.error(request, "Too many password reset requests. Please wait an hour and try again.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        password_reset_send.enqueue(
            email=email, domain=get_current_site(request).domain, use_https=request.is_secure()
        )
        return HttpResponseRedirect(self.get_success_url())


class LimitedPasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, refusing guesses of the current password once they reach
    the sign-in failure limit; a successful change clears the count."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if password_change_limit().exceeded(str(request.user.pk)):
            minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            messages.error(
                request,
                f"Too many wrong current passwords. Please wait {minutes} minutes and try again.",
            )
            return self.render_to_response(self.get_context_data(), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form) -> HttpResponse:
        if form.has_error("old_password", "password_incorrect"):
            password_change_limit().allow(str(self.request.user.pk))
        return super().form_invalid(form)

    def form_valid(self, form) -> HttpResponse:
        password_change_limit().reset(str(self.request.user.pk))
        return super().form_valid(form)
