import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.template.defaultfilters import filesizeformat, pluralize
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


class Better(models.TextChoices):
    """Which way a measure improves; a pass-or-fail test is recorded as 1 (pass) or 0 (fail)."""

    HIGHER = "higher", "higher is better"
    LOWER = "lower", "lower is better"
    PASS = "pass", "a pass-or-fail test"


def show_measure(value: Decimal, *, unit: str, is_test: bool) -> str:
    """A measured value as people write it: '42.5°', '6 cm', 'passed'."""
    if is_test:
        return "passed" if value else "failed"
    number = f"{Decimal(value):f}".removesuffix(".0")
    return f"{number}{unit}" if unit in ("°", "%") else f"{number} {unit}".strip()


class MeasureQuerySet(models.QuerySet):
    def active(self) -> "MeasureQuerySet":
        return self.filter(is_active=True)


class Measure(models.Model):
    """Something a trainer measures at a session to see change a tape or goniometer shows:
    an angle, a distance, or a test passed or failed. Values are checked against its range."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120, unique=True)
    unit = models.CharField(
        max_length=20, blank=True, help_text="As printed after a value: °, cm. Empty for a test."
    )
    better = models.CharField(max_length=6, choices=Better.choices)
    min_value = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    max_value = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    per_side = models.BooleanField(default=False, help_text="Taken on the left and the right.")
    description = models.TextField(blank=True, help_text="How to take it, in plain words.")
    sources = models.ManyToManyField(Source, blank=True, related_name="measures")
    is_active = models.BooleanField(
        "active", default=True, help_text="Retired measures leave new forms but stay in old assessments."
    )
    display_order = models.PositiveSmallIntegerField(default=0)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(better__in=Better.values), name="measure_better_valid"),
            # A number has a range to check typing against; a test is 0 or 1, so a range would
            # only mislead (the public page would print it).
            models.CheckConstraint(
                condition=models.Q(better="pass", min_value__isnull=True, max_value__isnull=True)
                | (
                    ~models.Q(better="pass")
                    & models.Q(
                        min_value__isnull=False, max_value__isnull=False, min_value__lt=models.F("max_value")
                    )
                ),
                name="measure_range_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})" if self.unit else self.name

    def get_absolute_url(self) -> str:
        return reverse("imbalances:measures") + f"#measure-{self.slug}"

    def clean(self) -> None:
        if self.better == Better.PASS:
            if self.min_value is not None or self.max_value is not None:
                raise ValidationError(
                    "A pass-or-fail test has no range: leave the lowest and highest value empty."
                )
            return
        if self.min_value is None or self.max_value is None:
            raise ValidationError("A measured value needs the lowest and highest value it can take.")
        if self.min_value >= self.max_value:
            raise ValidationError({"max_value": "The highest value must be above the lowest."})

    @property
    def is_test(self) -> bool:
        return self.better == Better.PASS


class Phase(models.TextChoices):
    """The corrective continuum, in the order a session works through it."""

    INHIBIT = "inhibit", "release (inhibit)"
    LENGTHEN = "lengthen", "stretch (lengthen)"
    ACTIVATE = "activate", "strengthen (activate)"
    INTEGRATE = "integrate", "whole movement (integrate)"


# Each phase's place in the continuum, to sort exercises by it.
PHASE_ORDER = {phase: index for index, phase in enumerate(Phase.values)}


# Beyond these a dosage is a typing slip, not a prescription: held by the admin, the import and
# the database alike.
DOSE_LIMITS = {"sets": (1, 10), "reps": (1, 100), "hold_seconds": (1, 600), "per_week": (1, 14)}
MAX_IMAGE_MB = 5
MAX_IMAGE_BYTES = MAX_IMAGE_MB * 1024 * 1024
# What every browser shows; Pillow reads more (TIFF, BMP) that a page could not display.
IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif"]
_TEMPO = re.compile(r"(\d+)/(\d+)/(\d+)")


def validate_image_size(image) -> None:
    if image.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            f"This image is too large ({filesizeformat(image.size)}): an exercise image may be at most "
            f"{MAX_IMAGE_MB} MB. Save it smaller (say 1600 pixels wide) and upload it again."
        )


def times_a_week(per_week: int) -> str:
    """How often, as a trainer says it: 'once a week', '3 times a week', 'every day'."""
    return {1: "once a week", 2: "twice a week", 7: "every day", 14: "twice a day"}.get(
        per_week, f"{per_week} times a week"
    )


def show_dosage(*, sets: int | None, reps: int | None, hold_seconds: int | None, per_week: int | None) -> str:
    """A dosage as a trainer says it: '2 sets of 12, 3 times a week', '2 holds of 30 seconds'.

    Keyword-only, so that a plan's own dosage (tailored from the exercise's) reads the same way.
    """
    parts = []
    hold = f"{hold_seconds} second{pluralize(hold_seconds)}" if hold_seconds else ""
    if reps:
        parts.append(f"{sets} set{pluralize(sets)} of {reps}" if sets else f"{reps} repetitions")
        if hold:
            parts[-1] += f", holding each for {hold}"
    elif hold:
        parts.append(f"{sets} holds of {hold}" if sets and sets > 1 else f"hold {hold}")
    elif sets:
        parts.append(f"{sets} set{pluralize(sets)}")
    if per_week:
        parts.append(times_a_week(per_week))
    return ", ".join(parts)


def show_tempo(tempo: str) -> str:
    """'4/2/1' as '4 seconds lowering, a 2-second pause, 1 second lifting'; any other tempo as written."""
    match = _TEMPO.fullmatch(tempo.strip())
    if match is None:
        return tempo
    lowering, pause, lifting = (int(number) for number in match.groups())
    words = [f"{lowering} second{pluralize(lowering)} lowering"]
    words.append(f"a {pause}-second pause" if pause else "no pause")
    words.append(f"{lifting} second{pluralize(lifting)} lifting")
    return ", ".join(words)


def dose_field(name: str, verbose_name: str, help_text: str = "") -> models.PositiveSmallIntegerField:
    low, high = DOSE_LIMITS[name]
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        help_text=help_text,
        validators=[MinValueValidator(low), MaxValueValidator(high)],
    )


class ExerciseQuerySet(models.QuerySet):
    def active(self) -> "ExerciseQuerySet":
        return self.filter(is_active=True)

    def in_phase_order(self) -> "ExerciseQuerySet":
        """Inhibit, lengthen, activate, integrate (the order a session follows), then as listed."""
        phase_order = models.Case(
            *(models.When(phase=phase, then=index) for phase, index in PHASE_ORDER.items()),
            output_field=models.PositiveSmallIntegerField(),
        )
        return self.alias(phase_order=phase_order).order_by("phase_order", "display_order", "name")


class Exercise(models.Model):
    """A corrective exercise in one phase of the continuum, with the muscles it targets and the dosage a
    plan starts from. Written for the client to read at home."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    phase = models.CharField(max_length=9, choices=Phase.choices)
    instructions = models.TextField(help_text="How to do it, in plain words a client follows at home.")
    cues = models.TextField(blank=True, help_text="Coaching cues, one a line: “Keep your ribs down”.")
    muscles = models.ManyToManyField(
        Muscle, related_name="exercises", help_text="The muscles it releases, stretches or strengthens."
    )
    patterns = models.ManyToManyField(
        Pattern,
        blank=True,
        related_name="exercises",
        help_text="For whole-movement (integrate) exercises: the patterns it retrains.",
    )
    sets = dose_field("sets", "sets")
    reps = dose_field("reps", "repetitions", "Per set.")
    hold_seconds = dose_field("hold_seconds", "hold (seconds)", "How long each position is held.")
    tempo = models.CharField(
        max_length=20,
        blank=True,
        help_text="Seconds lowering, pausing and lifting, as 4/2/1; empty for a held position.",
    )
    per_week = dose_field("per_week", "times a week")
    equipment = models.CharField(max_length=120, blank=True, help_text="“Foam roller”, “a wall”.")
    contraindications = models.TextField(
        "when not to do it", blank=True, help_text="In plain words: when to skip it or stop."
    )
    image = models.ImageField(
        upload_to="exercises/",
        blank=True,
        help_text=f"A JPEG, PNG, WebP or GIF picture of at most {MAX_IMAGE_MB} MB.",
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS), validate_image_size],
    )
    # A link only: an embedded player would need the strict CSP opened to a third party.
    video_url = models.URLField(
        "video link",
        blank=True,
        help_text="Shown as a link; nothing is embedded.",
        validators=[URLValidator(schemes=["https", "http"])],
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="exercises")
    is_active = models.BooleanField(
        "active", default=True, help_text="Retired exercises leave new plans but stay in old ones."
    )
    display_order = models.PositiveSmallIntegerField(default=0)

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(phase__in=Phase.values), name="exercise_phase_valid"),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__isnull": True})
                    | models.Q(**{f"{name}__gte": low, f"{name}__lte": high}),
                    name=f"exercise_{name}_in_range",
                )
                for name, (low, high) in DOSE_LIMITS.items()
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("imbalances:exercise", kwargs={"slug": self.slug})

    @property
    def cue_list(self) -> list[str]:
        return [cue.strip() for cue in self.cues.splitlines() if cue.strip()]

    @property
    def dosage(self) -> str:
        return show_dosage(
            sets=self.sets, reps=self.reps, hold_seconds=self.hold_seconds, per_week=self.per_week
        )

    @property
    def tempo_in_words(self) -> str:
        return show_tempo(self.tempo)


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
