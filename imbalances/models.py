from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse


class Role(models.TextChoices):
    """How active a muscle is in a pattern, or was observed to be."""

    OVER = "over-active", "over-active"
    UNDER = "under-active", "under-active"


class RelativeSide(models.TextChoices):
    """Where a muscle sits relative to the side a lateral pattern was recorded on."""

    SAME = "same", "same side"
    OPPOSITE = "opposite", "opposite side"


class Laterality(models.TextChoices):
    """Which sides a pattern is recorded on."""

    NONE = "none", "no side (the body's midline)"
    ONE = "one", "one side: left or right"
    ONE_OR_BOTH = "one-or-both", "left, right or both"


class Source(models.Model):
    """A published reference a client could look up, cited by patterns and their muscle links."""

    slug = models.SlugField(max_length=80, unique=True)
    authors = models.CharField(max_length=200)
    title = models.CharField(max_length=250)
    publisher = models.CharField("publisher or journal", max_length=160, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    url = models.URLField("URL", max_length=200, blank=True)
    isbn = models.CharField("ISBN", max_length=20, blank=True)
    note = models.CharField(max_length=250, blank=True, help_text="What it is, or which part we rely on.")

    class Meta:
        ordering = ["authors", "year", "title"]

    def __str__(self) -> str:
        return self.citation

    def get_absolute_url(self) -> str:
        return reverse("imbalances:sources") + f"#source-{self.slug}"

    @property
    def citation(self) -> str:
        """'Bing Xi (2020). A Deeper Look Into Spine Muscle Imbalances. HubPages.'"""
        year = f" ({self.year})" if self.year else ""
        publisher = f" {self.publisher}." if self.publisher else ""
        return f"{self.authors}{year}. {self.title}.{publisher}"


class Observation(models.Model):
    """How a pattern is seen: standing still from one view, or during a movement screen."""

    class Kind(models.TextChoices):
        POSTURE = "posture", "static posture"
        MOVEMENT = "movement", "movement screen"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=80, unique=True, help_text="“Standing, side view”, “Overhead squat”.")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    description = models.TextField(blank=True, help_text="How to set the client up and where to look.")
    display_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["display_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["posture", "movement"]), name="observation_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    display_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["display_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("imbalances:index") + f"#region-{self.slug}"


class MuscleQuerySet(models.QuerySet):
    def active(self) -> "MuscleQuerySet":
        return self.filter(is_active=True)

    def search(self, query: str) -> "MuscleQuerySet":
        """Muscles whose anatomical name, lay name or aliases contain `query`."""
        return self.filter(
            models.Q(name__icontains=query)
            | models.Q(lay_name__icontains=query)
            | models.Q(aliases__icontains=query)
        )

    def with_patterns(self) -> "MuscleQuerySet":
        """Prefetch each muscle's pattern roles with their patterns and regions (two queries)."""
        return self.prefetch_related(
            models.Prefetch(
                "pattern_muscles",
                queryset=PatternMuscle.objects.select_related("pattern__region", "source").order_by(
                    "pattern__region__display_order", "pattern__display_order", "pattern__name", "side"
                ),
            )
        )


class Muscle(models.Model):
    name = models.CharField("anatomical name", max_length=120, unique=True)
    lay_name = models.CharField(
        max_length=160,
        help_text="What a client understands, e.g. “hip flexor at the front of the thigh”.",
    )
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True, help_text="What the muscle does.")
    aliases = models.CharField(
        max_length=250,
        blank=True,
        help_text="Short names trainers use, separated by commas (TFL, QL).",
    )
    is_paired = models.BooleanField("paired left/right", default=True)
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Retired muscles leave new forms but stay in old assessments.",
    )

    objects = MuscleQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("imbalances:muscle", kwargs={"slug": self.slug})

    @property
    def alias_list(self) -> list[str]:
        return [alias.strip() for alias in self.aliases.split(",") if alias.strip()]


class PatternQuerySet(models.QuerySet):
    def active(self) -> "PatternQuerySet":
        return self.filter(is_active=True)

    def search(self, query: str) -> "PatternQuerySet":
        """Patterns whose name contains `query`, or one of whose muscles' names or aliases does."""
        # A subquery rather than a join, so no DISTINCT is needed and ordering stays free.
        via_muscles = PatternMuscle.objects.filter(muscle__in=Muscle.objects.search(query)).values(
            "pattern_id"
        )
        return self.filter(models.Q(name__icontains=query) | models.Q(pk__in=via_muscles))

    def with_muscles(self) -> "PatternQuerySet":
        """Select the region and prefetch the muscle roles with their muscles (two queries)."""
        return self.select_related("region").prefetch_related(
            models.Prefetch(
                "pattern_muscles",
                queryset=PatternMuscle.objects.select_related("muscle", "source").order_by(
                    "role", "side", "muscle__name"
                ),
            )
        )


class Pattern(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="patterns")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    observation = models.ForeignKey(Observation, on_delete=models.PROTECT, related_name="patterns")
    description = models.TextField(blank=True, help_text="What the trainer sees.")
    laterality = models.CharField("sides", max_length=11, choices=Laterality.choices, default=Laterality.NONE)
    sources = models.ManyToManyField(Source, blank=True, related_name="patterns")
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Retired patterns leave new forms but stay in old assessments.",
    )
    display_order = models.PositiveSmallIntegerField(default=0)
    muscles = models.ManyToManyField(Muscle, through="PatternMuscle", related_name="patterns")

    objects = PatternQuerySet.as_manager()

    class Meta:
        ordering = ["region__display_order", "display_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="pattern_unique_name_per_region"),
            models.CheckConstraint(
                condition=models.Q(laterality__in=Laterality.values), name="pattern_laterality_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("imbalances:pattern", kwargs={"slug": self.slug})

    @property
    def is_lateral(self) -> bool:
        """Recorded on a side, so its muscles' sides are relative to it."""
        return self.laterality != Laterality.NONE


class PatternMuscle(models.Model):
    pattern = models.ForeignKey(Pattern, on_delete=models.CASCADE, related_name="pattern_muscles")
    muscle = models.ForeignKey(Muscle, on_delete=models.PROTECT, related_name="pattern_muscles")
    role = models.CharField(max_length=12, choices=Role.choices)
    side = models.CharField(
        max_length=8,
        choices=RelativeSide.choices,
        blank=True,
        help_text="For lateral patterns only: relative to the side of the pattern.",
    )
    note = models.CharField(max_length=250, blank=True)
    # Where sources disagree, each keeps its own link: the form records the muscle once.
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="pattern_muscles"
    )

    class Meta:
        ordering = ["pattern", "role", "side", "muscle__name"]
        constraints = [
            # Two partial indexes rather than nulls_distinct, which SQLite (make run) lacks.
            models.UniqueConstraint(
                fields=["pattern", "muscle", "side", "source"],
                condition=models.Q(source__isnull=False),
                name="patternmuscle_unique_pattern_muscle_side_source",
            ),
            models.UniqueConstraint(
                fields=["pattern", "muscle", "side"],
                condition=models.Q(source__isnull=True),
                name="patternmuscle_unique_pattern_muscle_side_unsourced",
            ),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="patternmuscle_role_valid"),
            models.CheckConstraint(
                condition=models.Q(side__in=["", *RelativeSide.values]),
                name="patternmuscle_side_valid",
            ),
        ]

    def __str__(self) -> str:
        side = f", {self.get_side_display()}" if self.side else ""
        return f"{self.muscle}: {self.get_role_display()} in {self.pattern}{side}"

    def clean(self) -> None:
        # The rule depends on the pattern row, so no database constraint can hold it.
        try:
            pattern = self.pattern
        except Pattern.DoesNotExist:
            return
        if pattern.is_lateral and not self.side:
            raise ValidationError(
                {"side": "Choose a side: this pattern is recorded on a side (same or opposite side)."}
            )
        if not pattern.is_lateral and self.side:
            raise ValidationError({"side": "Leave the side empty: this pattern has no side."})


class CatalogueImport(models.Model):
    """One catalogue pack imported for real, from the admin or import_catalogue: the audit trail.

    Written in the same transaction as the import, so a row exists exactly when the import happened.
    """

    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when imported with manage.py import_catalogue.",
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, help_text="Of the file's bytes as uploaded.")
    changes = models.TextField(blank=True, help_text="What the import changed, one change a line.")
    changed = models.BooleanField("changed anything")

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def change_list(self) -> list[str]:
        return self.changes.splitlines()
