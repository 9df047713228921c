"""What a client sees: their portal home and the page where they choose a password."""

from django.contrib.auth import get_user_model
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy

from clients.models import Client
from clients.roles import portal_client_required
from pagecache.pages import render_page
from pagecache.stamps import trainer_scope


@portal_client_required
def portal_home(request: HttpRequest) -> HttpResponse:
    profile = request.user.client_profile

    def context() -> dict:
        client = get_object_or_404(Client.objects.select_related("trainer"), pk=profile.pk)
        # Through the reverse relation: this app does not import the assessments app.
        assessments = client.assessments.filter(status="final").order_by("-session_date", "-created_at")
        return {"client": client, "trainer": client.trainer, "assessments": assessments}

    return render_page(
        request, "clients/portal_home.html", context, scopes=(trainer_scope(profile.trainer_id),)
    )


class PortalSetPasswordView(PasswordResetConfirmView):
    """The invitation link: the client chooses a password and lands on their portal home.

    Django's token covers the password hash, last login and e-mail, so a link dies once used,
    when the trainer re-sends or revokes, and after PASSWORD_RESET_TIMEOUT.
    """

    template_name = "clients/portal_set_password.html"
    success_url = reverse_lazy("portal:home")
    post_reset_login = True
    # Axes' backend needs the login request; this login follows a valid token instead.
    post_reset_login_backend = "clients.backends.StudioBackend"

    def get_user(self, uidb64: str):
        user = super().get_user(uidb64)
        # Only active portal accounts: a trainer's or a revoked account never passes here.
        if user is None or not user.is_active:
            return None
        if not get_user_model().objects.filter(pk=user.pk, client_profile__isnull=False).exists():
            return None
        return user
