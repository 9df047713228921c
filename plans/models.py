from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from assessments.models import Assessment
from clients.models import Client
from imbalances.models import DOSE_LIMITS, Exercise, dose_field, show_dosage, show_tempo

NOTE_MAX_LENGTH = 500
# A home programme is done at most once a day: the adherence target is sessions a week.
MAX_SESSIONS_PER_WEEK = 7
EFFORT_MAX = 10


class PlanQuerySet(models.QuerySet):
    def for_trainer(self, user) -> "PlanQuerySet":
        """Plans of the clients this user trains."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(client__trainer=user)

    def for_portal_user(self, user) -> "PlanQuerySet":
        """What a client may see: their own plans once published (current or ended), never a draft."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(client__portal_user=user).exclude(status=Plan.Status.DRAFT)

    def published(self) -> "PlanQuerySet":
        return self.filter(status=Plan.Status.PUBLISHED)


class Plan(models.Model):
    """A corrective plan: exercises with dosage, built from a finalised assessment's findings and
    tailored by the trainer. A client has at most one published plan; publishing another ends it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "draft"
        PUBLISHED = "published", "current"
        ENDED = "ended", "ended"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="plans")
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plans")
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        related_name="plans",
        help_text="The finalised assessment whose findings the plan answers.",
    )
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.DRAFT)
    start_date = models.DateField(default=timezone.localdate)
    review_date = models.DateField(help_text="When you will check the plan again, at a session.")
    sessions_per_week = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SESSIONS_PER_WEEK)],
        help_text="How often the client does the whole plan at home: what adherence is counted against.",
    )
    notes = models.CharField(
        "notes for the client", max_length=2000, blank=True, help_text="The client reads these with the plan."
    )
    # Bumped on every save; a save that started from an older version is refused.
    version = models.PositiveIntegerField(default=1)
    published_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaces"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published", "ended"]), name="plan_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(review_date__gte=models.F("start_date")), name="plan_review_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(sessions_per_week__gte=1, sessions_per_week__lte=MAX_SESSIONS_PER_WEEK),
                name="plan_sessions_per_week_in_range",
            ),
            # Publishing ends the plan before; two current plans would leave the client guessing.
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(status="published"),
                name="plan_one_published_per_client",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan for {self.client} from {self.start_date:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", kwargs={"pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_current(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def planned_between(self, first: date, last: date) -> int:
        """The sessions the plan asks for from `first` to `last`, both inclusive and within the plan:
        its share of the weekly target, so a week it only partly covers asks for less."""
        days = (last - max(first, self.start_date)).days + 1
        return round(self.sessions_per_week * days / 7) if days > 0 else 0

    @property
    def planned_this_week(self) -> int:
        """What this week, Monday to Sunday, asks for: its whole share, not only the days gone by."""
        today = timezone.localdate()
        monday = today - timedelta(days=today.weekday())
        return self.planned_between(monday, monday + timedelta(days=6))

    def review_is_due(self) -> bool:
        return self.is_current and self.review_date <= timezone.localdate()


class PlanItem(models.Model):
    """One exercise of a plan with its own dosage, copied from the exercise's default and tailored.

    The exercise is protected: retiring it (not deleting) keeps this plan readable."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="plan_items")
    position = models.PositiveSmallIntegerField(default=0)
    sets = dose_field("sets", "sets")
    reps = dose_field("reps", "reps", "Per set.")
    hold_seconds = dose_field("hold_seconds", "hold (seconds)")
    tempo = models.CharField(max_length=20, blank=True)
    per_week = dose_field("per_week", "times a week")
    note = models.CharField("note for the client", max_length=NOTE_MAX_LENGTH, blank=True)
    # Which findings the proposal chose it for ("For upper trapezius (over-active)"); empty when
    # the trainer added it by hand.
    reason = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "exercise"], name="planitem_exercise_once_per_plan"),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__isnull": True})
                    | models.Q(**{f"{name}__gte": low, f"{name}__lte": high}),
                    name=f"planitem_{name}_in_range",
                )
                for name, (low, high) in DOSE_LIMITS.items()
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} ({self.dosage})"

    @property
    def dosage(self) -> str:
        return show_dosage(
            sets=self.sets, reps=self.reps, hold_seconds=self.hold_seconds, per_week=self.per_week
        )

    @property
    def tempo_in_words(self) -> str:
        return show_tempo(self.tempo)


class PlanSession(models.Model):
    """A session of the plan the client did at home and ticked off: the evidence of adherence."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sessions")
    done_on = models.DateField("date")
    effort = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(EFFORT_MAX)],
        help_text="1 (very easy) to 10 (as hard as you could).",
    )
    note = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True)
    logged_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-done_on"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "done_on"], name="plansession_once_a_day"),
            models.CheckConstraint(
                condition=models.Q(effort__isnull=True) | models.Q(effort__gte=1, effort__lte=EFFORT_MAX),
                name="plansession_effort_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.client} did the plan on {self.done_on:%d %b %Y}"
