"""The assessment page: the header form plus one block per catalogue pattern, by observation and region."""

from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

from django.utils.datastructures import MultiValueDict

from assessments.catalogue import (
    FormLink,
    FormMeasure,
    FormObservation,
    FormPattern,
    FormRegion,
    expected_muscle_side,
)
from assessments.forms.blocks import PatternBlockForm
from assessments.forms.header import AssessmentHeaderForm
from assessments.forms.measures import MeasuresForm
from assessments.last_time import LastTime
from assessments.models import Assessment, MeasureValue, MuscleFinding, PatternFinding, Side
from assessments.services import HEADER_FIELDS, MeasureValueData, MuscleFindingData, PatternFindingData
from imbalances.links import slug_url_maker
from imbalances.models import Muscle, Pattern


@dataclass
class RegionBlocks:
    """One region's patterns within one observation; `starts_observation` on the first group of each."""

    observation: FormObservation
    region: FormRegion
    blocks: list[PatternBlockForm]
    starts_observation: bool


class AssessmentForm:
    """The whole page: header plus pattern blocks grouped by region.

    `patterns` come from `catalogue.form_patterns` at `catalogue_version`, under which the
    page keeps its blank blocks; `pattern_findings` and `muscle_findings` are the
    assessment's current rows (empty for a new one), as are `measure_values` for `measures`.
    Muscle findings that no catalogue link explains any more are kept as they are.
    """

    def __init__(
        self,
        *,
        data=None,
        assessment: Assessment,
        patterns: list[FormPattern],
        catalogue_version: str,
        pattern_findings: list[PatternFinding],
        muscle_findings: list[MuscleFinding],
        measures: list[FormMeasure] = (),
        measure_values: list[MeasureValue] = (),
    ) -> None:
        # The rows this form was built on, as read (the save reuses them).
        self.saved_findings = (pattern_findings, muscle_findings)
        self.saved_measures = list(measure_values)
        self.catalogue_version = catalogue_version
        self.header = AssessmentHeaderForm(
            data=data,
            instance=assessment,
            initial={"version": assessment.version} if assessment.pk else {},
        )
        self.measures = MeasuresForm(
            data=data,
            measures=list(measures),
            values={(value.measure_id, value.side): value.value for value in measure_values},
        )
        # Blocks read the post with plain dict lookups (the last value of each name, as
        # QueryDict.get gives): over a thousand of them per post.
        block_data = data
        if isinstance(data, MultiValueDict):
            # As MultiValueDict.__getitem__ reads its lists, without a method call per name.
            block_data = {name: values[-1] if values else [] for name, values in dict.items(data)}
        pattern_by_id = {f.pattern_id: f for f in pattern_findings}
        by_pattern: dict[int | None, list[MuscleFinding]] = defaultdict(list)
        for finding in muscle_findings:
            by_pattern[finding.pattern_id].append(finding)

        self.kept_muscle_findings: list[MuscleFinding] = list(by_pattern.pop(None, []))
        self.last_time: LastTime | None = None
        self.found_before: list[PatternBlockForm] = []
        self.regions: list[RegionBlocks] = []
        self.blocks: list[PatternBlockForm] = []
        # One reverse() each for the whole page: 60 of them cost more than the page's queries.
        pattern_url = slug_url_maker("imbalances:pattern")
        muscles_url = slug_url_maker("assessments:pattern_muscles")
        for pattern in patterns:
            if not pattern.is_active and pattern.pk not in pattern_by_id:
                continue
            pattern_finding = pattern_by_id.get(pattern.pk)
            initial, links, unmatched = _initial_for(pattern, pattern_finding, by_pattern.pop(pattern.pk, []))
            self.kept_muscle_findings.extend(unmatched)
            block = PatternBlockForm(
                data=block_data,
                pattern=pattern,
                links=links,
                initial=initial,
                pattern_url=pattern_url(pattern.slug),
                muscles_url=muscles_url(pattern.slug),
            )
            self.blocks.append(block)
            last = self.regions[-1] if self.regions else None
            if last is None or (last.observation, last.region) != (pattern.observation, pattern.region):
                starts = last is None or last.observation != pattern.observation
                self.regions.append(RegionBlocks(pattern.observation, pattern.region, [], starts))
            self.regions[-1].blocks.append(block)
        for leftovers in by_pattern.values():
            self.kept_muscle_findings.extend(leftovers)

    @staticmethod
    def remove_key(finding: MuscleFinding) -> str:
        """The checkbox that takes a muscle finding no catalogue link explains off the assessment."""
        return f"kept-{finding.pk}-remove"

    def removed_kept_ids(self) -> set[int]:
        data = self.header.data if self.header.is_bound else {}
        return {f.pk for f in self.kept_muscle_findings if data.get(self.remove_key(f))}

    def kept_rows(self) -> list[dict]:
        """The findings kept without a catalogue link, named for the page: two queries, only if any."""
        if not self.kept_muscle_findings:
            return []
        muscles = dict(
            Muscle.objects.filter(pk__in={f.muscle_id for f in self.kept_muscle_findings}).values_list(
                "pk", "name"
            )
        )
        pattern_ids = {f.pattern_id for f in self.kept_muscle_findings if f.pattern_id}
        patterns = (
            dict(Pattern.objects.filter(pk__in=pattern_ids).values_list("pk", "name")) if pattern_ids else {}
        )
        removed = self.removed_kept_ids()
        return [
            {
                "key": self.remove_key(f),
                "muscle": muscles.get(f.muscle_id, ""),
                "observed": f"{f.get_role_display()}, {_side_text(f.side)}",
                "pattern": patterns.get(f.pattern_id, ""),
                "removed": f.pk in removed,
            }
            for f in self.kept_muscle_findings
        ]

    def is_valid(self) -> bool:
        # Validate every block, not just up to the first bad one, so all errors show.
        results = [
            self.header.is_valid(),
            self.measures.is_valid(),
            *(block.is_valid() for block in self.blocks),
        ]
        return all(results)

    @property
    def blocks_with_errors(self) -> list[PatternBlockForm]:
        return [block for block in self.blocks if block.errors]

    def header_data(self) -> dict:
        return {name: self.header.cleaned_data.get(name) for name in HEADER_FIELDS}

    def expected_version(self) -> int | None:
        return self.header.cleaned_data.get("version")

    def submission_token(self) -> UUID | None:
        """The new-assessment form's token; None on an edit form or a post without one."""
        return self.header.cleaned_data.get("submission_token")

    def show_last_time(self, last: LastTime | None) -> None:
        """Say by each pattern and muscle what the latest finalised session found, and show the
        patterns it found first, so the trainer checks those before walking round the rest."""
        self.last_time = last
        if last is None:
            return
        for block in self.blocks:
            block.last_time = last.pattern_text(block.pattern.pk)
            block.last_muscles = {
                link.pk: text
                for link in block.links
                if (text := last.muscle_text(block.pattern.pk, link.muscle_id))
            }
            # Said under the pattern too, for a block whose muscle rows wait until it is marked.
            block.last_muscle_lines = [
                f"{link.muscle.name} {block.last_muscles[link.pk]}"
                for link in block.links
                if link.pk in block.last_muscles
            ]
        self.found_before = [block for block in self.blocks if block.last_time]
        groups = []
        for group in self.regions:
            group.blocks = [block for block in group.blocks if not block.last_time]
            if group.blocks:
                group.starts_observation = not groups or groups[-1].observation != group.observation
                groups.append(group)
        self.regions = groups

    def measure_values(self) -> list[MeasureValueData]:
        return self.measures.measure_values()

    def pattern_findings(self) -> list[PatternFindingData]:
        return [f for block in self.blocks if (f := block.pattern_finding()) is not None]

    def muscle_findings(self) -> list[MuscleFindingData]:
        found = [f for block in self.blocks for f in block.muscle_findings()]
        removed = self.removed_kept_ids()
        found += [
            MuscleFindingData(
                muscle_id=f.muscle_id, role=f.role, side=f.side, pattern_id=f.pattern_id, note=f.note
            )
            for f in self.kept_muscle_findings
            if f.pk not in removed
        ]
        return found


def new_pattern_block(pattern: FormPattern) -> PatternBlockForm:
    """The block of a pattern the trainer has just marked: each expected muscle already ticked with
    its expected role and side, so the trainer unticks what does not apply instead of ticking all."""
    initial, links, _ = _initial_for(pattern, None, [])
    initial.update({f"m{link.pk}-confirmed": True for link in links})
    return PatternBlockForm(pattern=pattern, links=links, initial=initial)


def _side_text(side: str) -> str:
    return "both sides" if side == Side.BOTH else f"{side} side"


def _initial_for(
    pattern: FormPattern, finding: PatternFinding | None, muscle_findings: list[MuscleFinding]
) -> tuple[dict, list[FormLink], list[MuscleFinding]]:
    """Initial values from stored findings, the links to show, and findings no link explains."""
    links = pattern.links
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
