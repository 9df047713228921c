from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from clients.models import Client
from clients.roles import is_trainer
from security.audit import Action, audit
from security.export import export_filename
from security.forms import ClientEraseForm
from security.services import client_erase, client_export

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


def _client_for(request: HttpRequest, client_pk: int) -> Client:
    """A trainer reaches their own clients (another's is a 404), an admin any; others get 403."""
    user = request.user
    if is_trainer(user):
        return get_object_or_404(Client.objects.for_trainer(user), pk=client_pk)
    if user.is_active and user.is_staff:
        return get_object_or_404(Client, pk=client_pk)
    raise PermissionDenied


@require_http_methods(["GET"])
def client_export_view(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _client_for(request, client_pk)
    data = client_export(client=client, by=request.user)
    audit(request, client_id=client.pk, action=Action.EXPORT)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(client)}"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def client_erase_view(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = _client_for(request, client_pk)
    form = ClientEraseForm(request.POST or None, expected_name=client.full_name)
    if request.method == "POST" and form.is_valid():
        name = client.full_name
        # The erasure records itself, unnamed: the client it would name is gone.
        client_erase(client=client, by=request.user)
        messages.success(request, f"All data about {name} was erased.")
        return redirect("clients:list" if is_trainer(request.user) else "admin:index")
    counts = {
        "assessments": client.assessments.count(),
        "screenings": client.screenings.count(),
        "report_downloads": client.report_downloads.count(),
    }
    status = 400 if form.is_bound else 200
    if not form.is_bound:
        audit(request, client_id=client.pk)
    return render(
        request,
        "security/client_erase.html",
        {"client": client, "form": form, "counts": counts},
        status=status,
    )
