"""Per-row values for the client tables, worked out once in Python.

A template include, a {% url %} and a date filter per row cost more than the query that
fetched the rows; these helpers give the templates plain strings instead.
"""

from collections.abc import Iterable
from datetime import date

from django.urls import reverse
from django.utils.dateformat import format as format_date

from clients.models import Client, screening_due_before, screening_is_due

# A pk no real client has: its URL is reversed once and the digits swapped for each row's pk.
_PK_PLACEHOLDER = 987654321


def screening_badge(
    needs_clearance: bool | None, screened_on: date | None, due_before: date
) -> tuple[str, str]:
    """The screening badge's Bootstrap colour and text for a client row."""
    if needs_clearance:
        return "danger", "Needs medical clearance"
    if screening_is_due(screened_on, due_before):
        return "warning", "Screening due"
    return "success", f"Screened {format_date(screened_on, 'M Y')}"


def add_row_values(clients: Iterable[Client]) -> None:
    """Sets url, latest_assessment_text, badge_colour and badge_text on each client.

    Expects with_activity() and with_screening_status().
    """
    url = reverse("clients:detail", kwargs={"pk": _PK_PLACEHOLDER})
    placeholder = str(_PK_PLACEHOLDER)
    due_before = screening_due_before()
    for client in clients:
        client.url = url.replace(placeholder, str(client.pk))
        latest = client.latest_assessment_on
        client.latest_assessment_text = format_date(latest, "j M Y") if latest else ""
        client.badge_colour, client.badge_text = screening_badge(
            client.latest_screening_needs_clearance, client.latest_screened_on, due_before
        )
