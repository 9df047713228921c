from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse


class Role(models.TextChoices):
    """How active a muscle is in a pattern, or was observed to be."""

    OVER = "over-active", "over-active"
    UNDER = "under-active", "under-active"


class RelativeSide(models.TextChoices):
    """Where a muscle sits relative to the side of a lateral pattern."""

    SAME = "same", "same side"
    OPPOSITE = "opposite", "opposite side"


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
                queryset=PatternMuscle.objects.select_related("pattern__region").order_by(
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
                queryset=PatternMuscle.objects.select_related("muscle").order_by(
                    "role", "side", "muscle__name"
                ),
            )
        )


class Pattern(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="patterns")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True, help_text="What the trainer sees.")
    is_lateral = models.BooleanField("lateral", default=False, help_text="Has a left or right side.")
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
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("imbalances:pattern", kwargs={"slug": self.slug})


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
    source = models.CharField(max_length=160, blank=True, help_text="Where this mapping comes from.")

    class Meta:
        ordering = ["pattern", "role", "side", "muscle__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["pattern", "muscle", "side"],
                name="patternmuscle_unique_pattern_muscle_side",
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
            raise ValidationError({"side": "Choose a side: this pattern is lateral (same or opposite side)."})
        if not pattern.is_lateral and self.side:
            raise ValidationError({"side": "Leave the side empty: this pattern is not lateral."})
