"""What a client sees: their portal home and the page where they choose a password."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_safe

from clients.roles import portal_client_required
from clients.views.clients import SESSIONS_PER_PAGE
from security.audit import audit


@portal_client_required
@require_safe
def portal_home(request: HttpRequest) -> HttpResponse:
    client = request.user.client_profile  # with its trainer, read by the access check
    # Through the reverse relation: this app does not import the assessments app.
    assessments = client.assessments.filter(status="final").order_by("-session_date", "-created_at")
    page = Paginator(assessments, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    # The current plan, shown first, with what it holds and this week's sessions in one query; the
    # plans app itself is not imported either.
    plan = (
        client.plans.filter(status="published")
        .annotate(
            exercise_count=Count("items", distinct=True),
            done_this_week=Count(
                "sessions",
                filter=Q(sessions__done_on__gte=today - timedelta(days=today.weekday())),
                distinct=True,
            ),
        )
        .first()
    )
    audit(request, client_id=client.pk)
    return render(
        request,
        "clients/portal_home.html",
        {"client": client, "trainer": client.trainer, "assessments": page, "plan": plan},
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
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"

    def get_user(self, uidb64: str):
        user = super().get_user(uidb64)
        # Only active portal accounts: a trainer's or a revoked account never passes here.
        if user is None or not user.is_active:
            return None
        if not get_user_model().objects.filter(pk=user.pk, client_profile__isnull=False).exists():
            return None
        return user
