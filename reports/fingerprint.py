"""A cheap fingerprint of everything a report shows, to find its cached PDF without building it.

Building a report makes a model and a dataclass of every finding; downloading an
unchanged PDF should cost a few small queries instead. The fingerprint hashes the
very columns the builders in reports.data read (assessments, findings, client and
trainer names, the catalogue rows mentioned), so any edit, even a queryset
update() that leaves no timestamp, gives a new fingerprint. It only chooses which
cached PDF to look up: the PDF itself is still keyed on the built report's content.
"""

import hashlib
from datetime import date

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from assessments.models import Assessment, MuscleFinding, PatternFinding
from clients.models import Client
from imbalances.models import Muscle, Pattern
from reports.data import progress_assessments, templates_fingerprint
from reports.models import ReportKind


def _assessments(kind: str, object_id: int, start: str | None, end: str | None, drafts: bool) -> QuerySet:
    """The same selection as reports.data's builders."""
    if kind == ReportKind.SUMMARY:
        return Assessment.objects.filter(pk=object_id)
    return progress_assessments(
        object_id,
        start=date.fromisoformat(start) if start else None,
        end=date.fromisoformat(end) if end else None,
        include_drafts=drafts,
    )


def report_fingerprint(
    *, kind: str, object_id: int, start: str | None, end: str | None, include_drafts: bool
) -> str:
    """sha256 over what the report shows, today's date and the templates. Six small queries."""
    assessments = _assessments(kind, object_id, start, end, include_drafts)
    if kind == ReportKind.SUMMARY:
        clients = Client.objects.filter(assessments__pk=object_id)
    else:
        clients = Client.objects.filter(pk=object_id)
    people = list(
        clients.values_list(
            "pk", "first_name", "last_name", "trainer__first_name", "trainer__last_name", "trainer__username"
        )
    )
    sessions = list(
        assessments.order_by("session_date", "created_at", "pk").values_list(
            "pk", "session_date", "created_at", "status", "notes", "pain_score"
        )
    )
    ids = [row[0] for row in sessions]
    patterns = list(
        PatternFinding.objects.filter(assessment_id__in=ids)
        .order_by("pk")
        .values_list("pk", "assessment_id", "pattern_id", "side", "severity", "note")
    )
    muscles = list(
        MuscleFinding.objects.filter(assessment_id__in=ids)
        .order_by("pk")
        .values_list("pk", "assessment_id", "muscle_id", "role", "side", "note")
    )
    catalogue_patterns = list(
        Pattern.objects.filter(pk__in={row[2] for row in patterns})
        .order_by("pk")
        .values_list(
            "pk", "slug", "name", "description", "display_order", "region__name", "region__display_order"
        )
    )
    catalogue_muscles = list(
        Muscle.objects.filter(pk__in={row[2] for row in muscles})
        .order_by("pk")
        .values_list("pk", "slug", "name", "lay_name", "description", "aliases")
    )
    content = (
        (kind, object_id, start, end, include_drafts),
        # The report prints the day it was generated and links to the site.
        (timezone.localdate(), settings.SITE_URL, templates_fingerprint()),
        people,
        sessions,
        patterns,
        muscles,
        catalogue_patterns,
        catalogue_muscles,
    )
    return hashlib.sha256(repr(content).encode()).hexdigest()
