"""The catalogue as one versioned JSON document: building it and checking one.

The format is a stable contract (studios move and review catalogues with it), so
keys come out in a fixed order and lists in a deterministic one: exporting the
same catalogue twice gives byte-equal files.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator, validate_slug
from django.db.models import Prefetch

from .models import (
    Better,
    Exercise,
    Laterality,
    Measure,
    Muscle,
    Observation,
    Pattern,
    PatternMuscle,
    Phase,
    Region,
    RelativeSide,
    Role,
    Source,
)  # fmt: skip

FORMAT = "trainer-studio-catalogue"
# 2: sources, kinds of observation, and "sides" (none, one, one-or-both) instead of "is_lateral".
# "measures" and "exercises" came later within version 2, so a version 2 document without them still
# imports.
VERSION = 2

_SIDE_ORDER = {"": 0, RelativeSide.SAME: 1, RelativeSide.OPPOSITE: 2}


class CatalogueInvalid(Exception):
    """A document that cannot be imported; `problems` lists every reason with its path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the catalogue document")
        self.problems = problems


def _pattern_muscle_sort_key(row: PatternMuscle) -> tuple[str, int, str, str]:
    return (row.role, _SIDE_ORDER.get(row.side, 9), row.muscle.slug, row.source.slug if row.source else "")


def _number(value: Decimal | None) -> int | float | None:
    """A measure's limit as JSON writes it: 90 rather than 90.0, and 12.5 exactly (one decimal place)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def export_document() -> dict[str, Any]:
    """The whole catalogue, retired entries included. Runs thirteen queries.

    An exercise's image is not part of it: a document is text that studios read and review, and a
    picture is uploaded in the admin of each studio. Its video link is.
    """
    regions = Region.objects.order_by("display_order", "slug")
    muscles = Muscle.objects.order_by("slug")
    patterns = (
        Pattern.objects.select_related("region", "observation")
        .prefetch_related(
            Prefetch("sources", queryset=Source.objects.order_by("slug")),
            Prefetch("pattern_muscles", queryset=PatternMuscle.objects.select_related("muscle", "source")),
        )
        .order_by("region__display_order", "region__slug", "display_order", "slug")
    )
    measures = Measure.objects.prefetch_related(
        Prefetch("sources", queryset=Source.objects.order_by("slug"))
    ).order_by("display_order", "slug")
    exercises = Exercise.objects.prefetch_related(
        Prefetch("muscles", queryset=Muscle.objects.order_by("slug")),
        Prefetch("patterns", queryset=Pattern.objects.order_by("slug")),
        Prefetch("sources", queryset=Source.objects.order_by("slug")),
    ).in_phase_order()
    return {
        "format": FORMAT,
        "version": VERSION,
        "sources": [
            {
                "slug": source.slug,
                "authors": source.authors,
                "title": source.title,
                "publisher": source.publisher,
                "year": source.year,
                "url": source.url,
                "isbn": source.isbn,
                "note": source.note,
            }
            for source in Source.objects.order_by("slug")
        ],
        "observations": [
            {
                "slug": observation.slug,
                "name": observation.name,
                "kind": observation.kind,
                "description": observation.description,
                "display_order": observation.display_order,
            }
            for observation in Observation.objects.order_by("display_order", "slug")
        ],
        "regions": [
            {
                "slug": region.slug,
                "name": region.name,
                "description": region.description,
                "display_order": region.display_order,
            }
            for region in regions
        ],
        "muscles": [
            {
                "slug": muscle.slug,
                "name": muscle.name,
                "lay_name": muscle.lay_name,
                "aliases": muscle.alias_list,
                "description": muscle.description,
                "is_paired": muscle.is_paired,
                "is_active": muscle.is_active,
            }
            for muscle in muscles
        ],
        "patterns": [
            {
                "slug": pattern.slug,
                "name": pattern.name,
                "region": pattern.region.slug,
                "observation": pattern.observation.slug,
                "description": pattern.description,
                "sides": pattern.laterality,
                "sources": [source.slug for source in pattern.sources.all()],
                "is_active": pattern.is_active,
                "display_order": pattern.display_order,
                "muscles": [
                    {
                        "muscle": row.muscle.slug,
                        "role": row.role,
                        "side": row.side,
                        "note": row.note,
                        "source": row.source.slug if row.source else "",
                    }
                    for row in sorted(pattern.pattern_muscles.all(), key=_pattern_muscle_sort_key)
                ],
            }
            for pattern in patterns
        ],
        "measures": [
            {
                "slug": measure.slug,
                "name": measure.name,
                "unit": measure.unit,
                "better": measure.better,
                "min_value": _number(measure.min_value),
                "max_value": _number(measure.max_value),
                "per_side": measure.per_side,
                "description": measure.description,
                "sources": [source.slug for source in measure.sources.all()],
                "is_active": measure.is_active,
                "display_order": measure.display_order,
            }
            for measure in measures
        ],
        "exercises": [
            {
                "slug": exercise.slug,
                "name": exercise.name,
                "phase": exercise.phase,
                "instructions": exercise.instructions,
                "cues": exercise.cues,
                "muscles": [muscle.slug for muscle in exercise.muscles.all()],
                "patterns": [pattern.slug for pattern in exercise.patterns.all()],
                "sets": exercise.sets,
                "reps": exercise.reps,
                "hold_seconds": exercise.hold_seconds,
                "tempo": exercise.tempo,
                "per_week": exercise.per_week,
                "equipment": exercise.equipment,
                "contraindications": exercise.contraindications,
                "video_url": exercise.video_url,
                "sources": [source.slug for source in exercise.sources.all()],
                "is_active": exercise.is_active,
                "display_order": exercise.display_order,
            }
            for exercise in exercises
        ],
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# What each kind of entry holds: name -> (type, default); a default of _REQUIRED
# means the key must be present.
_REQUIRED = object()
_SOURCE_SPEC = {
    "slug": ("slug", _REQUIRED),
    "authors": ("str", _REQUIRED),
    "title": ("str", _REQUIRED),
    "publisher": ("str", ""),
    "year": ("year", None),
    "url": ("str", ""),
    "isbn": ("str", ""),
    "note": ("str", ""),
}
_OBSERVATION_SPEC = {
    "slug": ("slug", _REQUIRED),
    "name": ("str", _REQUIRED),
    "kind": ("str", _REQUIRED),
    "description": ("str", ""),
    "display_order": ("order", 0),
}
_REGION_SPEC = {
    "slug": ("slug", _REQUIRED),
    "name": ("str", _REQUIRED),
    "description": ("str", ""),
    "display_order": ("order", 0),
}
_MUSCLE_SPEC = {
    "slug": ("slug", _REQUIRED),
    "name": ("str", _REQUIRED),
    "lay_name": ("str", _REQUIRED),
    "aliases": ("aliases", []),
    "description": ("str", ""),
    "is_paired": ("bool", True),
    "is_active": ("bool", True),
}
_PATTERN_SPEC = {
    "slug": ("slug", _REQUIRED),
    "name": ("str", _REQUIRED),
    "region": ("str", _REQUIRED),
    "observation": ("str", _REQUIRED),
    "description": ("str", ""),
    "sides": ("sides", Laterality.NONE),
    "sources": ("slugs", []),
    "is_active": ("bool", True),
    "display_order": ("order", 0),
    "muscles": ("list", []),
}
_PATTERN_MUSCLE_SPEC = {
    "muscle": ("str", _REQUIRED),
    "role": ("str", _REQUIRED),
    "side": ("str", ""),
    "note": ("str", ""),
    "source": ("str", ""),
}
_MEASURE_SPEC = {
    "slug": ("slug", _REQUIRED),
    "name": ("str", _REQUIRED),
    "unit": ("str", ""),
    "better": ("better", _REQUIRED),
    "min_value": ("limit", None),
    "max_value": ("limit", None),
    "per_side": ("bool", False),
    "description": ("str", ""),
    "sources": ("slugs", []),
    "is_active": ("bool", True),
    "display_order": ("order", 0),
}
# No image: pictures are uploaded in each studio's admin, not carried in a document (export_document).
_EXERCISE_SPEC = {
    "slug": ("slug", _REQUIRED),
    "name": ("str", _REQUIRED),
    "phase": ("phase", _REQUIRED),
    "instructions": ("str", _REQUIRED),
    "cues": ("str", ""),
    "muscles": ("slugs", _REQUIRED),
    "patterns": ("slugs", []),
    "sets": ("dose", None),
    "reps": ("dose", None),
    "hold_seconds": ("dose", None),
    "tempo": ("str", ""),
    "per_week": ("dose", None),
    "equipment": ("str", ""),
    "contraindications": ("str", ""),
    "video_url": ("url", ""),
    "sources": ("slugs", []),
    "is_active": ("bool", True),
    "display_order": ("order", 0),
}
_MODEL_OF = {
    id(_SOURCE_SPEC): Source,
    id(_OBSERVATION_SPEC): Observation,
    id(_REGION_SPEC): Region,
    id(_MUSCLE_SPEC): Muscle,
    id(_PATTERN_SPEC): Pattern,
    id(_PATTERN_MUSCLE_SPEC): PatternMuscle,
    id(_MEASURE_SPEC): Measure,
    id(_EXERCISE_SPEC): Exercise,
}
_MAX_ORDER = 32767  # PositiveSmallIntegerField's limit on every database
_YEARS = (1500, 2100)
# What a measure's DecimalField holds (max_digits=6, decimal_places=1): -99999.9 to 99999.9.
_LIMIT_FIELD = Measure._meta.get_field("min_value")
_LIMIT_STEP = Decimal(1).scaleb(-_LIMIT_FIELD.decimal_places)
_LIMIT_MAX = Decimal(1).scaleb(_LIMIT_FIELD.max_digits - _LIMIT_FIELD.decimal_places) - _LIMIT_STEP


# Kinds of value that must be one of a fixed set of choices.
_CHOICES = {"sides": Laterality.values, "better": Better.values, "phase": Phase.values}

_SECTIONS = ("sources", "observations", "regions", "muscles", "patterns", "measures", "exercises")
# Sections added within the current version: a document written before them lacks them.
_OPTIONAL_SECTIONS = {"measures", "exercises"}
_WEB_ADDRESS = URLValidator(schemes=["https", "http"])


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else json.dumps(value)


def _one_of(values: Iterable[str]) -> str:
    return ", ".join(values)


@dataclass
class _Checker:
    problems: list[str] = field(default_factory=list)

    def add(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def value(
        self, path: str, kind: str, value: Any, max_length: int | None, limits: tuple[int, int] | None = None
    ) -> Any:
        """The value if it has the right type, else None after recording why."""
        if kind in ("str", "slug"):
            if not isinstance(value, str):
                self.add(path, f"expected a string, got {_show(value)}")
                return None
            if max_length and len(value) > max_length:
                self.add(path, f"longer than {max_length} characters")
                return None
            if kind == "slug":
                try:
                    validate_slug(value)
                except ValidationError:
                    self.add(path, f"{_show(value)} is not a slug (letters, digits, hyphens, underscores)")
                    return None
            return value
        if kind in _CHOICES:
            if value not in _CHOICES[kind]:
                self.add(path, f"{_show(value)} is not one of {_one_of(_CHOICES[kind])}")
                return None
            return value
        if kind == "bool":
            if not isinstance(value, bool):
                self.add(path, f"expected true or false, got {_show(value)}")
                return None
            return value
        if kind == "order":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_ORDER:
                self.add(path, f"expected a whole number from 0 to {_MAX_ORDER}, got {_show(value)}")
                return None
            return value
        if kind == "year":
            low, high = _YEARS
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high
            ):
                self.add(path, f"expected a year from {low} to {high} or null, got {_show(value)}")
                return None
            return value
        if kind == "limit":
            if value is None:
                return None
            number = None
            if isinstance(value, int | float) and not isinstance(value, bool):
                # repr, so that 12.3 is read as the 12.3 that was written, not its binary neighbour.
                number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
            if (
                number is None
                or not number.is_finite()
                or abs(number) > _LIMIT_MAX
                or number != number.quantize(_LIMIT_STEP)
            ):
                self.add(
                    path,
                    f"expected a number from {-_LIMIT_MAX} to {_LIMIT_MAX} with at most "
                    f"{_LIMIT_FIELD.decimal_places} decimal place, or null, got {_show(value)}",
                )
                return None
            return number
        if kind == "dose":
            low, high = limits
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high
            ):
                self.add(path, f"expected a whole number from {low} to {high} or null, got {_show(value)}")
                return None
            return value
        if kind == "url":
            # A string first, as any other.
            if self.value(path, "str", value, max_length) is None:
                return None
            if value:
                try:
                    _WEB_ADDRESS(value)
                except ValidationError:
                    self.add(path, f"{_show(value)} is not a web address (http:// or https://)")
                    return None
            return value
        if kind == "slugs":
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                self.add(path, f"expected a list of slugs, got {_show(value)}")
                return None
            if len(set(value)) != len(value):
                self.add(path, "a slug is listed twice")
                return None
            return value
        if kind == "list":
            if not isinstance(value, list):
                self.add(path, f"expected a list, got {_show(value)}")
                return None
            return value
        if kind == "aliases":
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                self.add(path, f"expected a list of strings, got {_show(value)}")
                return None
            cleaned = [item.strip() for item in value]
            if any("," in item or not item for item in cleaned):
                self.add(path, "an alias may not be empty or contain a comma")
                return None
            if len(", ".join(cleaned)) > max_length:
                self.add(path, f"longer than {max_length} characters together")
                return None
            return cleaned
        raise AssertionError(kind)

    def entry(self, path: str, raw: Any, spec: dict[str, tuple[str, Any]]) -> dict[str, Any] | None:
        """The entry with defaults filled in and None for each wrong field; None if not an object."""
        if not isinstance(raw, dict):
            self.add(path, f"expected an object, got {_show(raw)}")
            return None
        model = _MODEL_OF[id(spec)]
        entry: dict[str, Any] = {}
        for name, (kind, default) in spec.items():
            if name not in raw:
                if default is _REQUIRED:
                    self.add(f"{path}.{name}", "missing")
                    entry[name] = None
                else:
                    entry[name] = list(default) if isinstance(default, list) else default
                continue
            max_length = None
            if kind in ("str", "slug", "aliases", "url"):
                # A foreign key's slug (a pattern's region) has no length of its own to check.
                max_length = getattr(model._meta.get_field(name), "max_length", None)
            limits = _limits(model, name) if kind == "dose" else None
            entry[name] = self.value(f"{path}.{name}", kind, raw[name], max_length, limits)
        for name in sorted(set(raw) - set(spec)):
            self.add(f"{path}.{name}", "unknown field")
        return entry

    def unique(self, section: str, entries: list[tuple[int, dict]], key: str, what: str) -> None:
        seen: dict[Any, int] = {}
        for index, entry in entries:
            value = entry[key]
            if value is None:
                continue
            if value in seen:
                self.add(
                    f"{section}[{index}].{key}",
                    f"duplicate {what} {_show(value)} (also {section}[{seen[value]}])",
                )
            else:
                seen[value] = index


def _limits(model: type, name: str) -> tuple[int, int]:
    """The lowest and highest value the model's field accepts, from its validators."""
    validators = model._meta.get_field(name).validators
    low = next(v.limit_value for v in validators if isinstance(v, MinValueValidator))
    high = next(v.limit_value for v in validators if isinstance(v, MaxValueValidator))
    return low, high


def _section(checker: _Checker, document: dict, name: str, spec: dict) -> list[tuple[int, dict]]:
    raw = document.get(name)
    if name not in document:
        if name not in _OPTIONAL_SECTIONS:
            checker.add(name, "missing")
        return []
    if not isinstance(raw, list):
        checker.add(name, f"expected a list, got {_show(raw)}")
        return []
    entries = []
    for index, item in enumerate(raw):
        entry = checker.entry(f"{name}[{index}]", item, spec)
        if entry is not None:
            entries.append((index, entry))
    return entries


def _names_taken_elsewhere(model: type, slugs_in_file: set[str], *fields: str) -> dict[Any, str]:
    """Names held by rows the import leaves alone, so a file entry may not reuse them."""
    rows = model.objects.exclude(slug__in=slugs_in_file).values_list("slug", *fields)
    return {tuple(row[1:]) if len(fields) > 1 else row[1]: row[0] for row in rows}


def parse_document(document: Any) -> dict[str, Any]:
    """Check a whole document and return it with defaults filled in.

    May query (slugs and names already in the catalogue). Raises CatalogueInvalid
    listing every problem found, each prefixed with where it is.
    """
    checker = _Checker()
    if not isinstance(document, dict):
        raise CatalogueInvalid([f"document: expected a JSON object, got {_show(document)[:40]}"])
    if document.get("format") != FORMAT:
        checker.add("format", f"expected {_show(FORMAT)}, got {_show(document.get('format'))}")
    version = document.get("version")
    if version != VERSION or isinstance(version, bool):
        checker.add("version", f"unsupported version {_show(version)} (this studio reads version {VERSION})")
    for name in sorted(set(document) - {"format", "version", *_SECTIONS}):
        checker.add(name, "unknown field")

    sources = _section(checker, document, "sources", _SOURCE_SPEC)
    observations = _section(checker, document, "observations", _OBSERVATION_SPEC)
    regions = _section(checker, document, "regions", _REGION_SPEC)
    muscles = _section(checker, document, "muscles", _MUSCLE_SPEC)
    patterns = _section(checker, document, "patterns", _PATTERN_SPEC)
    measures = _section(checker, document, "measures", _MEASURE_SPEC)
    exercises = _section(checker, document, "exercises", _EXERCISE_SPEC)

    checker.unique("sources", sources, "slug", "slug")
    checker.unique("observations", observations, "slug", "slug")
    checker.unique("observations", observations, "name", "name")
    for index, entry in observations:
        if entry["kind"] is not None and entry["kind"] not in Observation.Kind.values:
            checker.add(
                f"observations[{index}].kind",
                f"{_show(entry['kind'])} is not one of {_one_of(Observation.Kind.values)}",
            )
    checker.unique("regions", regions, "slug", "slug")
    checker.unique("regions", regions, "name", "name")
    checker.unique("muscles", muscles, "slug", "slug")
    checker.unique("muscles", muscles, "name", "name")
    checker.unique("patterns", patterns, "slug", "slug")
    checker.unique("measures", measures, "slug", "slug")
    checker.unique("measures", measures, "name", "name")
    checker.unique("exercises", exercises, "slug", "slug")
    checker.unique("exercises", exercises, "name", "name")

    region_slugs = {entry["slug"] for _, entry in regions} - {None}
    muscle_slugs = {entry["slug"] for _, entry in muscles} - {None}
    pattern_slugs = {entry["slug"] for _, entry in patterns} - {None}
    known_regions = region_slugs | set(Region.objects.values_list("slug", flat=True))
    known_muscles = muscle_slugs | set(Muscle.objects.values_list("slug", flat=True))
    known_sources = {entry["slug"] for _, entry in sources} | set(
        Source.objects.values_list("slug", flat=True)
    )
    known_observations = {entry["slug"] for _, entry in observations} | set(
        Observation.objects.values_list("slug", flat=True)
    )

    named = (
        ("observations", Observation, observations),
        ("regions", Region, regions),
        ("muscles", Muscle, muscles),
        ("measures", Measure, measures),
        ("exercises", Exercise, exercises),
    )
    for section, model, entries in named:
        taken = _names_taken_elsewhere(model, {entry["slug"] for _, entry in entries} - {None}, "name")
        for index, entry in entries:
            if entry["name"] is not None and entry["name"] in taken:
                checker.add(
                    f"{section}[{index}].name",
                    f"{_show(entry['name'])} is already the name of {_show(taken[entry['name']])}",
                )

    taken_pattern_names = _names_taken_elsewhere(Pattern, pattern_slugs, "region__slug", "name")
    seen_pattern_names: dict[tuple[str, str], int] = {}
    for index, entry in patterns:
        path = f"patterns[{index}]"
        if entry["region"] is not None and entry["region"] not in known_regions:
            checker.add(f"{path}.region", f"unknown region {_show(entry['region'])}")
        if entry["observation"] is not None and entry["observation"] not in known_observations:
            checker.add(f"{path}.observation", f"unknown observation {_show(entry['observation'])}")
        for slug in entry["sources"] or []:
            if slug not in known_sources:
                checker.add(f"{path}.sources", f"unknown source {_show(slug)}")
        key = (entry["region"], entry["name"])
        if None in key:
            pass
        elif key in seen_pattern_names:
            checker.add(
                f"{path}.name",
                f"duplicate name {_show(entry['name'])} in region {_show(entry['region'])} "
                f"(also patterns[{seen_pattern_names[key]}])",
            )
        elif key in taken_pattern_names:
            checker.add(
                f"{path}.name",
                f"{_show(entry['name'])} is already the name of {_show(taken_pattern_names[key])}",
            )
        seen_pattern_names.setdefault(key, index)
        if entry["muscles"] is not None:
            entry["muscles"] = _pattern_muscles(checker, path, entry, known_muscles, known_sources)

    for index, entry in measures:
        _measure(checker, f"measures[{index}]", entry, document["measures"][index], known_sources)

    known_patterns = pattern_slugs | set(Pattern.objects.values_list("slug", flat=True))
    for index, entry in exercises:
        _exercise(checker, f"exercises[{index}]", entry, known_muscles, known_patterns, known_sources)

    if checker.problems:
        raise CatalogueInvalid(checker.problems)
    return {
        "sources": [entry for _, entry in sources],
        "observations": [entry for _, entry in observations],
        "regions": [entry for _, entry in regions],
        "muscles": [entry for _, entry in muscles],
        "patterns": [entry for _, entry in patterns],
        "measures": [entry for _, entry in measures],
        "exercises": [entry for _, entry in exercises],
    }


def _measure(checker: _Checker, path: str, entry: dict, raw: dict, known_sources: set[str]) -> None:
    """The rules between a measure's fields: a number has a range, a test has none. `raw` is the
    entry as written, to tell a limit left out from one already reported as wrong."""
    for slug in entry["sources"] or []:
        if slug not in known_sources:
            checker.add(f"{path}.sources", f"unknown source {_show(slug)}")
    if entry["better"] is None:
        return
    limits = ("min_value", "max_value")
    if entry["better"] == Better.PASS:
        for name in limits:
            if raw.get(name) is not None:
                checker.add(
                    f"{path}.{name}",
                    f"must be null for a pass-or-fail test (it is recorded as passed or failed), "
                    f"got {_show(raw[name])}",
                )
        return
    for name in limits:
        if raw.get(name) is None:
            checker.add(
                f"{path}.{name}",
                f"missing: a measure where {entry['better']} is better needs its lowest and highest value",
            )
    low, high = entry["min_value"], entry["max_value"]
    if low is not None and high is not None and low >= high:
        checker.add(
            f"{path}.max_value",
            f"must be above min_value ({_show(raw['min_value'])}), got {_show(raw['max_value'])}",
        )


def _exercise(
    checker: _Checker,
    path: str,
    entry: dict,
    known_muscles: set[str],
    known_patterns: set[str],
    known_sources: set[str],
) -> None:
    """An exercise's references, and the rules between its fields."""
    for name, what, known in (
        ("muscles", "muscle", known_muscles),
        ("patterns", "pattern", known_patterns),
        ("sources", "source", known_sources),
    ):
        for slug in entry[name] or []:
            if slug not in known:
                checker.add(f"{path}.{name}", f"unknown {what} {_show(slug)}")
    if entry["muscles"] == []:
        checker.add(f"{path}.muscles", "an exercise targets at least one muscle")
    # A plan proposes a pattern's whole-movement exercise from these links; an exercise of another
    # phase works on muscles, so a link from it would be proposed for the wrong reason.
    if entry["patterns"] and entry["phase"] not in (None, Phase.INTEGRATE):
        checker.add(
            f"{path}.patterns",
            f"only an exercise of phase {_show(Phase.INTEGRATE.value)} addresses patterns, "
            f"this one is {_show(entry['phase'])}",
        )


def _pattern_muscles(
    checker: _Checker, path: str, pattern: dict, known_muscles: set[str], known_sources: set[str]
) -> list[dict]:
    rows = []
    seen: dict[tuple[str, str, str], int] = {}
    for index, raw in enumerate(pattern["muscles"]):
        row_path = f"{path}.muscles[{index}]"
        row = checker.entry(row_path, raw, _PATTERN_MUSCLE_SPEC)
        if row is None:
            continue
        if row["muscle"] is not None and row["muscle"] not in known_muscles:
            checker.add(f"{row_path}.muscle", f"unknown muscle {_show(row['muscle'])}")
        if row["role"] is not None and row["role"] not in Role.values:
            checker.add(f"{row_path}.role", f"{_show(row['role'])} is not one of {_one_of(Role.values)}")
        if row["source"] and row["source"] not in known_sources:
            checker.add(f"{row_path}.source", f"unknown source {_show(row['source'])}")
        sides = pattern["sides"]
        if row["side"] is None or sides is None:
            pass
        elif sides != Laterality.NONE and row["side"] not in RelativeSide.values:
            checker.add(
                f"{row_path}.side",
                f"{_show(row['side'])} is not one of {_one_of(RelativeSide.values)} "
                "(the pattern is recorded on a side)",
            )
        elif sides == Laterality.NONE and row["side"]:
            checker.add(
                f"{row_path}.side",
                f"must be empty for a pattern with no side, got {_show(row['side'])}",
            )
        key = (row["muscle"], row["side"], row["source"])
        if None not in key and key in seen:
            checker.add(
                f"{row_path}.muscle",
                f"{_show(row['muscle'])} is listed twice for this side and source "
                f"(also {path}.muscles[{seen[key]}])",
            )
        seen.setdefault(key, index)
        rows.append(row)
    return rows
