"""What a client sees of their plan: its exercises, the tick-off of a home session and their record.

Only the current (published) plan: a draft is the trainer's work in progress, and an ended plan's
record is kept as it was.
"""

from datetime import timedelta

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_safe

from clients.models import Client
from clients.roles import portal_client_required
from clients.services import DATABASE_UNAVAILABLE, NOT_SAVED, nothing_changed
from plans.adherence import plan_adherence
from plans.forms.session import SessionForm
from plans.models import Plan, PlanSession
from plans.services import AlreadyLoggedError, LockedError, session_log, session_remove
from security.access import require_methods
from security.audit import Action, audit

TEMPLATE = "plans/portal_plan.html"
# Enough to see a trend without a long scroll on a phone.
RECENT_WEEKS = 4


def _current_plan(request: HttpRequest) -> Plan | None:
    return Plan.objects.for_portal_user(request.user).published().first()


def _current_plan_or_404(request: HttpRequest) -> Plan:
    plan = _current_plan(request)
    if plan is None:
        raise Http404("There is no current plan.")
    return plan


def _own_session(request: HttpRequest, pk: int) -> PlanSession:
    """A session of one of this client's plans, current or ended; anyone else's is a 404."""
    return get_object_or_404(
        PlanSession.objects.filter(plan__in=Plan.objects.for_portal_user(request.user)).select_related(
            "plan"
        ),
        pk=pk,
    )


def _render(
    request: HttpRequest, *, client: Client, plan: Plan | None, form: SessionForm | None, status: int = 200
) -> HttpResponse:
    """The plan page: two queries (items with their exercises, sessions), however many of either."""
    context = {"client": client, "trainer": client.trainer, "plan": plan, "form": form}
    if plan is not None:
        items = list(plan.items.select_related("exercise"))
        sessions = list(plan.sessions.all())
        today = timezone.localdate()
        sunday = today + timedelta(days=6 - today.weekday())
        # Up to Sunday, so that this week asks for its whole target rather than the days gone by.
        adherence = plan_adherence(plan, done_on=[session.done_on for session in sessions], until=sunday)
        context |= {
            "items": items,
            "sessions": sessions,
            "this_week": adherence.weeks[-1] if adherence.weeks else None,
            "recent_weeks": adherence.weeks[-RECENT_WEEKS - 1 : -1][::-1],
        }
    return render(request, TEMPLATE, context, status=status)


@portal_client_required
@require_safe
def plan(request: HttpRequest) -> HttpResponse:
    client = request.user.client_profile  # with its trainer, read by the access check
    current = _current_plan(request)
    audit(request, client_id=client.pk)
    return _render(request, client=client, plan=current, form=SessionForm(plan=current) if current else None)


@portal_client_required
@require_methods("POST", lookup=_current_plan_or_404)
def log(request: HttpRequest) -> HttpResponse:
    client = request.user.client_profile
    current = _current_plan_or_404(request)
    form = SessionForm(request.POST, plan=current)
    status = 200
    if form.is_valid():
        done_on = form.cleaned_data["done_on"]
        try:
            # One transaction: no session without its audit row.
            with transaction.atomic():
                session_log(plan=current, by=request.user, **form.cleaned_data)
                audit(request, client_id=client.pk)
        except AlreadyLoggedError:
            form.add_error(
                "done_on",
                f"You already ticked off {date_format(done_on, 'j F Y')}. Pick another day, or remove "
                "that one below if it was a mistake.",
            )
        except DATABASE_UNAVAILABLE:
            form.add_error(None, NOT_SAVED)
            status = 503
        else:
            messages.success(request, f"Well done! {date_format(done_on, 'l j F')} is ticked off.")
            return redirect("portal_plan:plan")
    # Nothing changed, but the page shown again is the client's plan.
    audit(request, client_id=client.pk, action=Action.VIEW)
    return _render(request, client=client, plan=current, form=form, status=status)


@portal_client_required
@require_methods("POST", lookup=_own_session)
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    session = _own_session(request, pk)
    day = date_format(session.done_on, "l j F")
    try:
        with transaction.atomic():
            session_remove(session=session, by=request.user)
            audit(request, client_id=session.plan.client_id)
    except LockedError:
        messages.info(request, f"{day} belongs to a plan that has ended: its record is kept as it was.")
    except DATABASE_UNAVAILABLE:
        messages.error(request, nothing_changed("Not removed"))
    else:
        messages.success(request, f"{day} is no longer ticked off.")
    return redirect("portal_plan:plan")
