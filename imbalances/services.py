"""Writes to the catalogue that span many rows, and the version that every write changes."""

import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db import models, transaction

from .catalogue_io import parse_document
from .models import (
    CatalogueImport,
    Exercise,
    Measure,
    Muscle,
    Observation,
    Pattern,
    PatternMuscle,
    Region,
    Source,
)
from .signals import catalogue_updated

# In the shared cache, so that a write in one process is seen by all of them.
VERSION_KEY = "imbalances:catalogue-version"

# The catalogue packs that ship with the code: optional content that a studio (and the demo) imports.
PACKS_DIR = Path(__file__).resolve().parent / "packs"
# In the order they import: the exercises name the muscles and patterns of the two packs before them.
SHIPPED_PACKS = ("movement-screens.json", "whole-body-posture.json", "exercises.json")


def catalogue_version() -> str:
    """A token that changes with every write to the catalogue (one cache read).

    Copies of catalogue content are kept under it (the "catalogue" cache), so none outlives a
    change. Should the shared cache lose it, a new token is drawn and the copies are read anew.
    """
    return cache.get_or_set(VERSION_KEY, _new_version, timeout=None)


def catalogue_changed() -> None:
    """Every write to the catalogue calls this: once its transaction commits, a new version,
    then catalogue_updated (reports renders again what the change altered).

    After the commit, so that no process can read the new version with the old content.
    """
    transaction.on_commit(_publish_change)


def _publish_change() -> None:
    cache.set(VERSION_KEY, _new_version(), timeout=None)
    catalogue_updated.send_robust(sender=None)


def _new_version() -> str:
    return uuid.uuid4().hex


def _upsert(
    model: type[models.Model],
    existing: dict[str, models.Model],
    values: dict[str, Any],
    label: str,
    changes: list[str],
) -> models.Model:
    slug = values["slug"]
    obj = existing.get(slug)
    if obj is None:
        obj = model.objects.create(**values)
        existing[slug] = obj
        changes.append(f"create {label} {slug}")
        return obj
    if changed := _save_changed(obj, values):
        changes.append(f"update {label} {slug}: {', '.join(changed)}")
    return obj


def _save_changed(obj: models.Model, values: dict[str, Any]) -> list[str]:
    """Set and save the fields of `obj` whose value differs from `values`; their names."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return changed


def _sync_pattern_muscles(
    *,
    pattern: Pattern,
    rows: list[dict[str, Any]],
    muscles: dict[str, Muscle],
    sources: dict[str, Source],
    changes: list[str],
) -> None:
    """Make the pattern's muscle list exactly `rows`. Nothing references these rows, so removing is safe."""
    existing = {
        (row.muscle_id, row.side, row.source_id): row
        for row in pattern.pattern_muscles.select_related("muscle", "source")
    }
    wanted = {
        (muscles[row["muscle"]].pk, row["side"], sources[row["source"]].pk if row["source"] else None): row
        for row in rows
    }
    # Removals first, so that a row moving between sides never trips the unique constraint.
    for key, row in existing.items():
        if key not in wanted:
            row.delete()
            changes.append(
                f"remove {row.muscle.slug}{_side(row.side)}{_cited(row.source)} from pattern {pattern.slug}"
            )
    for key, data in wanted.items():
        values = {"role": data["role"], "note": data["note"]}
        row = existing.get(key)
        label = f"{data['muscle']}{_side(data['side'])}{_cited(data['source'])} in pattern {pattern.slug}"
        if row is None:
            PatternMuscle.objects.create(
                pattern=pattern, muscle_id=key[0], side=key[1], source_id=key[2], **values
            )
            changes.append(f"add {label}")
            continue
        if changed := _save_changed(row, values):
            changes.append(f"update {label}: {', '.join(changed)}")


def _sync_related(
    *,
    obj: Pattern | Measure | Exercise,
    field: str,
    label: str,
    slugs: list[str],
    rows: dict[str, models.Model],
    changes: list[str],
) -> None:
    """Make the many-to-many `field` of `obj` exactly the rows of `slugs`."""
    related = getattr(obj, field)
    if {row.slug for row in related.all()} != set(slugs):
        related.set([rows[slug] for slug in slugs])
        changes.append(f"update {label} {obj.slug}: {field}")


def _cited(source: Source | str | None) -> str:
    slug = source.slug if isinstance(source, Source) else source
    return f" (source {slug})" if slug else ""


def _side(side: str) -> str:
    return f" ({side} side)" if side else ""


def catalogue_import(*, document: Any, dry_run: bool = False) -> list[str]:
    """Create or update sources, observations, regions, muscles, patterns, measures and exercises by
    slug; return what changed.

    Raises CatalogueInvalid (with every problem) before writing anything. Entries
    missing from the document are left alone, since assessments may use them; an
    imported pattern's muscle list, an imported exercise's muscles and patterns and an
    imported entry's sources are replaced; an exercise's image is kept. A dry
    run does the same work in a transaction that is rolled back, so it reports exactly
    what a real run would do.
    """
    catalogue = parse_document(document)
    changes: list[str] = []
    with transaction.atomic():
        sources: dict[str, Source] = {source.slug: source for source in Source.objects.all()}
        for data in catalogue["sources"]:
            _upsert(Source, sources, data, "source", changes)
        observations = {observation.slug: observation for observation in Observation.objects.all()}
        for data in catalogue["observations"]:
            _upsert(Observation, observations, data, "observation", changes)
        regions: dict[str, Region] = {region.slug: region for region in Region.objects.all()}
        for data in catalogue["regions"]:
            _upsert(Region, regions, data, "region", changes)
        muscles: dict[str, Muscle] = {muscle.slug: muscle for muscle in Muscle.objects.all()}
        for data in catalogue["muscles"]:
            values = {**data, "aliases": ", ".join(data["aliases"])}
            _upsert(Muscle, muscles, values, "muscle", changes)
        patterns: dict[str, Pattern] = {
            pattern.slug: pattern
            for pattern in Pattern.objects.select_related("region", "observation").prefetch_related("sources")
        }
        for data in catalogue["patterns"]:
            values = {key: value for key, value in data.items() if key not in ("muscles", "sources", "sides")}
            values["region"] = regions[data["region"]]
            values["observation"] = observations[data["observation"]]
            values["laterality"] = data["sides"]
            pattern = _upsert(Pattern, patterns, values, "pattern", changes)
            _sync_related(
                obj=pattern,
                field="sources",
                label="pattern",
                slugs=data["sources"],
                rows=sources,
                changes=changes,
            )
            _sync_pattern_muscles(
                pattern=pattern, rows=data["muscles"], muscles=muscles, sources=sources, changes=changes
            )
        measures: dict[str, Measure] = {
            measure.slug: measure for measure in Measure.objects.prefetch_related("sources")
        }
        for data in catalogue["measures"]:
            values = {key: value for key, value in data.items() if key != "sources"}
            measure = _upsert(Measure, measures, values, "measure", changes)
            _sync_related(
                obj=measure,
                field="sources",
                label="measure",
                slugs=data["sources"],
                rows=sources,
                changes=changes,
            )
        exercises: dict[str, Exercise] = {
            exercise.slug: exercise
            for exercise in Exercise.objects.prefetch_related("muscles", "patterns", "sources")
        }
        related = {"muscles": muscles, "patterns": patterns, "sources": sources}
        for data in catalogue["exercises"]:
            values = {key: value for key, value in data.items() if key not in related}
            exercise = _upsert(Exercise, exercises, values, "exercise", changes)
            for field, rows in related.items():
                _sync_related(
                    obj=exercise, field=field, label="exercise", slugs=data[field], rows=rows, changes=changes
                )
        if dry_run:
            transaction.set_rollback(True)
        elif changes:
            catalogue_changed()
    return changes


def import_catalogue_pack(
    *, document: Any, content: bytes, file_name: str, user: AbstractBaseUser | None
) -> CatalogueImport:
    """Import a pack for real and write its audit row (who, when, which file, what changed), in
    one transaction; the row is written even when nothing changed.

    `content` is the file's bytes and `document` what they parse to; the row keeps their SHA-256.
    `user` is None from the command line. Raises what catalogue_import raises, writing nothing.
    """
    with transaction.atomic():
        changes = catalogue_import(document=document)
        return CatalogueImport.objects.create(
            imported_by=user,
            file_name=file_name,
            sha256=hashlib.sha256(content).hexdigest(),
            changes="\n".join(changes),
            changed=bool(changes),
        )


def shipped_packs_import() -> list[CatalogueImport]:
    """Import, in the order of SHIPPED_PACKS, each pack that would change the catalogue, each with its
    audit row and no user, in one transaction; return the rows written.

    A pack already in place is skipped rather than imported again, because every real import writes
    an audit row: the demo loads on every `make run`, and a second run must write nothing. Raises
    what catalogue_import raises (and json.JSONDecodeError for a broken file), writing nothing.
    """
    records = []
    with transaction.atomic():
        for name in SHIPPED_PACKS:
            path = PACKS_DIR / name
            content = path.read_bytes()
            document = json.loads(content)
            if catalogue_import(document=document, dry_run=True):
                records.append(
                    import_catalogue_pack(document=document, content=content, file_name=path.name, user=None)
                )
    return records
