"""What the client page shows of a client's plans; the clients app reads them through its reverse
relation and may not import plans, so the summary is made here, in the template that shows it."""

from dataclasses import dataclass

from django import template

from plans.adherence import Adherence, plan_adherence
from plans.models import Plan

register = template.Library()

# A month of weeks: long enough to mean something, recent enough to act on.
RECENT_WEEKS = 4


@dataclass(frozen=True)
class ClientPlans:
    current: Plan | None
    drafts: list[Plan]
    ended: list[Plan]
    recent: Adherence | None


@register.simple_tag
def client_plans(plans: list[Plan]) -> ClientPlans:
    """No query: `plans` were read with their sessions prefetched."""
    current = next((plan for plan in plans if plan.is_current), None)
    recent = None
    if current is not None:
        adherence = plan_adherence(current, done_on=[session.done_on for session in current.sessions.all()])
        recent = Adherence(weeks=adherence.weeks[-RECENT_WEEKS:])
    return ClientPlans(
        current=current,
        drafts=[plan for plan in plans if plan.is_draft],
        ended=[plan for plan in plans if plan.status == Plan.Status.ENDED],
        recent=recent,
    )
