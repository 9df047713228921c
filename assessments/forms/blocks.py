"""One pattern's part of the assessment form: severity, side, note and its catalogue muscles.

A grown catalogue has 60 patterns and some 360 muscle links (over 1,200 inputs
once every pattern is marked). A Django `Form` per pattern with a `Field` per
input cost most of a second per request to build and clean, so a block is a
light form-like object: each input is validated by a shared, stateless Django
field (the same rules and messages as a form's), and the page shows it through
the `pattern_block` partial of `assessments/assessment_form.html`, which reads
the values and errors this class works out.
"""

from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict, ErrorList

from assessments.catalogue import FormLink, FormPattern, expectation_text, expected_muscle_side
from assessments.models import Severity, Side
from assessments.services import MuscleFindingData, PatternFindingData
from imbalances.models import Role

# Radios, none ticked until the trainer picks one: an untouched pattern posts nothing.
PATTERN_SIDES = [(Side.LEFT, "left"), (Side.RIGHT, "right")]
# A pattern that may show on both sides at once (knees cave in) takes "both" too.
PATTERN_SIDES_OR_BOTH = [*PATTERN_SIDES, (Side.BOTH, "both")]
MUSCLE_SIDES = [("", "side as expected"), *Side.choices]

# Fields validate values and hold no per-form state, so one of each serves every block.
SEVERITY = forms.TypedChoiceField(
    choices=Severity.choices, coerce=int, empty_value=Severity.NONE, required=False
)
PATTERN_SIDE = forms.ChoiceField(choices=PATTERN_SIDES, required=False)
PATTERN_SIDE_OR_BOTH = forms.ChoiceField(choices=PATTERN_SIDES_OR_BOTH, required=False)
NOTE = forms.CharField(max_length=500, required=False)
CONFIRMED = forms.BooleanField(required=False)
ROLE = forms.ChoiceField(choices=Role.choices, required=False)
MUSCLE_SIDE = forms.ChoiceField(choices=MUSCLE_SIDES, required=False)
CHECKBOX_STRINGS = {"true": True, "false": False}

# Values a muscle row's selects accept as they are; anything else goes through the field.
ROLE_VALUES = frozenset(["", *Role.values])
MUSCLE_SIDE_VALUES = frozenset(["", *Side.values])


@dataclass(frozen=True, slots=True)
class MuscleRow:
    """A catalogue muscle under its pattern, and the names of its three inputs."""

    link: FormLink
    confirmed: str
    role: str
    side: str
    # The same names with the block's prefix, as they are posted.
    confirmed_key: str
    role_key: str
    side_key: str


@dataclass(frozen=True, slots=True)
class ShownMuscle:
    """A muscle row as the page shows it: its inputs' names, what they hold, and their errors."""

    confirmed_key: str
    role_key: str
    side_key: str
    name: str
    expectation: str
    is_retired: bool
    checked: bool
    role: str
    side: str
    role_errors: ErrorList | None
    side_errors: ErrorList | None
    last_time: str


class PatternBlockForm:
    """Validates one pattern block of the POST like a Django form with prefix `p<pattern pk>`.

    Field names (unprefixed): `severity`, `side` (lateral patterns only), `note`, and
    for each catalogue muscle link `m<link pk>-confirmed`, `-role` and `-side`. Any may be
    missing from a post, and a pattern nobody marked posts none: a missing severity is "none"
    (not found), a missing side, note or role is empty (the role then the link's expected one).
    `pattern_url` and `muscles_url` are the links the page shows with the block.
    """

    def __init__(
        self,
        *,
        data=None,
        pattern: FormPattern,
        links: list[FormLink],
        initial: dict | None = None,
        pattern_url: str = "",
        muscles_url: str = "",
    ) -> None:
        self.prefix = f"p{pattern.pk}"
        self.pattern = pattern
        self.links = links
        self.data = data
        self.is_bound = data is not None
        self.initial = initial or {}
        self.pattern_url = pattern_url
        self.muscles_url = muscles_url
        self._errors: ErrorDict | None = None
        self.cleaned_data: dict = {}
        # What the latest finalised session found ("moderate, left"), set by AssessmentForm.show_last_time.
        self.last_time = ""
        self.last_muscles: dict[int, str] = {}
        self.last_muscle_lines: list[str] = []

    @cached_property
    def rows(self) -> list[MuscleRow]:
        return [_row(self.prefix, link) for link in self.links]

    @property
    def side_field(self) -> forms.ChoiceField:
        return PATTERN_SIDE_OR_BOTH if self.pattern.takes_both_sides else PATTERN_SIDE

    def add_prefix(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    @property
    def fields(self) -> dict[str, forms.Field]:
        """Every input's unprefixed name with the field that validates it."""
        fields: dict[str, forms.Field] = {"severity": SEVERITY}
        if self.pattern.is_lateral:
            fields["side"] = self.side_field
        fields["note"] = NOTE
        for row in self.rows:
            fields.update({row.confirmed: CONFIRMED, row.role: ROLE, row.side: MUSCLE_SIDE})
        return fields

    # --- values as the page shows them -------------------------------------------

    def value(self, name: str, default=None):
        """What the input shows: the posted value on a bound form, else the initial one."""
        if self.is_bound:
            if name.endswith("-confirmed"):
                return _checked(self.data, self.add_prefix(name))
            return self.data.get(self.add_prefix(name))
        return self.initial.get(name, default)

    # Each input's errors, or None: a template's lookup of a missing key is slow (it raises inside).
    @property
    def severity_errors(self) -> ErrorList | None:
        return self.errors.get("severity")

    @property
    def side_errors(self) -> ErrorList | None:
        return self.errors.get("side")

    @property
    def note_errors(self) -> ErrorList | None:
        return self.errors.get("note")

    @property
    def severity_shown(self) -> str:
        """The ticked severity; "" when none is, as on a pattern nothing was recorded for."""
        return _text(self.value("severity"))

    @property
    def side_shown(self) -> str:
        return _text(self.value("side"))

    @property
    def note_shown(self) -> str:
        return _text(self.value("note"))

    @property
    def is_blank(self) -> bool:
        """Nothing recorded, posted or wrong: the block shows catalogue content only."""
        return not self.is_bound and not self.initial

    @property
    def shows_muscles(self) -> bool:
        """Whether the page shows this block's muscles and note, rather than fetching them once marked.

        Shown when something was recorded for the pattern (its only initial values), when it is
        marked or needs fixing, and when a post came from a page that showed them (the note is
        posted with them): nothing typed or recorded is ever left off the page.
        """
        if not self.is_bound:
            return bool(self.initial)
        if self.errors or self.add_prefix("note") in self.data:
            return True
        return self.severity_shown not in ("", str(Severity.NONE))

    @cached_property
    def muscles(self) -> list[ShownMuscle]:
        errors = self.errors
        return [
            ShownMuscle(
                confirmed_key=row.confirmed_key,
                role_key=row.role_key,
                side_key=row.side_key,
                name=row.link.muscle.name,
                expectation=expectation_text(row.link),
                is_retired=not row.link.muscle.is_active,
                checked=bool(self.value(row.confirmed)),
                # Not posted (the row came with an error, not with the page): the expected role.
                role=_text(self.value(row.role) or row.link.role),
                side=_text(self.value(row.side)),
                role_errors=errors.get(row.role),
                side_errors=errors.get(row.side),
                last_time=self.last_muscles.get(row.link.pk, ""),
            )
            for row in self.rows
        ]

    # --- validation ------------------------------------------------------------

    @property
    def errors(self) -> ErrorDict:
        if self._errors is None:
            self.full_clean()
        return self._errors

    def is_valid(self) -> bool:
        return self.is_bound and not self.errors

    def non_field_errors(self) -> ErrorList:
        return self.errors.get("__all__", ErrorList(error_class="nonfield"))

    def add_error(self, name: str | None, message: str) -> None:
        key = name or "__all__"
        self._errors.setdefault(key, ErrorList(error_class="nonfield" if name is None else None))
        self._errors[key].append(message)
        self.cleaned_data.pop(key, None)

    def full_clean(self) -> None:
        self._errors = ErrorDict()
        self.cleaned_data = {}
        if not self.is_bound:
            return
        self._clean_with("severity", SEVERITY)
        if self.pattern.is_lateral:
            self._clean_with("side", self.side_field)
        self._clean_with("note", NOTE)
        data, cleaned = self.data, self.cleaned_data
        for row in self.rows:
            # A checkbox cleans to what its widget reads: BooleanField adds nothing when optional.
            cleaned[row.confirmed] = _checked(data, row.confirmed_key)
            # Most posts hold a known choice: check it directly, and leave the
            # rest (including Django's messages) to the field.
            role = data.get(row.role_key)
            if role is None or (type(role) is str and role in ROLE_VALUES):
                cleaned[row.role] = role or ""
            else:
                self._clean_with(row.role, ROLE)
            side = data.get(row.side_key)
            if side is None or (type(side) is str and side in MUSCLE_SIDE_VALUES):
                cleaned[row.side] = side or ""
            else:
                self._clean_with(row.side, MUSCLE_SIDE)
        self.clean()

    def _clean_with(self, name: str, field: forms.Field) -> None:
        try:
            self.cleaned_data[name] = field.clean(self.value(name))
        except ValidationError as error:
            self._errors[name] = ErrorList(error.messages)

    def clean(self) -> None:
        data = self.cleaned_data
        severity = data.get("severity") or Severity.NONE
        if self.pattern.is_lateral:
            if severity > Severity.NONE and not data.get("side"):
                self.add_error("side", "Choose the side this pattern was seen on.")
        elif self.data.get(self.add_prefix("side")):
            self.add_error(None, f"{self.pattern.name} has no side; leave the side out.")
        confirmed = any(data.get(row.confirmed) for row in self.rows)
        if confirmed and severity == Severity.NONE and "severity" not in self._errors:
            self.add_error(
                "severity",
                "Choose a severity: muscles are recorded only under a pattern that was seen.",
            )

    # --- what a valid block records ----------------------------------------------

    def pattern_finding(self) -> PatternFindingData | None:
        severity = self.cleaned_data.get("severity") or Severity.NONE
        if severity == Severity.NONE:
            return None
        return PatternFindingData(
            pattern_id=self.pattern.pk,
            severity=severity,
            side=self.cleaned_data.get("side", "") if self.pattern.is_lateral else "",
            note=self.cleaned_data.get("note", ""),
        )

    def muscle_findings(self) -> list[MuscleFindingData]:
        finding = self.pattern_finding()
        if finding is None:
            return []
        found = []
        for row in self.rows:
            if not self.cleaned_data.get(row.confirmed):
                continue
            link = row.link
            side = self.cleaned_data.get(row.side) or expected_muscle_side(link, finding.side)
            found.append(
                MuscleFindingData(
                    muscle_id=link.muscle_id,
                    role=self.cleaned_data.get(row.role) or link.role,
                    side=side,
                    pattern_id=self.pattern.pk,
                )
            )
        return found


def _text(value) -> str:
    """A value as an input holds it, to compare with the choices' strings as Django's widgets do."""
    return "" if value is None else str(value)


def _checked(data, key: str) -> bool:
    """Whether a checkbox was posted ticked: CheckboxInput.value_from_datadict, inlined for speed."""
    if key not in data:
        return False
    value = data.get(key)
    if isinstance(value, str):
        value = CHECKBOX_STRINGS.get(value.lower(), value)
    return bool(value)


def _row(prefix: str, link: FormLink) -> MuscleRow:
    name = f"m{link.pk}"
    return MuscleRow(
        link,
        f"{name}-confirmed",
        f"{name}-role",
        f"{name}-side",
        f"{prefix}-{name}-confirmed",
        f"{prefix}-{name}-role",
        f"{prefix}-{name}-side",
    )
