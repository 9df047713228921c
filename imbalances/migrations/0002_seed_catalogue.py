"""Load the seed catalogue (regions, muscles, patterns and their roles).

The data sits next to this file in 0002_seed_catalogue.json, in the
export_catalogue format, so it reads as a table. This migration reads it with
historical models and never imports app code, so later changes to the app
cannot change what it loads.
"""

import json
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).with_name("0002_seed_catalogue.json")


def load(apps, schema_editor) -> None:
    Region = apps.get_model("imbalances", "Region")
    Muscle = apps.get_model("imbalances", "Muscle")
    Pattern = apps.get_model("imbalances", "Pattern")
    PatternMuscle = apps.get_model("imbalances", "PatternMuscle")
    document = json.loads(SEED.read_text(encoding="utf-8"))

    regions = {}
    for data in document["regions"]:
        regions[data["slug"]] = Region.objects.create(**data)
    muscles = {}
    for data in document["muscles"]:
        muscles[data["slug"]] = Muscle.objects.create(**{**data, "aliases": ", ".join(data["aliases"])})
    for data in document["patterns"]:
        rows = data.pop("muscles")
        pattern = Pattern.objects.create(**{**data, "region": regions[data["region"]]})
        PatternMuscle.objects.bulk_create(
            PatternMuscle(pattern=pattern, **{**row, "muscle": muscles[row["muscle"]]}) for row in rows
        )


def unload(apps, schema_editor) -> None:
    document = json.loads(SEED.read_text(encoding="utf-8"))
    apps.get_model("imbalances", "Pattern").objects.filter(
        slug__in=[data["slug"] for data in document["patterns"]]
    ).delete()
    apps.get_model("imbalances", "Muscle").objects.filter(
        slug__in=[data["slug"] for data in document["muscles"]]
    ).delete()
    apps.get_model("imbalances", "Region").objects.filter(
        slug__in=[data["slug"] for data in document["regions"]]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("imbalances", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
