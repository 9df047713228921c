from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from clients.models import Client, screening_due_before, screening_needs_attention
from clients.roles import is_portal_client, is_trainer, trainer_required

DASHBOARD_ROWS = 8


@login_not_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to their place in the studio; a visitor sees what the studio is.

    The visitor's page names nobody, so it is left cacheable as the public catalogue is;
    reading the session makes it vary on the cookie, so a cache never gives it to someone
    signed in, whose redirect is private (security.middleware.PrivatePagesMiddleware).
    """
    user = request.user
    if not user.is_authenticated:
        return render(request, "home.html")
    if is_trainer(user):
        return redirect("clients:dashboard")
    if is_portal_client(user):
        return redirect("portal:home")
    if user.is_staff:
        return redirect("admin:index")
    return render(request, "home_no_role.html")


@trainer_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Recent clients and those whose screening needs attention.

    A trainer has about a hundred active clients: fetching them all once, already in activity
    order, and splitting in Python costs less than aggregating their assessments twice.
    """
    clients = list(
        Client.objects.for_trainer(request.user)
        .active()
        .with_activity()
        .with_screening_status()
        .only("first_name", "last_name", "updated_at")
    )
    due_before = screening_due_before()
    attention = [
        c
        for c in clients
        if screening_needs_attention(c.latest_screening_needs_clearance, c.latest_screened_on, due_before)
    ]
    recent, attention = clients[:DASHBOARD_ROWS], attention[:DASHBOARD_ROWS]
    return render(
        request, "clients/dashboard.html", {"recent_clients": recent, "attention_clients": attention}
    )
