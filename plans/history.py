"""A plan's history as readable entries: who changed what, and when."""

from assessments.history import HistoryEntry, show_value
from imbalances.models import show_dosage, show_tempo
from plans.models import Plan, PlanItem

HEADER_LABELS = {
    "start_date": "start date",
    "review_date": "review date",
    "sessions_per_week": "sessions a week",
    "notes": "notes for the client",
    "status": "status",
}


def plan_history(plan: Plan) -> list[HistoryEntry]:
    """Newest first. Two queries, whatever the length of the history.

    Each service saves the plan before its items, so an item's change belongs to the entry of the
    plan's latest save before it (items are saved one by one, each at its own time)."""
    header = list(
        Plan.history.filter(id=plan.pk).select_related("history_user").order_by("history_date", "history_id")
    )
    items = list(
        PlanItem.history.filter(plan_id=plan.pk)
        .select_related("history_user", "exercise")
        .order_by("history_date", "history_id")
    )
    records = sorted(
        [(record.history_date, 0, record) for record in header]
        + [(record.history_date, 1, record) for record in items],
        key=lambda row: (row[0], row[1]),
    )
    entries: list[HistoryEntry] = []
    before_plan = None
    before_item: dict[int, object] = {}
    # Where each item stands, to tell a reordering from the shift a removal or addition makes.
    positions: dict[int, int] = {}
    positions_before: dict[int, int] = {}
    for _, is_item, record in records:
        if not is_item or not entries:
            _close(entries, positions_before, positions)
            entries.append(HistoryEntry(when=record.history_date, who=record.history_user))
            positions_before = dict(positions)
        entry = entries[-1]
        if is_item:
            entry.changes.extend(_item_change(record, before_item.get(record.id)))
            before_item[record.id] = record
            if record.history_type == "-":
                positions.pop(record.id, None)
            else:
                positions[record.id] = record.position
            continue
        entry.reason = record.history_change_reason or ""
        entry.changes.extend(_plan_change(record, before_plan))
        before_plan = record
    _close(entries, positions_before, positions)
    return list(reversed(entries))


def _close(entries: list[HistoryEntry], before: dict[int, int], after: dict[int, int]) -> None:
    """Say so on the last entry when the items both before and after it changed their order."""
    if not entries:
        return
    common = before.keys() & after.keys()
    if sorted(common, key=before.__getitem__) != sorted(common, key=after.__getitem__):
        entries[-1].changes.append("Changed the order of the exercises")


def _plan_change(record, before) -> list[str]:
    if record.history_type == "+":
        return [f"Created the plan, starting {record.start_date:%d %b %Y}"]
    if before is None:
        return []
    changes = []
    for name, label in HEADER_LABELS.items():
        old, new = getattr(before, name), getattr(record, name)
        if old == new:
            continue
        if name == "notes":
            changes.append(f"Changed the {label}")
        elif name == "status":
            changes.append(f"Changed {label}: {Plan.Status(old).label} → {Plan.Status(new).label}")
        else:
            changes.append(f"Changed {label}: {show_value(old)} → {show_value(new)}")
    return changes


def _dosage(record) -> str:
    dosage = show_dosage(
        sets=record.sets, reps=record.reps, hold_seconds=record.hold_seconds, per_week=record.per_week
    )
    tempo = f" (tempo {show_tempo(record.tempo)})" if record.tempo else ""
    return f"{dosage or 'no dosage'}{tempo}"


def _item_change(record, before) -> list[str]:
    name = record.exercise.name
    if record.history_type == "+":
        return [f"Added {name}: {_dosage(record)}"]
    if record.history_type == "-":
        return [f"Removed {name}"]
    if before is None:
        return []
    changes = []
    if _dosage(before) != _dosage(record):
        changes.append(f"{name}: {_dosage(before)} → {_dosage(record)}")
    if before.note != record.note:
        changes.append(f"Changed the note on {name}")
    return changes
