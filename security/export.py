"""Everything the studio holds about one client, as a versioned JSON document plus PDFs.

The document is built in a fixed number of queries whatever the number of sessions;
the PDFs come from the reports app's own builders and renderer, from its cache when
the same report was rendered before.
"""

import json
import logging
import os
import shutil
import zipfile
from collections.abc import Iterator
from datetime import date
from typing import IO, Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from assessments.models import Assessment, MeasureValue, MuscleFinding, PatternFinding, Photo
from clients.models import Client, MedicalClearance, details_field
from plans.models import Plan, PlanItem, PlanSession
from reports.data import build_progress, build_summary
from reports.pdf import pdf_filename, render_pdf
from reports.services import rendered_report_find, report_key
from security.models import AuditEvent

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "trainer-studio-client-export"
EXPORT_VERSION = 1


def _who(user) -> str | None:
    """A person as the client would recognise them; None when the account is gone."""
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


def _client(client: Client) -> dict[str, Any]:
    return {
        "id": client.pk,
        "first_name": client.first_name,
        "last_name": client.last_name,
        "email": client.email,
        "phone": client.phone,
        "date_of_birth": client.date_of_birth,
        "goals": client.goals,
        "health_notes": client.health_notes,
        "consent_given_at": client.consent_given_at,
        "consent_recorded_by": _who(client.consent_recorded_by),
        "photo_consent_given_at": client.photo_consent_given_at,
        "photo_consent_recorded_by": _who(client.photo_consent_recorded_by),
        "is_archived": client.is_archived,
        "trainer": _who(client.trainer),
        "created_at": client.created_at,
        "updated_at": client.updated_at,
    }


def _screenings(client: Client) -> list[dict[str, Any]]:
    return [
        {
            "screened_on": screening.screened_on,
            "recorded_by": _who(screening.recorded_by),
            "created_at": screening.created_at,
            "needs_clearance": screening.needs_clearance,
            "answers": [
                {
                    "question": text,
                    "answer": getattr(screening, field),
                    "details": getattr(screening, details_field(field)),
                }
                for field, text in screening.QUESTIONS.items()
            ],
            "notes": screening.notes,
            "confirmed_name": screening.confirmed_name,
            "confirmed_on": screening.confirmed_on,
            "clearance": _clearance(screening.clearance) if screening.is_cleared else None,
        }
        for screening in client.screenings.select_related("recorded_by", "clearance__recorded_by")
    ]


def _clearance(clearance: MedicalClearance) -> dict[str, Any]:
    return {
        "cleared_on": clearance.cleared_on,
        "cleared_by": clearance.cleared_by,
        "recorded_by": _who(clearance.recorded_by),
        "created_at": clearance.created_at,
        "letter": letter_export_name(clearance) if clearance.letter else None,
    }


def letter_export_name(clearance: MedicalClearance) -> str:
    """Where the zip holds a clearance's letter."""
    extension = os.path.splitext(clearance.letter)[1]
    return f"letters/clearance-{clearance.cleared_on:%Y-%m-%d}-{clearance.pk}{extension}"


def _assessment_overrides(client: Client) -> list[dict[str, Any]]:
    return [
        {
            "at": override.created_at,
            "by": _who(override.trainer),
            "reason": override.reason,
            "missing": override.missing,
        }
        for override in client.assessment_overrides.select_related("trainer").order_by("created_at")
    ]


def _pattern_finding(finding: PatternFinding) -> dict[str, Any]:
    return {
        "pattern": finding.pattern.slug,
        "pattern_name": finding.pattern.name,
        "severity": finding.get_severity_display(),
        "side": finding.side,
        "note": finding.note,
    }


def _muscle_finding(finding: MuscleFinding) -> dict[str, Any]:
    return {
        "muscle": finding.muscle.slug,
        "muscle_name": finding.muscle.name,
        "observed": finding.role,
        "side": finding.side,
        "pattern": finding.pattern.slug if finding.pattern else None,
        "note": finding.note,
    }


def _assessments(client: Client) -> list[Assessment]:
    return list(
        Assessment.objects.filter(client=client)
        .select_related("trainer")
        .prefetch_related(
            Prefetch("pattern_findings", PatternFinding.objects.select_related("pattern")),
            Prefetch("muscle_findings", MuscleFinding.objects.select_related("muscle", "pattern")),
            Prefetch("measure_values", MeasureValue.objects.select_related("measure")),
            Prefetch("photos", Photo.objects.select_related("uploaded_by")),
        )
        .order_by("session_date", "created_at")
    )


def _assessment(assessment: Assessment) -> dict[str, Any]:
    return {
        "id": assessment.pk,
        "session_date": assessment.session_date,
        "status": assessment.status,
        "trainer": _who(assessment.trainer),
        "notes": assessment.notes,
        "private_notes": assessment.private_notes,
        "pain_score": assessment.pain_score,
        "version": assessment.version,
        "finalised_at": assessment.finalised_at,
        "created_at": assessment.created_at,
        "updated_at": assessment.updated_at,
        "share_photos": assessment.share_photos,
        "pattern_findings": [_pattern_finding(f) for f in assessment.pattern_findings.all()],
        "muscle_findings": [_muscle_finding(f) for f in assessment.muscle_findings.all()],
        "measures": [
            {"measure": v.measure.slug, "measure_name": v.measure.name, "side": v.side, "value": v.value}
            for v in assessment.measure_values.all()
        ],
        "photos": [
            {
                "view": photo.view,
                "file": photo_export_name(assessment, photo),
                "thumbnail": photo_export_name(assessment, photo, thumbnail=True),
                "width": photo.width,
                "height": photo.height,
                # Fractions of the width and height, as the app keeps them: {name: [x, y]}.
                "landmarks": photo.landmarks,
                "uploaded_at": photo.uploaded_at,
                "uploaded_by": _who(photo.uploaded_by),
            }
            for photo in assessment.photos.all()
        ],
    }


def photo_export_name(assessment: Assessment, photo: Photo, *, thumbnail: bool = False) -> str:
    """Where the zip holds a photo (or its thumbnail): by session, then by view."""
    kind = "-thumbnail" if thumbnail else ""
    return (
        f"photos/{assessment.session_date:%Y-%m-%d}-session-{assessment.pk}/{photo.view}-{photo.pk}{kind}.jpg"
    )


def _plans(client: Client) -> list[dict[str, Any]]:
    """Every plan with its exercises and the sessions the client logged; drafts too. Three queries."""
    plans = (
        Plan.objects.filter(client=client)
        .select_related("trainer")
        .prefetch_related(
            Prefetch("items", PlanItem.objects.select_related("exercise")),
            Prefetch("sessions", PlanSession.objects.order_by("done_on")),
        )
        .order_by("start_date", "created_at")
    )
    return [
        {
            "id": plan.pk,
            "assessment_id": plan.assessment_id,
            "status": plan.status,
            "trainer": _who(plan.trainer),
            "start_date": plan.start_date,
            "review_date": plan.review_date,
            "sessions_per_week": plan.sessions_per_week,
            "notes": plan.notes,
            "version": plan.version,
            "published_at": plan.published_at,
            "ended_at": plan.ended_at,
            "replaced_by": plan.replaced_by_id,
            "created_at": plan.created_at,
            "updated_at": plan.updated_at,
            "items": [_plan_item(item) for item in plan.items.all()],
            "sessions": [
                {"done_on": s.done_on, "effort": s.effort, "note": s.note, "logged_at": s.logged_at}
                for s in plan.sessions.all()
            ],
        }
        for plan in plans
    ]


def _plan_item(item: PlanItem) -> dict[str, Any]:
    return {
        "exercise": item.exercise.slug,
        "exercise_name": item.exercise.name,
        "sets": item.sets,
        "reps": item.reps,
        "hold_seconds": item.hold_seconds,
        "tempo": item.tempo,
        "per_week": item.per_week,
        "dosage": item.dosage,
        "note": item.note,
        "reason": item.reason,
    }


HISTORY_SKIP = {"history_id", "history_date", "history_user", "history_type", "history_change_reason"}


def _history_values(record: Model) -> dict[str, Any]:
    """The tracked values as stored in one historical row (foreign keys as ids)."""
    return {
        field.attname: getattr(record, field.attname)
        for field in record._meta.concrete_fields
        if field.name not in HISTORY_SKIP
    }


def history_querysets(client_id: int, assessment_ids: set[int], plan_ids: set[int]) -> dict[str, Any]:
    """Every historical row about this client, including those of assessments and plans since deleted."""
    return {
        "assessment": Assessment.history.filter(client_id=client_id),
        "pattern_finding": PatternFinding.history.filter(assessment_id__in=assessment_ids),
        "muscle_finding": MuscleFinding.history.filter(assessment_id__in=assessment_ids),
        "measure_value": MeasureValue.history.filter(assessment_id__in=assessment_ids),
        "photo": Photo.history.filter(assessment_id__in=assessment_ids),
        "plan": Plan.history.filter(client_id=client_id),
        "plan_item": PlanItem.history.filter(plan_id__in=plan_ids),
        "plan_session": PlanSession.history.filter(plan_id__in=plan_ids),
    }


def historical_assessment_ids(client_id: int) -> set[int]:
    """Ids of every assessment this client ever had, deleted ones too (from the history)."""
    current = Assessment.objects.filter(client_id=client_id).values_list("pk", flat=True)
    past = Assessment.history.filter(client_id=client_id).values_list("id", flat=True)
    return set(current) | set(past)


def historical_plan_ids(client_id: int) -> set[int]:
    """Ids of every plan this client ever had, discarded drafts too (from the history)."""
    current = Plan.objects.filter(client_id=client_id).values_list("pk", flat=True)
    past = Plan.history.filter(client_id=client_id).values_list("id", flat=True)
    return set(current) | set(past)


def _history(client: Client) -> list[dict[str, Any]]:
    rows = []
    querysets = history_querysets(
        client.pk, historical_assessment_ids(client.pk), historical_plan_ids(client.pk)
    )
    for kind, queryset in querysets.items():
        for record in queryset.select_related("history_user"):
            rows.append(
                {
                    "record": kind,
                    "when": record.history_date,
                    "who": _who(record.history_user),
                    "type": record.get_history_type_display(),
                    "reason": record.history_change_reason,
                    "values": _history_values(record),
                }
            )
    return sorted(rows, key=lambda row: (row["when"], row["record"]))


def _report_downloads(client: Client) -> list[dict[str, Any]]:
    return [
        {
            "downloaded_at": download.downloaded_at,
            "by": _who(download.user),
            "kind": download.kind,
            "assessment_id": download.assessment_id,
            "includes_drafts": download.includes_drafts,
        }
        for download in client.report_downloads.select_related("user")
    ]


def _audit_events(client: Client) -> list[dict[str, Any]]:
    # The address of whoever looked is theirs, not the client's: left out.
    return [
        {
            "at": event.at,
            "by": _who(event.user),
            "action": event.action,
            "url_name": event.url_name,
            "path": event.path,
        }
        for event in AuditEvent.objects.filter(client=client).select_related("user")
    ]


def _portal_account(client: Client) -> dict[str, Any] | None:
    user = client.portal_user
    if user is None:
        return None
    return {
        "username": user.get_username(),
        "email": user.email,
        "is_active": user.is_active,
        "has_password": user.has_usable_password(),
        "last_login": user.last_login,
        "date_joined": user.date_joined,
    }


def login_names(client: Client) -> set[str]:
    """The names the client's sign-in records are kept under: the e-mail they were invited
    at, and their portal account's username and e-mail."""
    names = {client.email}
    if client.portal_user is not None:
        names |= {client.portal_user.get_username(), client.portal_user.email}
    return names - {""}


def login_record_querysets(client: Client) -> dict[str, QuerySet]:
    """The client's sign-in records (django-axes) and the admin log of their portal account.

    The export shows exactly these rows and erasure deletes exactly these, so a record
    about someone else is in neither.
    """
    by_name = Q(pk__in=[])
    for name in login_names(client):
        by_name |= Q(username__iexact=name)
    return {
        "sign_in": AccessLog.objects.filter(by_name),
        "failed_attempts": AccessAttempt.objects.filter(by_name),
        "failure": AccessFailureLog.objects.filter(by_name),
        "admin_log": LogEntry.objects.filter(user_id=client.portal_user_id)
        if client.portal_user_id
        else LogEntry.objects.none(),
    }


def _access(record: AccessLog | AccessAttempt | AccessFailureLog, kind: str) -> dict[str, Any]:
    return {
        "record": kind,
        "at": record.attempt_time,
        "username": record.username,
        "ip_address": record.ip_address,
        "user_agent": record.user_agent,
        "path": record.path_info,
    }


def _login_records(records: dict[str, QuerySet]) -> list[dict[str, Any]]:
    rows = [
        {**_access(log, "signed in"), "signed_out_at": log.logout_time}
        for log in records["sign_in"].order_by("attempt_time")
    ]
    rows += [
        {**_access(failure, "failed sign-in"), "locked_out": failure.locked_out}
        for failure in records["failure"].order_by("attempt_time")
    ]
    # What django-axes keeps to count failures towards a lockout (passwords masked).
    rows += [
        {
            **_access(attempt, "failed sign-ins counted towards a lockout"),
            "failures": attempt.failures_since_start,
            "get_data": attempt.get_data,
            "post_data": attempt.post_data,
        }
        for attempt in records["failed_attempts"].order_by("attempt_time")
    ]
    return sorted(rows, key=lambda row: row["at"])


ADMIN_ACTIONS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


def _admin_log(records: dict[str, QuerySet]) -> list[dict[str, Any]]:
    return [
        {
            "at": entry.action_time,
            "action": ADMIN_ACTIONS.get(entry.action_flag, ""),
            "object_type": str(entry.content_type) if entry.content_type else None,
            "object": entry.object_repr,
            "message": entry.get_change_message(),
        }
        for entry in records["admin_log"].select_related("content_type").order_by("action_time")
    ]


def export_document(client: Client, assessments: list[Assessment] | None = None) -> dict[str, Any]:
    """The JSON-ready export of one client. A fixed number of queries."""
    client = Client.objects.select_related(
        "trainer", "consent_recorded_by", "photo_consent_recorded_by", "portal_user"
    ).get(pk=client.pk)
    if assessments is None:
        assessments = _assessments(client)
    logins = login_record_querysets(client)
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now(),
        "client": _client(client),
        "screenings": _screenings(client),
        "assessment_overrides": _assessment_overrides(client),
        "assessments": [_assessment(a) for a in assessments],
        "plans": _plans(client),
        "history": _history(client),
        "report_downloads": _report_downloads(client),
        "audit_events": _audit_events(client),
        "portal_account": _portal_account(client),
        "login_records": _login_records(logins),
        "admin_log": _admin_log(logins),
    }


def _pdf_bytes(report) -> bytes:
    """The report's PDF, from the render cache when it holds these exact contents."""
    rendered = rendered_report_find(key=report_key(report))
    if rendered is not None:
        with default_storage.open(rendered.file_name, "rb") as cached:
            return cached.read()
    return render_pdf(report)


def export_pdfs(client: Client, assessments: list[Assessment]) -> Iterator[tuple[str, bytes]]:
    """(file name, PDF), one at a time: the summary of every finalised session, then the
    progress report. Queries and may render for each session: for a task, not a request."""
    names: set[str] = set()
    final = [a for a in assessments if a.is_final]
    for assessment in final:
        report = build_summary(assessment.pk)
        name = pdf_filename(report)
        if name in names:  # two sessions on one day
            name = name.removesuffix(".pdf") + f"-{assessment.pk}.pdf"
        names.add(name)
        yield name, _pdf_bytes(report)
    if final:
        progress = build_progress(client.pk)
        yield pdf_filename(progress), _pdf_bytes(progress)


def export_filename(client: Client, on: date | None = None) -> str:
    """`jane-doe-data-2026-11-25.zip`: whose data, exported which day."""
    day = on or timezone.localdate()
    return f"{slugify(client.full_name) or 'client'}-data-{day:%Y-%m-%d}.zip"


def export_zip(client: Client, out: IO[bytes]) -> None:
    """Writes the zip of data.json, reports/*.pdf, the doctors' letters/ and the posture photos/ into
    `out`, a file at a time, so memory stays bounded however many sessions the client has."""
    assessments = _assessments(client)
    document = export_document(client, assessments)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        )
        for name, pdf in export_pdfs(client, assessments):
            archive.writestr(f"reports/{name}", pdf)
        for clearance in MedicalClearance.objects.filter(screening__client=client).exclude(letter=""):
            _copy_into(archive, clearance.letter, letter_export_name(clearance))
        for assessment in assessments:
            for photo in assessment.photos.all():
                _copy_into(archive, photo.image.name, photo_export_name(assessment, photo))
                _copy_into(
                    archive, photo.thumbnail.name, photo_export_name(assessment, photo, thumbnail=True)
                )


def _copy_into(archive: zipfile.ZipFile, name: str, entry_name: str) -> None:
    """Copies a stored file (a letter, a photo) into the zip, a chunk at a time."""
    try:
        with default_storage.open(name, "rb") as stored, archive.open(entry_name, "w") as entry:
            shutil.copyfileobj(stored, entry)
    except OSError:
        # The rest of the client's data is still theirs to have; the admin sees the gap.
        logger.exception("The stored file %s is missing from the export", name)
