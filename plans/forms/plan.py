"""The trainer's plan form: its dates and notes, its exercises as a formset, and exercises to add."""

from django import forms
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import QueryDict
from django.utils.text import capfirst

from clients.forms import DateInput
from imbalances.models import DOSE_LIMITS, PHASE_ORDER, Exercise, Phase
from plans.models import MAX_SESSIONS_PER_WEEK, NOTE_MAX_LENGTH, Plan, PlanItem
from plans.services import DOSE_FIELDS, PLAN_FIELDS, PlanItemData

ITEMS_PREFIX = "items"


class PlanForm(forms.Form):
    """The plan's own fields, the version the page was opened at, and active exercises to add."""

    start_date = forms.DateField(label="Starts on", widget=DateInput())
    review_date = forms.DateField(
        label="Review on", widget=DateInput(), help_text=Plan._meta.get_field("review_date").help_text
    )
    sessions_per_week = forms.IntegerField(
        label="Sessions a week",
        min_value=1,
        max_value=MAX_SESSIONS_PER_WEEK,
        help_text=Plan._meta.get_field("sessions_per_week").help_text,
        error_messages={
            "min_value": f"Between 1 and {MAX_SESSIONS_PER_WEEK} sessions a week.",
            "max_value": f"Between 1 and {MAX_SESSIONS_PER_WEEK} sessions a week: at most once a day.",
            "invalid": "A whole number of sessions, please.",
        },
    )
    notes = forms.CharField(
        label="Notes for the client",
        required=False,
        max_length=Plan._meta.get_field("notes").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Plan._meta.get_field("notes").help_text,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    add = forms.TypedMultipleChoiceField(
        label="Exercises to add",
        coerce=int,
        required=False,
        help_text="Hold Ctrl (⌘ on a Mac) to pick several. Each comes with its usual dosage, to tailor.",
        error_messages={
            "invalid_choice": "An exercise you picked is already in the plan or was retired: pick again."
        },
    )

    def __init__(self, *args, addable: list[Exercise], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.addable = {exercise.pk: exercise for exercise in addable}
        self.fields["add"].choices = [
            (phase.label, [(exercise.pk, exercise.name) for exercise in addable if exercise.phase == phase])
            for phase in Phase
            if any(exercise.phase == phase for exercise in addable)
        ]
        for name, field in self.fields.items():
            if name == "add":
                field.widget.attrs.update({"class": "form-select", "size": 8})
            elif name != "version":
                field.widget.attrs["class"] = "form-control"

    def clean(self) -> dict:
        cleaned = super().clean()
        start, review = cleaned.get("start_date"), cleaned.get("review_date")
        if start and review and review < start:
            self.add_error("review_date", "The review comes after the start: pick a date on or after it.")
        return cleaned

    def plan_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in PLAN_FIELDS}

    def added(self) -> list[Exercise]:
        return [self.addable[pk] for pk in self.cleaned_data["add"]]


def _dose_field(name: str) -> forms.IntegerField:
    low, high = DOSE_LIMITS[name]
    label = capfirst(PlanItem._meta.get_field(name).verbose_name)
    message = f"{label}: between {low} and {high}, or leave it empty."
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=low,
        max_value=high,
        error_messages={"min_value": message, "max_value": message, "invalid": f"{label}: a whole number."},
    )


class PlanItemForm(forms.Form):
    """One exercise of the plan. The exercise is fixed (a hidden id); only its dosage and note change."""

    exercise = forms.IntegerField(widget=forms.HiddenInput)
    sets = _dose_field("sets")
    reps = _dose_field("reps")
    hold_seconds = _dose_field("hold_seconds")
    tempo = forms.CharField(
        label="Tempo",
        required=False,
        max_length=PlanItem._meta.get_field("tempo").max_length,
    )
    per_week = _dose_field("per_week")
    note = forms.CharField(label="Note for the client", required=False, max_length=NOTE_MAX_LENGTH)

    def __init__(self, *args, exercises: dict[int, Exercise], reasons: dict[int, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.exercises = exercises
        try:
            self.shown_exercise = exercises.get(int(self["exercise"].value()))
        except (TypeError, ValueError):
            self.shown_exercise = None
        self.reason = reasons.get(self.shown_exercise.pk, "") if self.shown_exercise else ""
        for name, field in self.fields.items():
            if name != "exercise":
                field.widget.attrs["class"] = "form-control form-control-sm"

    def clean_exercise(self) -> Exercise:
        exercise = self.exercises.get(self.cleaned_data["exercise"])
        if exercise is None:
            raise forms.ValidationError("This exercise is not in the catalogue.")
        return exercise

    def item_data(self) -> PlanItemData:
        data = self.cleaned_data
        return PlanItemData(
            exercise_id=data["exercise"].pk,
            **{name: data[name] for name in DOSE_FIELDS},
            note=data["note"],
        )


class BasePlanItemFormSet(forms.BaseFormSet):
    def kept_forms(self) -> list[PlanItemForm]:
        return [form for form in self.forms if not self._should_delete_form(form)]

    def clean(self) -> None:
        if any(self.errors):
            return
        seen = set()
        for form in self.kept_forms():
            exercise = form.cleaned_data["exercise"]
            if exercise.pk in seen:
                raise forms.ValidationError(f"{exercise.name} is in the plan twice: remove one of them.")
            seen.add(exercise.pk)


PlanItemFormSet = forms.formset_factory(
    PlanItemForm, formset=BasePlanItemFormSet, extra=0, can_delete=True, max_num=100, validate_max=True
)


def item_formset(data: QueryDict | None = None, *, items: list[PlanItem]) -> BasePlanItemFormSet:
    """The plan's items as forms, in order: from `items` (read with their exercises), or as posted.

    May query: a posted exercise that is not one of `items` (someone changed the plan meanwhile)
    is read, so that the page names it."""
    exercises = {item.exercise_id: item.exercise for item in items}
    reasons = {item.exercise_id: item.reason for item in items}
    if data is None:
        initial = [
            {"exercise": item.exercise_id, **{name: getattr(item, name) for name in (*DOSE_FIELDS, "note")}}
            for item in items
        ]
        form_kwargs = {"exercises": exercises, "reasons": reasons}
        return PlanItemFormSet(initial=initial, prefix=ITEMS_PREFIX, form_kwargs=form_kwargs)
    posted = {
        int(value)
        for key, value in data.items()
        if key.startswith(f"{ITEMS_PREFIX}-") and key.endswith("-exercise") and value.isdigit()
    }
    if missing := posted - exercises.keys():
        exercises |= Exercise.objects.in_bulk(missing)
    # Every posted row is an item of the plan: none may be left empty (the formset's "extra" rows may).
    form_kwargs = {"exercises": exercises, "reasons": reasons, "empty_permitted": False}
    return PlanItemFormSet(data, prefix=ITEMS_PREFIX, form_kwargs=form_kwargs)


def plan_items(formset: BasePlanItemFormSet, added: list[Exercise]) -> list[PlanItemData]:
    """The kept items in their order, with each added exercise (at its usual dosage) placed after
    the last item of its phase or an earlier one, so the plan keeps the continuum's order."""
    rows = [(form.cleaned_data["exercise"].phase, form.item_data()) for form in formset.kept_forms()]
    kept = {data.exercise_id for _, data in rows}
    # A page opened before someone else removed an exercise may list it and offer it to add.
    added = [exercise for exercise in added if exercise.pk not in kept]
    for exercise in sorted(added, key=lambda exercise: PHASE_ORDER[exercise.phase]):
        data = PlanItemData.usual(exercise)
        at = next(
            (
                index
                for index, (phase, _) in enumerate(rows)
                if PHASE_ORDER[phase] > PHASE_ORDER[exercise.phase]
            ),
            len(rows),
        )
        rows.insert(at, (exercise.phase, data))
    return [data for _, data in rows]


def move_item(data: QueryDict, move: str) -> QueryDict:
    """`data` with one item swapped with its neighbour; `move` is "<index>:up" or "<index>:down".

    The order of the items is the order of their forms, so a move swaps two forms' fields."""
    index, _, direction = move.partition(":")
    if not index.isdigit() or direction not in ("up", "down"):
        return data
    first = int(index)
    second = first - 1 if direction == "up" else first + 1
    total = data.get(f"{ITEMS_PREFIX}-TOTAL_FORMS", "")
    if not total.isdigit() or not (min(first, second) >= 0 and max(first, second) < int(total)):
        return data
    moved = data.copy()
    for name in [*PlanItemForm.base_fields, DELETION_FIELD_NAME]:
        one, other = f"{ITEMS_PREFIX}-{first}-{name}", f"{ITEMS_PREFIX}-{second}-{name}"
        for key, values in ((one, data.getlist(other)), (other, data.getlist(one))):
            if values:
                moved.setlist(key, values)
            else:
                moved.pop(key, None)
    return moved
