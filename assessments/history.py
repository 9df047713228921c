"""An assessment's history as readable entries: who changed what, and when."""

from dataclasses import dataclass, field
from datetime import datetime

from assessments.models import Assessment, MeasureValue, MuscleFinding, PatternFinding, Severity
from imbalances.models import show_measure

HEADER_LABELS = {
    "session_date": "session date",
    "pain_score": "pain score",
    "notes": "notes",
    "private_notes": "private notes",
    "status": "status",
}


@dataclass
class HistoryEntry:
    when: datetime
    who: object | None
    reason: str = ""
    changes: list[str] = field(default_factory=list)


def assessment_history(assessment: Assessment) -> list[HistoryEntry]:
    """Newest first. Four queries, whatever the length of the history."""
    header = list(
        Assessment.history.filter(id=assessment.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    patterns = list(
        PatternFinding.history.filter(assessment_id=assessment.pk)
        .select_related("history_user", "pattern")
        .order_by("history_date", "history_id")
    )
    muscles = list(
        MuscleFinding.history.filter(assessment_id=assessment.pk)
        .select_related("history_user", "muscle", "pattern")
        .order_by("history_date", "history_id")
    )
    measures = list(
        MeasureValue.history.filter(assessment_id=assessment.pk)
        .select_related("history_user", "measure")
        .order_by("history_date", "history_id")
    )
    entries: dict[tuple, HistoryEntry] = {}

    def entry_for(record) -> HistoryEntry:
        # One save writes every row with the same date and user: one entry.
        key = (record.history_date, record.history_user_id)
        if key not in entries:
            entries[key] = HistoryEntry(when=record.history_date, who=record.history_user)
        return entries[key]

    previous: dict = {}
    for record in header:
        entry = entry_for(record)
        if record.history_change_reason:
            entry.reason = record.history_change_reason
        before = previous.get(record.id)
        if record.history_type == "+":
            entry.changes.insert(0, f"Created the assessment for {record.session_date:%d %b %Y}")
        elif before is not None:
            for name, label in HEADER_LABELS.items():
                old, new = getattr(before, name), getattr(record, name)
                if old != new:
                    entry.changes.append(_header_change(label, old, new))
        previous[record.id] = record

    previous = {}
    for record in patterns:
        entry_for(record).changes.extend(_pattern_change(record, previous.get(record.id)))
        previous[record.id] = record

    previous = {}
    for record in muscles:
        entry_for(record).changes.extend(_muscle_change(record, previous.get(record.id)))
        previous[record.id] = record

    previous = {}
    for record in measures:
        entry_for(record).changes.extend(_measure_change(record, previous.get(record.id)))
        previous[record.id] = record

    return sorted(entries.values(), key=lambda e: e.when, reverse=True)


def _header_change(label: str, old, new) -> str:
    if label in ("notes", "private notes"):
        return f"Changed the {label}"
    return f"Changed {label}: {show_value(old)} → {show_value(new)}"


def show_value(value) -> str:
    """A changed value as the history shows it: a date as '03 Feb 2025', nothing as 'none'."""
    if value is None or value == "":
        return "none"
    if hasattr(value, "strftime"):
        return f"{value:%d %b %Y}"
    return str(value)


def _severity(value: int) -> str:
    return Severity(value).label


def _pattern_name(record) -> str:
    side = f" ({record.side})" if record.side else ""
    return f"{record.pattern.name}{side}"


def _pattern_change(record, before) -> list[str]:
    if record.history_type == "+":
        return [f"Found {_pattern_name(record)}: {_severity(record.severity)}"]
    if record.history_type == "-":
        return [f"Removed {_pattern_name(record)}"]
    changes = []
    if before is not None and before.severity != record.severity:
        changes.append(
            f"{_pattern_name(record)}: {_severity(before.severity)} → {_severity(record.severity)}"
        )
    if before is not None and before.note != record.note:
        changes.append(f"Changed the note on {_pattern_name(record)}")
    return changes


def _muscle_name(record) -> str:
    under = f" under {record.pattern.name.lower()}" if record.pattern_id else ""
    return f"{record.muscle.name} ({record.side}){under}"


def _muscle_change(record, before) -> list[str]:
    if record.history_type == "+":
        return [f"Found {_muscle_name(record)} {record.role}"]
    if record.history_type == "-":
        return [f"Removed {_muscle_name(record)}"]
    if before is not None and before.role != record.role:
        return [f"{_muscle_name(record)}: {before.role} → {record.role}"]
    return []


def _measure_text(record, value) -> str:
    measure = record.measure
    side = f" ({record.side})" if record.side else ""
    return f"{measure.name}{side}: {show_measure(value, unit=measure.unit, is_test=measure.is_test)}"


def _measure_change(record, before) -> list[str]:
    if record.history_type == "+":
        return [f"Measured {_measure_text(record, record.value)}"]
    if record.history_type == "-":
        side = f" ({record.side})" if record.side else ""
        return [f"Removed the measure {record.measure.name}{side}"]
    if before is not None and before.value != record.value:
        old = show_measure(before.value, unit=record.measure.unit, is_test=record.measure.is_test)
        return [f"{_measure_text(record, record.value)} (was {old})"]
    return []
