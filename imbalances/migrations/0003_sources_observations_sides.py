"""Sources, kinds of observation and sides that fit every pattern.

The seed's free-text sources become Source rows (the article as a proper citation), its
patterns get the view they are seen in, and "lateral" becomes one of three kinds of sides.
Historical models only, as in 0002.
"""

import django.db.models.deletion
from django.db import migrations, models

ARTICLE = {
    "slug": "xi-2020-spine-muscle-imbalances",
    "authors": "Bing Xi",
    "title": "A Deeper Look Into Spine Muscle Imbalances",
    "publisher": "HubPages",
    "year": 2020,
    "note": "Updated 14 January 2020. Written by a certified personal trainer; the source of the "
    "four spine patterns and their muscles.",
}
JANDA = {
    "slug": "page-frank-lardner-2010",
    "authors": "Phillip Page, Clare C. Frank, Robert Lardner",
    "title": "Assessment and Treatment of Muscle Imbalance: The Janda Approach",
    "publisher": "Human Kinetics",
    "year": 2010,
    "isbn": "978-0-7360-7400-8",
    "note": "Janda's upper and lower crossed syndromes.",
}
OBSERVATIONS = [
    {
        "slug": "standing-side",
        "name": "Standing, side view",
        "kind": "posture",
        "description": "The client stands relaxed, barefoot; look from the side along a plumb line "
        "through the ear, shoulder, hip, knee and ankle.",
        "display_order": 20,
    },
    {
        "slug": "standing-front",
        "name": "Standing, front view",
        "kind": "posture",
        "description": "The client stands relaxed, barefoot, feet hip-width apart; look from the front "
        "at the level of the ears, shoulders, hips, knees and feet.",
        "display_order": 10,
    },
]
# The seed's patterns and the view each is seen in.
SEEN_IN = {
    "anterior-pelvic-tilt": "standing-side",
    "posterior-pelvic-tilt": "standing-side",
    "forward-chin": "standing-side",
    "head-tilt-turn": "standing-front",
}
OLD_NOTE = "Not named in the seed article."
NEW_NOTE = "Not named by Bing Xi (2020); Janda's upper crossed syndrome adds it."


def forwards(apps, schema_editor) -> None:
    Source = apps.get_model("imbalances", "Source")
    Observation = apps.get_model("imbalances", "Observation")
    Pattern = apps.get_model("imbalances", "Pattern")
    PatternMuscle = apps.get_model("imbalances", "PatternMuscle")
    article = Source.objects.create(**ARTICLE)
    janda = Source.objects.create(**JANDA)
    views = {data["slug"]: Observation.objects.create(**data) for data in OBSERVATIONS}
    default_view = views["standing-side"]
    for pattern in Pattern.objects.all():
        pattern.observation = views.get(SEEN_IN.get(pattern.slug), default_view)
        pattern.laterality = "one" if pattern.is_lateral else "none"
        pattern.save(update_fields=["observation", "laterality"])
        if pattern.slug in SEEN_IN:
            pattern.sources.add(article)
    for link in PatternMuscle.objects.all():
        text = link.source_text
        if text.startswith("Seed article"):
            link.source = article
        elif text.startswith("Janda"):
            link.source = janda
        if link.note == OLD_NOTE:
            link.note = NEW_NOTE
        link.save(update_fields=["source", "note"])


def backwards(apps, schema_editor) -> None:
    Pattern = apps.get_model("imbalances", "Pattern")
    PatternMuscle = apps.get_model("imbalances", "PatternMuscle")
    for pattern in Pattern.objects.all():
        pattern.is_lateral = pattern.laterality != "none"
        pattern.save(update_fields=["is_lateral"])
    for link in PatternMuscle.objects.select_related("source"):
        if link.source_id:
            link.source_text = (
                "Seed article: A Deeper Look Into Spine Muscle Imbalances"
                if link.source.slug == ARTICLE["slug"]
                else "Janda's upper crossed syndrome"
            )
        if link.note == NEW_NOTE:
            link.note = OLD_NOTE
        link.save(update_fields=["source_text", "note"])


class Migration(migrations.Migration):
    dependencies = [("imbalances", "0002_seed_catalogue")]

    operations = [
        migrations.CreateModel(
            name="Source",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(max_length=80, unique=True)),
                ("authors", models.CharField(max_length=200)),
                ("title", models.CharField(max_length=250)),
                (
                    "publisher",
                    models.CharField(blank=True, max_length=160, verbose_name="publisher or journal"),
                ),
                ("year", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("url", models.URLField(blank=True, verbose_name="URL")),
                ("isbn", models.CharField(blank=True, max_length=20, verbose_name="ISBN")),
                (
                    "note",
                    models.CharField(
                        blank=True, help_text="What it is, or which part we rely on.", max_length=250
                    ),
                ),
            ],
            options={"ordering": ["authors", "year", "title"]},
        ),
        migrations.CreateModel(
            name="Observation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(max_length=80, unique=True)),
                (
                    "name",
                    models.CharField(
                        help_text="“Standing, side view”, “Overhead squat”.", max_length=80, unique=True
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("posture", "static posture"), ("movement", "movement screen")], max_length=8
                    ),
                ),
                (
                    "description",
                    models.TextField(blank=True, help_text="How to set the client up and where to look."),
                ),
                ("display_order", models.PositiveSmallIntegerField(default=0)),
            ],
            options={
                "ordering": ["display_order", "name"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["posture", "movement"])),
                        name="observation_kind_valid",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="pattern",
            name="observation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="patterns",
                to="imbalances.observation",
            ),
        ),
        migrations.AddField(
            model_name="pattern",
            name="laterality",
            field=models.CharField(
                choices=[
                    ("none", "no side (the body's midline)"),
                    ("one", "one side: left or right"),
                    ("one-or-both", "left, right or both"),
                ],
                default="none",
                max_length=11,
                verbose_name="sides",
            ),
        ),
        migrations.AddField(
            model_name="pattern",
            name="sources",
            field=models.ManyToManyField(blank=True, related_name="patterns", to="imbalances.source"),
        ),
        migrations.RemoveConstraint(
            model_name="patternmuscle", name="patternmuscle_unique_pattern_muscle_side"
        ),
        migrations.RenameField(model_name="patternmuscle", old_name="source", new_name="source_text"),
        migrations.AddField(
            model_name="patternmuscle",
            name="source",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pattern_muscles",
                to="imbalances.source",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="patternmuscle", name="source_text"),
        migrations.RemoveField(model_name="pattern", name="is_lateral"),
        migrations.AlterField(
            model_name="pattern",
            name="observation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="patterns",
                to="imbalances.observation",
            ),
        ),
        migrations.AddConstraint(
            model_name="patternmuscle",
            constraint=models.UniqueConstraint(
                condition=models.Q(("source__isnull", False)),
                fields=("pattern", "muscle", "side", "source"),
                name="patternmuscle_unique_pattern_muscle_side_source",
            ),
        ),
        migrations.AddConstraint(
            model_name="patternmuscle",
            constraint=models.UniqueConstraint(
                condition=models.Q(("source__isnull", True)),
                fields=("pattern", "muscle", "side"),
                name="patternmuscle_unique_pattern_muscle_side_unsourced",
            ),
        ),
        migrations.AddConstraint(
            model_name="pattern",
            constraint=models.CheckConstraint(
                condition=models.Q(("laterality__in", ["none", "one", "one-or-both"])),
                name="pattern_laterality_valid",
            ),
        ),
    ]
