"""Scopes of data that cached pages depend on, and their stamps.

- `catalogue`: regions, patterns, muscles and their links.
- `trainer:<id>`: everything a trainer's pages show: their clients, screenings,
  assessments and findings, and the accounts named on those pages.
"""

import uuid

from pagecache.models import Stamp

CATALOGUE = "catalogue"


def trainer_scope(trainer_id: int) -> str:
    return f"trainer:{trainer_id}"


def bump(*scopes: str) -> None:
    """Give each scope a new token: one statement, whether or not it had one.

    Rows are locked in sorted order, so two transactions bumping the same scopes
    cannot deadlock.
    """
    Stamp.objects.bulk_create(
        [Stamp(scope=scope, token=uuid.uuid4()) for scope in sorted(set(scopes))],
        update_conflicts=True,
        unique_fields=["scope"],
        update_fields=["token"],
    )


def tokens(*scopes: str) -> tuple[str, ...]:
    """The current token of each scope, in order; a scope seen for the first time gets one."""
    found = dict(Stamp.objects.filter(scope__in=scopes).values_list("scope", "token"))
    missing = [scope for scope in scopes if scope not in found]
    if missing:
        bump(*missing)
        found |= dict(Stamp.objects.filter(scope__in=missing).values_list("scope", "token"))
    return tuple(str(found[scope]) for scope in scopes)
