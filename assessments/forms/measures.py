"""The session's measures: one input per measure and side, each checked against its measure's range."""

from dataclasses import dataclass
from decimal import Decimal

from django import forms

from assessments.catalogue import FormMeasure
from assessments.models import Side
from assessments.services import MeasureValueData
from imbalances.models import show_measure

# A test is stored as 1 or 0; "not taken" lets a trainer clear a value ticked by mistake.
TEST_CHOICES = [("", "not taken"), ("1", "pass"), ("0", "fail")]


@dataclass(frozen=True)
class MeasureInput:
    side: str
    field: forms.BoundField


@dataclass(frozen=True)
class MeasureRow:
    measure: FormMeasure
    inputs: list[MeasureInput]


class MeasuresForm(forms.Form):
    """Fields `measure-<slug>`, or `measure-<slug>-left` and `-right` for a measure taken on each
    side. An empty field is a measure not taken: it stores nothing."""

    def __init__(
        self, *, data=None, measures: list[FormMeasure], values: dict[tuple[int, str], Decimal]
    ) -> None:
        super().__init__(data=data, prefix="measure")
        self.rows: list[MeasureRow] = []
        self._keys: dict[str, tuple[int, str]] = {}
        for measure in measures:
            names = []
            for side in (Side.LEFT, Side.RIGHT) if measure.per_side else ("",):
                name = f"{measure.slug}-{side}" if side else measure.slug
                self.fields[name] = _field(measure)
                value = values.get((measure.pk, side))
                if value is not None:
                    self.initial[name] = str(int(value)) if measure.is_test else value
                self._keys[name] = (measure.pk, side)
                names.append((side, name))
            self.rows.append(MeasureRow(measure, [MeasureInput(side, self[name]) for side, name in names]))

    def measure_values(self) -> list[MeasureValueData]:
        return [
            MeasureValueData(measure_id=measure_id, side=side, value=self.cleaned_data[name])
            for name, (measure_id, side) in self._keys.items()
            if self.cleaned_data.get(name) is not None
        ]


def _field(measure: FormMeasure) -> forms.Field:
    if measure.is_test:
        return forms.TypedChoiceField(
            choices=TEST_CHOICES, coerce=Decimal, empty_value=None, required=False, widget=forms.RadioSelect
        )
    low, high = (
        show_measure(limit, unit=measure.unit, is_test=False)
        for limit in (measure.min_value, measure.max_value)
    )
    limits = f"Enter a value from {low} to {high}."
    return forms.DecimalField(
        required=False,
        min_value=measure.min_value,
        max_value=measure.max_value,
        max_digits=6,
        decimal_places=1,
        error_messages={"min_value": limits, "max_value": limits},
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "decimal"}),
    )
