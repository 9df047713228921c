"""The assessment form: a header form plus one small form per catalogue pattern.

Each pattern block has its own prefix (`p<pattern pk>-`), so the page is many plain
Django forms rather than one giant dynamic one, and each error sits by its field.
"""

from collections import defaultdict
from dataclasses import dataclass

from crispy_forms.helper import FormHelper
from django import forms
from django.forms import BoundField
from django.utils import timezone

from assessments.catalogue import expectation_text, expected_muscle_side
from assessments.models import Assessment, MuscleFinding, PatternFinding, Severity, Side
from assessments.services import MuscleFindingData, PatternFindingData
from clients.models import EARLIEST_BIRTH_DATE
from imbalances.models import Pattern, PatternMuscle, Region, Role

PATTERN_SIDES = [("", "choose a side"), (Side.LEFT, "left"), (Side.RIGHT, "right")]
# Older session dates are typing mistakes (year 1025 for 2025), as for screenings.
EARLIEST_SESSION_DATE = EARLIEST_BIRTH_DATE


class AssessmentHeaderForm(forms.ModelForm):
    pain_score = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=10,
        label="Pain score (0 to 10, optional)",
        help_text="0 means no pain, 10 the worst imaginable.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    # The version the page was built from; a save from an older one is refused.
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    class Meta:
        model = Assessment
        fields = ["session_date", "pain_score", "notes"]
        widgets = {
            "session_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"session_date": "Session date", "notes": "Session notes"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.instance.session_date:
            # The instance's empty date would win over a field initial: set the form's.
            self.initial["session_date"] = timezone.localdate()
        self.fields["session_date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_session_date(self):
        value = self.cleaned_data["session_date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("The session date cannot be in the future.")
        if value and value < EARLIEST_SESSION_DATE:
            raise forms.ValidationError("Please check the year of the session date.")
        return value


@dataclass
class MuscleRow:
    link: PatternMuscle
    expectation: str
    confirmed: BoundField
    role: BoundField
    side: BoundField


class PatternBlockForm(forms.Form):
    """One pattern's severity, side and note, and the check of its catalogue muscles."""

    def __init__(self, *args, pattern: Pattern, links: list[PatternMuscle], **kwargs) -> None:
        kwargs.setdefault("prefix", f"p{pattern.pk}")
        super().__init__(*args, **kwargs)
        self.pattern = pattern
        self.links = links
        self.fields["severity"] = forms.TypedChoiceField(
            choices=Severity.choices,
            coerce=int,
            empty_value=Severity.NONE,
            required=False,
            initial=Severity.NONE,
            widget=forms.RadioSelect(attrs={"class": "btn-check"}),
            label=f"{pattern.name}: severity",
        )
        if pattern.is_lateral:
            self.fields["side"] = forms.ChoiceField(
                choices=PATTERN_SIDES,
                required=False,
                label=f"{pattern.name}: side",
                widget=forms.Select(attrs={"class": "form-select"}),
            )
        self.fields["note"] = forms.CharField(
            max_length=500,
            required=False,
            label=f"Note on {pattern.name.lower()}",
            widget=forms.TextInput(attrs={"class": "form-control"}),
        )
        for link in links:
            name = link.muscle.name
            self.fields[f"m{link.pk}-confirmed"] = forms.BooleanField(
                required=False,
                label=f"{name}: found",
                widget=forms.CheckboxInput(attrs={"class": "form-check-input", "data-muscle-found": ""}),
            )
            self.fields[f"m{link.pk}-role"] = forms.ChoiceField(
                choices=Role.choices,
                initial=link.role,
                required=False,
                label=f"{name}: observed as",
                widget=forms.Select(attrs={"class": "form-select form-select-sm", "data-muscle-adjust": ""}),
            )
            self.fields[f"m{link.pk}-side"] = forms.ChoiceField(
                choices=[("", "side as expected"), *Side.choices],
                required=False,
                label=f"{name}: observed side",
                widget=forms.Select(attrs={"class": "form-select form-select-sm", "data-muscle-adjust": ""}),
            )

    def full_clean(self) -> None:
        super().full_clean()
        # Mark invalid inputs for Bootstrap and tie each to its message for screen readers.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}-error"

    @property
    def is_open(self) -> bool:
        """Open on the page when something was found here or needs fixing."""
        if self.errors:
            return True
        value = self["severity"].value()
        try:
            return int(value or 0) > Severity.NONE
        except (TypeError, ValueError):
            return True

    def muscle_rows(self) -> list[MuscleRow]:
        return [
            MuscleRow(
                link=link,
                expectation=expectation_text(link),
                confirmed=self[f"m{link.pk}-confirmed"],
                role=self[f"m{link.pk}-role"],
                side=self[f"m{link.pk}-side"],
            )
            for link in self.links
        ]

    def clean(self) -> dict:
        data = super().clean()
        severity = data.get("severity") or Severity.NONE
        if self.pattern.is_lateral:
            if severity > Severity.NONE and not data.get("side"):
                self.add_error("side", "Choose the side this pattern was seen on.")
        elif self.data.get(self.add_prefix("side")):
            self.add_error(None, f"{self.pattern.name} has no side; leave the side out.")
        confirmed = any(data.get(f"m{link.pk}-confirmed") for link in self.links)
        if confirmed and severity == Severity.NONE and "severity" not in self.errors:
            self.add_error(
                "severity",
                "Choose a severity: muscles are recorded only under a pattern that was seen.",
            )
        return data

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
        for link in self.links:
            if not self.cleaned_data.get(f"m{link.pk}-confirmed"):
                continue
            side = self.cleaned_data.get(f"m{link.pk}-side") or expected_muscle_side(link, finding.side)
            found.append(
                MuscleFindingData(
                    muscle_id=link.muscle_id,
                    role=self.cleaned_data.get(f"m{link.pk}-role") or link.role,
                    side=side,
                    pattern_id=self.pattern.pk,
                )
            )
        return found


@dataclass
class RegionBlocks:
    region: Region
    blocks: list[PatternBlockForm]


class AssessmentForm:
    """The whole page: header plus pattern blocks grouped by region.

    `patterns` come from `catalogue.form_patterns`; `pattern_findings` and
    `muscle_findings` are the assessment's current rows (empty for a new one).
    Muscle findings that no catalogue link explains any more are kept as they are.
    """

    def __init__(
        self,
        *,
        data=None,
        assessment: Assessment,
        patterns: list[Pattern],
        pattern_findings: list[PatternFinding],
        muscle_findings: list[MuscleFinding],
    ) -> None:
        self.header = AssessmentHeaderForm(
            data=data,
            instance=assessment,
            initial={"version": assessment.version} if assessment.pk else {},
        )
        found_pattern_ids = {f.pattern_id for f in pattern_findings}
        pattern_by_id = {f.pattern_id: f for f in pattern_findings}
        by_pattern: dict[int | None, list[MuscleFinding]] = defaultdict(list)
        for finding in muscle_findings:
            by_pattern[finding.pattern_id].append(finding)

        self.kept_muscle_findings: list[MuscleFinding] = list(by_pattern.pop(None, []))
        self.regions: list[RegionBlocks] = []
        self.blocks: list[PatternBlockForm] = []
        for pattern in patterns:
            if not pattern.is_active and pattern.pk not in found_pattern_ids:
                continue
            pattern_finding = pattern_by_id.get(pattern.pk)
            initial, links, unmatched = _initial_for(pattern, pattern_finding, by_pattern.pop(pattern.pk, []))
            self.kept_muscle_findings.extend(unmatched)
            block = PatternBlockForm(data=data, pattern=pattern, links=links, initial=initial)
            self.blocks.append(block)
            if not self.regions or self.regions[-1].region.pk != pattern.region_id:
                self.regions.append(RegionBlocks(region=pattern.region, blocks=[]))
            self.regions[-1].blocks.append(block)
        for leftovers in by_pattern.values():
            self.kept_muscle_findings.extend(leftovers)

    def is_valid(self) -> bool:
        # Validate every block, not just up to the first bad one, so all errors show.
        results = [self.header.is_valid(), *(block.is_valid() for block in self.blocks)]
        return all(results)

    @property
    def blocks_with_errors(self) -> list[PatternBlockForm]:
        return [block for block in self.blocks if block.errors]

    def header_data(self) -> dict:
        return {name: self.header.cleaned_data.get(name) for name in ("session_date", "notes", "pain_score")}

    def expected_version(self) -> int | None:
        return self.header.cleaned_data.get("version")

    def pattern_findings(self) -> list[PatternFindingData]:
        return [f for block in self.blocks if (f := block.pattern_finding()) is not None]

    def muscle_findings(self) -> list[MuscleFindingData]:
        found = [f for block in self.blocks for f in block.muscle_findings()]
        found += [
            MuscleFindingData(
                muscle_id=f.muscle_id, role=f.role, side=f.side, pattern_id=f.pattern_id, note=f.note
            )
            for f in self.kept_muscle_findings
        ]
        return found


def _initial_for(
    pattern: Pattern, finding: PatternFinding | None, muscle_findings: list[MuscleFinding]
) -> tuple[dict, list[PatternMuscle], list[MuscleFinding]]:
    """Initial values from stored findings, the links to show, and findings no link explains."""
    links = list(pattern.pattern_muscles.all())
    initial: dict = {}
    if finding is not None:
        initial.update(severity=finding.severity, side=finding.side, note=finding.note)
    pattern_side = finding.side if finding else ""
    unmatched = []
    used: set[int] = set()
    for muscle_finding in muscle_findings:
        candidates = [
            link for link in links if link.muscle_id == muscle_finding.muscle_id and link.pk not in used
        ]
        candidates.sort(key=lambda link: expected_muscle_side(link, pattern_side) != muscle_finding.side)
        if not candidates:
            unmatched.append(muscle_finding)
            continue
        link = candidates[0]
        used.add(link.pk)
        expected = expected_muscle_side(link, pattern_side)
        initial[f"m{link.pk}-confirmed"] = True
        initial[f"m{link.pk}-role"] = muscle_finding.role
        initial[f"m{link.pk}-side"] = "" if muscle_finding.side == expected else muscle_finding.side
    # Retired muscles leave new forms but stay where they were recorded.
    links = [link for link in links if link.muscle.is_active or link.pk in used]
    return initial, links, unmatched
