"""Writes to assessments. Each function is one transaction and records history with the user."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from assessments.models import Assessment, MeasureValue, MuscleFinding, PatternFinding
from assessments.signals import assessment_finalised


class ConflictError(Exception):
    """Someone saved the assessment after this edit started; nothing was written."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"The assessment is now at version {current_version}.")
        self.current_version = current_version


class LockedError(Exception):
    """The assessment is final and must be reopened before it can change."""


class AlreadySubmittedError(Exception):
    """This new-assessment form was saved before; `assessment` is what that first post created."""

    def __init__(self, assessment: Assessment) -> None:
        super().__init__(f"This form already created assessment {assessment.pk}.")
        self.assessment = assessment


@dataclass(frozen=True)
class PatternFindingData:
    pattern_id: int
    severity: int
    side: str = ""
    note: str = ""

    @property
    def key(self) -> tuple:
        return (self.pattern_id, self.side)


@dataclass(frozen=True)
class MuscleFindingData:
    muscle_id: int
    role: str
    side: str
    pattern_id: int | None = None
    note: str = ""

    @property
    def key(self) -> tuple:
        return (self.pattern_id, self.muscle_id, self.side)


@dataclass(frozen=True)
class MeasureValueData:
    measure_id: int
    value: Decimal
    side: str = ""

    @property
    def key(self) -> tuple:
        return (self.measure_id, self.side)


HEADER_FIELDS = ("session_date", "notes", "private_notes", "pain_score")


def assessment_save(
    *,
    assessment: Assessment,
    header: dict,
    pattern_findings: list[PatternFindingData],
    muscle_findings: list[MuscleFindingData],
    expected_version: int | None,
    by,
    measure_values: list[MeasureValueData] | None = None,
    read_findings: tuple[list[PatternFinding], list[MuscleFinding]] | None = None,
    read_measures: list[MeasureValue] | None = None,
    submission_token: UUID | None = None,
    finalise: bool = False,
) -> Assessment:
    """Create or update an assessment with exactly these findings, all or nothing.

    `header` holds the HEADER_FIELDS. `measure_values`, when given, become exactly the
    assessment's measures; None leaves them as they are. For an existing assessment,
    raises ConflictError when its version is no longer `expected_version`, and
    LockedError when it is final. The query count does not grow with the findings.
    With `finalise`, the assessment is also finalised in the same transaction: saved and
    final, or neither.

    When the version check fails but the assessment already holds exactly this (the same
    form sent again: a double click, a retry after a lost response), nothing is written and
    the assessment is returned as it now is, finalised too if asked: a resubmission succeeds.
    A final assessment counts as holding it only when `finalise` was asked.

    A new assessment stores its form's `submission_token`; when `by` already created one
    for this client with that token, nothing is written and AlreadySubmittedError names it.

    `read_findings` and `read_measures` are the assessment's rows as the caller read them earlier
    in this request, to save reading them again. That is safe because every change of findings
    claims a new version: the person editing saw `expected_version` before this request
    began, so if the claim succeeds nothing has changed since those rows were read.
    """
    now = timezone.now()
    with _once_per_token(assessment, submission_token, by=by), transaction.atomic():
        for name in HEADER_FIELDS:
            if name in header:
                setattr(assessment, name, header[name])
        assessment._history_user = by
        if assessment.pk is None:
            assessment.trainer = by
            assessment.version = 1
            assessment.submission_token = submission_token
            assessment._history_date = now
            assessment.save()
        else:
            try:
                _claim_version(assessment, expected_version)
            except (ConflictError, LockedError) as refused:
                if isinstance(refused, LockedError) and not finalise:
                    raise
                if not _holds(assessment.pk, header, pattern_findings, muscle_findings, measure_values):
                    raise
                assessment.refresh_from_db()
                if finalise and not assessment.is_final:
                    assessment_finalise(assessment=assessment, by=by)
                return assessment
            assessment._history_date = now
            assessment.save(update_fields=[*HEADER_FIELDS, "version", "updated_at"])
        pattern_rows, muscle_rows = read_findings or (None, None)
        _sync(
            PatternFinding,
            assessment=assessment,
            existing_rows=pattern_rows,
            wanted={f.key: f for f in pattern_findings},
            key=lambda row: (row.pattern_id, row.side),
            fields=("severity", "note"),
            build=lambda f: PatternFinding(
                assessment=assessment,
                pattern_id=f.pattern_id,
                severity=f.severity,
                side=f.side,
                note=f.note,
            ),
            by=by,
            now=now,
        )
        _sync(
            MuscleFinding,
            assessment=assessment,
            existing_rows=muscle_rows,
            wanted={f.key: f for f in muscle_findings},
            key=lambda row: (row.pattern_id, row.muscle_id, row.side),
            fields=("role", "note"),
            build=lambda f: MuscleFinding(
                assessment=assessment,
                muscle_id=f.muscle_id,
                role=f.role,
                side=f.side,
                pattern_id=f.pattern_id,
                note=f.note,
            ),
            by=by,
            now=now,
        )
        if measure_values is not None:
            wanted = {v.key: v for v in measure_values}
            _sync_measures(assessment, existing_rows=read_measures, wanted=wanted, by=by, now=now)
        if finalise:
            assessment_finalise(assessment=assessment, by=by)
    return assessment


def measure_values_record(
    *, assessment: Assessment, measure_values: list[MeasureValueData], expected_version: int | None, by
) -> Assessment:
    """Set these measures of a draft assessment, leaving its other measures as they are.

    Claims a new version, as a save of the form does, so that a form opened before this cannot
    silently put back the old values. Raises ConflictError when the version is no longer
    `expected_version`, LockedError when the assessment is final.
    """
    now = timezone.now()
    with transaction.atomic():
        _claim_version(assessment, expected_version)
        assessment._history_date = now
        _save_with_reason(assessment, by=by, reason="Measures taken from a photo", fields=[])
        wanted = {value.key: value for value in measure_values}
        # Only the rows of these measures and sides: the others are not this save's to remove.
        existing_rows = [
            row
            for row in MeasureValue.objects.filter(
                assessment=assessment, measure_id__in={value.measure_id for value in measure_values}
            )
            if (row.measure_id, row.side) in wanted
        ]
        _sync_measures(assessment, existing_rows=existing_rows, wanted=wanted, by=by, now=now)
    return assessment


def _sync_measures(assessment: Assessment, *, existing_rows, wanted: dict, by, now) -> None:
    """The assessment's measure values made `wanted`'s, from `existing_rows` (None: read them)."""
    _sync(
        MeasureValue,
        assessment=assessment,
        existing_rows=existing_rows,
        wanted=wanted,
        key=lambda row: (row.measure_id, row.side),
        fields=("value",),
        build=lambda v: MeasureValue(
            assessment=assessment, measure_id=v.measure_id, side=v.side, value=v.value
        ),
        by=by,
        now=now,
    )


def assessment_finalise(*, assessment: Assessment, by, expected_version: int | None = None) -> Assessment:
    """Lock the assessment. Raises LockedError when already final, ConflictError when stale.

    After the commit, sends assessment_finalised (reports renders the client's PDFs then).
    """
    with transaction.atomic():
        _claim_version(assessment, expected_version)
        assessment.status = Assessment.Status.FINAL
        assessment.finalised_at = timezone.now()
        _save_with_reason(assessment, by=by, reason="Finalised", fields=["status", "finalised_at"])
        # On commit: a rolled-back finalise announces nothing, and receivers (or the workers
        # they queue for) read committed rows. send_robust: no receiver can fail a finalise.
        transaction.on_commit(
            lambda: assessment_finalised.send_robust(sender=Assessment, assessment=assessment)
        )
    return assessment


def assessment_reopen(*, assessment: Assessment, by) -> Assessment:
    """Turn a final assessment back into a draft; the history records who and when."""
    with transaction.atomic():
        updated = Assessment.objects.filter(pk=assessment.pk, status=Assessment.Status.FINAL).update(
            version=F("version") + 1
        )
        if not updated:
            raise ConflictError(_current_version(assessment))
        assessment.version = _current_version(assessment)
        assessment.status = Assessment.Status.DRAFT
        assessment.finalised_at = None
        _save_with_reason(assessment, by=by, reason="Reopened", fields=["status", "finalised_at"])
    return assessment


@contextmanager
def _once_per_token(assessment: Assessment, token: UUID | None, *, by) -> Iterator[None]:
    """Around the transaction that creates `assessment`: when the unique constraint refuses
    its token, raise AlreadySubmittedError with the assessment that token created.

    The constraint decides, not a read first: of two posts racing, the second waits for the
    first to commit, then fails and finds what the first created. A query only then.
    """
    creating = assessment.pk is None
    try:
        yield
    except IntegrityError:
        earlier = None
        if creating and token is not None:
            earlier = Assessment.objects.filter(
                trainer=by, client_id=assessment.client_id, submission_token=token
            ).first()
        if earlier is None:
            raise
        raise AlreadySubmittedError(earlier) from None


def _claim_version(assessment: Assessment, expected_version: int | None) -> None:
    """Bump the version only if nobody else did and it is still a draft (one UPDATE)."""
    expected = assessment.version if expected_version is None else expected_version
    updated = Assessment.objects.filter(
        pk=assessment.pk, version=expected, status=Assessment.Status.DRAFT
    ).update(version=F("version") + 1)
    if not updated:
        current = Assessment.objects.filter(pk=assessment.pk).values_list("status", "version").first()
        if current and current[0] == Assessment.Status.FINAL:
            raise LockedError("This assessment is final. Reopen it to make changes.")
        raise ConflictError(current[1] if current else expected)
    assessment.version = expected + 1


def _holds(
    assessment_id: int,
    header: dict,
    pattern_findings: list[PatternFindingData],
    muscle_findings: list[MuscleFindingData],
    measure_values: list[MeasureValueData] | None = None,
) -> bool:
    """Whether the stored assessment already equals what a save would make it (four queries at most)."""
    stored = Assessment.objects.filter(pk=assessment_id).values(*HEADER_FIELDS).first()
    if stored is None or any(stored[name] != value for name, value in header.items() if name in stored):
        return False
    patterns = set(
        PatternFinding.objects.filter(assessment_id=assessment_id).values_list(
            "pattern_id", "side", "severity", "note"
        )
    )
    # As the save keeps them: the last of each key.
    wanted_patterns = {f.key: f for f in pattern_findings}.values()
    if patterns != {(f.pattern_id, f.side, f.severity, f.note) for f in wanted_patterns}:
        return False
    muscles = set(
        MuscleFinding.objects.filter(assessment_id=assessment_id).values_list(
            "pattern_id", "muscle_id", "side", "role", "note"
        )
    )
    wanted_muscles = {f.key: f for f in muscle_findings}.values()
    if muscles != {(f.pattern_id, f.muscle_id, f.side, f.role, f.note) for f in wanted_muscles}:
        return False
    if measure_values is None:
        return True
    measures = set(
        MeasureValue.objects.filter(assessment_id=assessment_id).values_list("measure_id", "side", "value")
    )
    return measures == {(v.measure_id, v.side, v.value) for v in {v.key: v for v in measure_values}.values()}


def _current_version(assessment: Assessment) -> int:
    return Assessment.objects.values_list("version", flat=True).get(pk=assessment.pk)


def _save_with_reason(assessment: Assessment, *, by, reason: str, fields: list[str]) -> None:
    assessment._history_user = by
    assessment._change_reason = reason
    assessment.save(update_fields=[*fields, "version", "updated_at"])


def _sync(model, *, assessment, existing_rows, wanted: dict, key, fields: tuple, build, by, now) -> None:
    """Make the assessment's rows of `model` equal `wanted`, in a constant number of queries.

    Rows are diffed rather than replaced so that the history reads as what changed.
    `existing_rows` are the current rows if already read, else None.
    """
    if existing_rows is None:
        existing_rows = model.objects.filter(assessment=assessment)
    existing = {key(row): row for row in existing_rows}
    to_create = [build(data) for k, data in wanted.items() if k not in existing]
    to_update = []
    for k, row in existing.items():
        data = wanted.get(k)
        if data is not None and any(getattr(row, f) != getattr(data, f) for f in fields):
            for f in fields:
                setattr(row, f, getattr(data, f))
            to_update.append(row)
    to_delete = [row for k, row in existing.items() if k not in wanted]
    if to_delete:
        _delete_with_history(model, to_delete, by=by, now=now)
    if to_update:
        bulk_update_with_history(to_update, model, list(fields), default_user=by, default_date=now)
    if to_create:
        bulk_create_with_history(to_create, model, default_user=by, default_date=now)


def _delete_with_history(model: type[Model], rows: list, *, by, now: date) -> None:
    """Record the removals in the history, then delete the rows: two statements however many."""
    history_model = model.history.model
    history_model.objects.bulk_create(
        [
            history_model(
                history_date=now,
                history_user=by,
                history_type="-",
                **{field.attname: getattr(row, field.attname) for field in history_model.tracked_fields},
            )
            for row in rows
        ]
    )
    # QuerySet.delete() would send post_delete for each row, and simple-history would then
    # write each removal a second time, one INSERT per row. Nothing references a finding,
    # so one plain DELETE through Django's public cursor API is all a removal needs.
    ids = [row.pk for row in rows]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(ids))})", ids)
