from datetime import date

from django import template

from clients.models import screening_due_before

register = template.Library()


@register.filter
def screening_is_due(screened_on: date | None) -> bool:
    """True when there is no screening or it is older than 12 months."""
    return screened_on is None or screened_on < screening_due_before()
