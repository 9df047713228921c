"""Reading the catalogue for the assessment form, in a fixed number of queries.

The form lists every active pattern (60 in a grown catalogue, with some 360
muscle links to validate a post against), so it reads plain values rather than
model instances: building ~800 model objects per request would cost more than
the queries themselves. The classes are not slotted: the catalogue cache pickles them,
and slotted dataclasses took twice as long to unpickle as the queries they save.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import caches
from django.db.models import QuerySet

from assessments.models import Side
from imbalances.models import Better, Laterality, Measure, Pattern, PatternMuscle, RelativeSide, Role

ROLE_LABELS = dict(Role.choices)


@dataclass(frozen=True)
class FormMuscle:
    pk: int
    name: str
    is_paired: bool
    is_active: bool


@dataclass(frozen=True)
class FormLink:
    """A pattern-muscle link as the form needs it (duck-types PatternMuscle for the helpers below)."""

    pk: int
    muscle_id: int
    muscle: FormMuscle
    role: str
    side: str

    def get_role_display(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


@dataclass(frozen=True)
class FormRegion:
    pk: int
    name: str
    slug: str


@dataclass(frozen=True)
class FormObservation:
    pk: int
    name: str
    slug: str
    kind: str


@dataclass(frozen=True)
class FormPattern:
    pk: int
    name: str
    slug: str
    laterality: str
    is_active: bool
    region: FormRegion
    observation: FormObservation
    links: list[FormLink] = field(default_factory=list)

    @property
    def region_id(self) -> int:
        return self.region.pk

    @property
    def is_lateral(self) -> bool:
        return self.laterality != Laterality.NONE

    @property
    def takes_both_sides(self) -> bool:
        return self.laterality == Laterality.ONE_OR_BOTH


@dataclass(frozen=True)
class FormMeasure:
    pk: int
    slug: str
    name: str
    unit: str
    better: str
    min_value: Decimal | None
    max_value: Decimal | None
    per_side: bool
    is_active: bool

    @property
    def is_test(self) -> bool:
        return self.better == Better.PASS


PATTERN_COLUMNS = (
    "pk", "name", "slug", "laterality", "is_active", "region_id", "region__name", "region__slug",
    "observation_id", "observation__name", "observation__slug", "observation__kind",
)  # fmt: skip
# The form walks round the client once (the views), then through each movement screen.
PATTERN_ORDER = (
    "observation__display_order", "observation__name", "region__display_order", "region__name",
    "display_order", "name",
)  # fmt: skip
LINK_COLUMNS = (
    "pk", "pattern_id", "muscle_id", "role", "side", "muscle__name", "muscle__is_paired", "muscle__is_active",
)  # fmt: skip


def form_patterns(*, version: str, keep_pattern_ids: set[int] = frozenset()) -> list[FormPattern]:
    """Active patterns, plus retired ones an existing assessment still refers to.

    Ordered by observation (views, then movement screens), region and pattern; each pattern's `links`
    are ordered by role, side and muscle name. Read once per catalogue `version`
    (imbalances.services.catalogue_version()), so an edit shows on the very next form.
    """
    built = caches["catalogue"].get_or_set(f"form-patterns:{version}", _read_patterns)
    return [pattern for pattern in built if pattern.is_active or pattern.pk in keep_pattern_ids]


def form_measures(*, version: str, keep_measure_ids: set[int] = frozenset()) -> list[FormMeasure]:
    """Active measures, plus retired ones an existing assessment still holds, in catalogue order;
    read once per catalogue `version` like the patterns."""
    built = caches["catalogue"].get_or_set(f"form-measures:{version}", _read_measures)
    return [measure for measure in built if measure.is_active or measure.pk in keep_measure_ids]


def _read_measures() -> list[FormMeasure]:
    columns = ("pk", "slug", "name", "unit", "better", "min_value", "max_value", "per_side", "is_active")
    return [
        FormMeasure(*row) for row in Measure.objects.order_by("display_order", "name").values_list(*columns)
    ]


def _read_patterns() -> list[FormPattern]:
    """Every pattern, retired or not. Two queries: one joined query was slower, as it
    repeats the pattern's columns on every link row."""
    patterns = Pattern.objects.order_by(*PATTERN_ORDER)
    return _build(patterns.values_list(*PATTERN_COLUMNS), _link_rows(PatternMuscle.objects.all()))


def form_pattern(*, slug: str) -> FormPattern | None:
    """One pattern as `form_patterns` reads it, retired or not; None if no pattern has this slug."""
    rows = list(Pattern.objects.filter(slug=slug).values_list(*PATTERN_COLUMNS))
    if not rows:
        return None
    return _build(rows, _link_rows(PatternMuscle.objects.filter(pattern_id=rows[0][0])))[0]


def _link_rows(links: QuerySet[PatternMuscle]) -> QuerySet:
    return links.order_by("pattern_id", "role", "side", "muscle__name").values_list(*LINK_COLUMNS)


def _build(pattern_rows: Iterable[tuple], link_rows: Iterable[tuple]) -> list[FormPattern]:
    regions: dict[int, FormRegion] = {}
    observations: dict[int, FormObservation] = {}
    patterns: dict[int, FormPattern] = {}
    for row in pattern_rows:
        pk, name, slug, laterality, is_active, region_id, region_name, region_slug = row[:8]
        observation_id, observation_name, observation_slug, kind = row[8:]
        region = regions.get(region_id)
        if region is None:
            region = regions[region_id] = FormRegion(region_id, region_name, region_slug)
        observation = observations.get(observation_id)
        if observation is None:
            observation = observations[observation_id] = FormObservation(
                observation_id, observation_name, observation_slug, kind
            )
        patterns[pk] = FormPattern(pk, name, slug, laterality, is_active, region, observation)
    muscles: dict[int, FormMuscle] = {}
    for pk, pattern_id, muscle_id, role, side, muscle_name, is_paired, muscle_active in link_rows:
        muscle = muscles.get(muscle_id)
        if muscle is None:
            muscle = muscles[muscle_id] = FormMuscle(muscle_id, muscle_name, is_paired, muscle_active)
        patterns[pattern_id].links.append(FormLink(pk, muscle_id, muscle, role, side))
    return list(patterns.values())


def opposite(side: str) -> str:
    return {Side.LEFT: Side.RIGHT, Side.RIGHT: Side.LEFT}.get(side, side)


def expected_muscle_side(link: PatternMuscle | FormLink, pattern_side: str) -> str:
    """Which side a muscle is expected on, given the side the pattern was seen on."""
    if not link.muscle.is_paired or not pattern_side:
        return Side.BOTH
    if link.side == RelativeSide.SAME:
        return pattern_side
    if link.side == RelativeSide.OPPOSITE:
        return opposite(pattern_side)
    return Side.BOTH


def expectation_text(link: PatternMuscle | FormLink) -> str:
    """'expected over-active, on the side it was seen': what the trainer confirms, in words
    that fit any pattern recorded on a side (a tilted head as much as a knee)."""
    text = f"expected {link.get_role_display()}"
    if link.side == RelativeSide.SAME:
        text += ", on the side it was seen"
    elif link.side == RelativeSide.OPPOSITE:
        text += ", on the other side"
    elif link.muscle.is_paired:
        text += ", both sides"
    return text
