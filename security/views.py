from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

# At most this many reset requests per address and per e-mail in the window.
RESET_LIMIT = 5
RESET_WINDOW_SECONDS = 3600


def _over_limit(key: str) -> bool:
    """Counts one attempt under `key`; true once the window's limit is passed."""
    cache.add(key, 0, RESET_WINDOW_SECONDS)
    try:
        return cache.incr(key) > RESET_LIMIT
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RESET_WINDOW_SECONDS)
        return False


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, refusing floods from one address or at one e-mail."""

    def form_valid(self, form) -> HttpResponse:
        request: HttpRequest = self.request
        address = request.META.get("REMOTE_ADDR", "unknown")
        email = form.cleaned_data["email"].strip().lower()
        by_address = _over_limit(f"password-reset:ip:{address}")
        by_email = _over_limit(f"password-reset:email:{email}")
        if by_address or by_email:
            messages.error(request, "Too many password reset requests. Please wait an hour and try again.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
