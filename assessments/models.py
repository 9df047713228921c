import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clients.models import Client
from imbalances.models import Measure, Muscle, Pattern, Role

# A session's notes: room for a page of text, never an unbounded post.
NOTES_MAX_LENGTH = 4000


class Severity(models.IntegerChoices):
    NONE = 0, "none"
    MILD = 1, "mild"
    MODERATE = 2, "moderate"
    SEVERE = 3, "severe"


class Side(models.TextChoices):
    LEFT = "left", "left"
    RIGHT = "right", "right"
    BOTH = "both", "both"


class AssessmentQuerySet(models.QuerySet):
    def for_trainer(self, user) -> "AssessmentQuerySet":
        """Assessments of the clients this user trains."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(client__trainer=user)

    def for_portal_user(self, user) -> "AssessmentQuerySet":
        """What a client may see of their own record: finalised assessments only."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(client__portal_user=user, status=Assessment.Status.FINAL)

    def final(self) -> "AssessmentQuerySet":
        return self.filter(status=Assessment.Status.FINAL)

    def in_period(
        self, *, start: date | None, end: date | None, include_drafts: bool
    ) -> "AssessmentQuerySet":
        """The sessions progress covers, on its pages and in its reports: from `start`
        to `end` (both optional, inclusive), drafts only when asked."""
        assessments = self if include_drafts else self.final()
        if start:
            assessments = assessments.filter(session_date__gte=start)
        if end:
            assessments = assessments.filter(session_date__lte=end)
        return assessments


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "draft"
        FINAL = "final", "final"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="assessments")
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments"
    )
    session_date = models.DateField()
    status = models.CharField(max_length=5, choices=Status.choices, default=Status.DRAFT)
    # What the client reads in their summary and portal; private_notes are for the trainer alone.
    notes = models.CharField("notes for the client", blank=True, max_length=NOTES_MAX_LENGTH)
    private_notes = models.CharField(
        blank=True,
        max_length=NOTES_MAX_LENGTH,
        help_text="Only trainers see these: never in the client's portal or reports.",
    )
    pain_score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="0 (no pain) to 10 (worst imaginable)."
    )
    # Bumped on every save; a save that started from an older version is refused.
    version = models.PositiveIntegerField(default=1)
    finalised_at = models.DateTimeField(null=True, blank=True)
    # A default, not auto_now_add, so that restoring a backup keeps the original time.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # The random token of the new-assessment form that created this one: the same form
    # posted twice (a double click, a resend) finds this assessment instead of making another.
    submission_token = models.UUIDField(null=True, blank=True, editable=False)
    # The trainer's choice: the client sees this session's photos in the portal once it is final.
    share_photos = models.BooleanField("share photos with the client", default=False)

    # The token says nothing about the session: the history leaves it out.
    history = HistoricalRecords(excluded_fields=["submission_token"])
    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-session_date", "-created_at"]
        indexes = [models.Index(fields=["client", "status", "session_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pain_score__isnull=True) | models.Q(pain_score__lte=10),
                name="assessment_pain_score_0_to_10",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "final"]), name="assessment_status_valid"
            ),
            # Per trainer and client, so that a token sent for anyone else never meets this one.
            models.UniqueConstraint(
                fields=["trainer", "client", "submission_token"], name="assessment_submitted_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} on {self.session_date:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:detail", kwargs={"pk": self.pk})

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class PatternFinding(models.Model):
    """A pattern seen at a session. Patterns left at "none" are not stored."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="pattern_findings")
    pattern = models.ForeignKey(Pattern, on_delete=models.PROTECT, related_name="findings")
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    # Required for a lateral pattern, empty otherwise: checked by the form and the
    # service because the rule depends on the pattern row.
    # "both" only for a pattern seen on one side or both (knees cave in).
    side = models.CharField(max_length=5, blank=True, choices=Side.choices)
    note = models.CharField(max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pattern__region__display_order", "pattern__display_order", "side"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "pattern", "side"], name="patternfinding_unique_per_side"
            ),
            # "none" is the absence of a row, so a stored finding is mild or worse.
            models.CheckConstraint(
                condition=models.Q(severity__gte=Severity.MILD, severity__lte=Severity.SEVERE),
                name="patternfinding_severity_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(side__in=["", *Side.values]),
                name="patternfinding_side_valid",
            ),
        ]

    def __str__(self) -> str:
        side = f" ({self.side})" if self.side else ""
        return f"{self.pattern}{side}: {self.get_severity_display()}"


class MuscleFinding(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="muscle_findings")
    muscle = models.ForeignKey(Muscle, on_delete=models.PROTECT, related_name="findings")
    role = models.CharField("observed", max_length=12, choices=Role.choices)
    side = models.CharField(max_length=5, choices=Side.choices, default=Side.BOTH)
    pattern = models.ForeignKey(
        Pattern,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="muscle_findings",
        help_text="The pattern this muscle was checked under, if any.",
    )
    note = models.CharField(max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["muscle__name", "side"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "pattern", "muscle", "side"],
                name="musclefinding_unique_per_pattern_side",
            ),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="musclefinding_role_valid"),
            models.CheckConstraint(condition=models.Q(side__in=Side.values), name="musclefinding_side_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.muscle} ({self.side}): {self.get_role_display()}"


class MeasureValue(models.Model):
    """A measure taken at a session: one row per side for a measure taken on each side. A test
    is 1 (passed) or 0 (failed). A measure not taken has no row."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="measure_values")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="values")
    side = models.CharField(max_length=5, blank=True, choices=[(Side.LEFT, "left"), (Side.RIGHT, "right")])
    value = models.DecimalField(max_digits=6, decimal_places=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure__display_order", "measure__name", "side"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "measure", "side"], name="measurevalue_unique_per_side"
            ),
            models.CheckConstraint(
                condition=models.Q(side__in=["", Side.LEFT, Side.RIGHT]), name="measurevalue_side_valid"
            ),
        ]

    def __str__(self) -> str:
        side = f" ({self.side})" if self.side else ""
        return f"{self.measure.name}{side}: {self.value}"


class PhotoView(models.TextChoices):
    """The standard views a posture photo is taken from, standing and in the movement screens."""

    FRONT = "front", "front"
    LEFT = "left", "left side"
    RIGHT = "right", "right side"
    BACK = "back", "back"
    OVERHEAD_SQUAT_FRONT = "overhead-squat-front", "overhead squat, front"
    OVERHEAD_SQUAT_SIDE = "overhead-squat-side", "overhead squat, side"
    SINGLE_LEG_SQUAT = "single-leg-squat", "single-leg squat"


STANDING_VIEWS = (PhotoView.FRONT, PhotoView.LEFT, PhotoView.RIGHT, PhotoView.BACK)


def _photo_name(photo: "Photo", suffix: str) -> str:
    # Unguessable, and under the client's id so that a stray file can be traced to them. Never
    # under a public URL: MEDIA_URL is not served, the views of assessments.views.photos are.
    return f"photos/{photo.assessment.client_id}/{secrets.token_urlsafe(16)}{suffix}"


def photo_image_name(photo: "Photo", filename: str) -> str:
    return _photo_name(photo, ".jpg")


def photo_thumbnail_name(photo: "Photo", filename: str) -> str:
    return _photo_name(photo, "-thumb.jpg")


class PhotoQuerySet(models.QuerySet):
    def for_trainer(self, user) -> "PhotoQuerySet":
        """Photos of the sessions this user may see as their trainer."""
        return self.filter(assessment__in=Assessment.objects.for_trainer(user))

    def for_portal_user(self, user) -> "PhotoQuerySet":
        """A client's own photos, of finalised sessions whose trainer chose to share them."""
        return self.filter(assessment__in=Assessment.objects.for_portal_user(user).filter(share_photos=True))


class Photo(models.Model):
    """A posture photo of one session, from one view: stored re-encoded and without metadata.

    Its landmarks are data beside the image, never drawn into it: {name: [x, y]}, each a fraction
    of the image's width and height (0 to 1), so that any display size can draw them. The names
    a view takes are in assessments.landmarks.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="photos")
    view = models.CharField(max_length=24, choices=PhotoView.choices)
    image = models.FileField(upload_to=photo_image_name, max_length=255)
    thumbnail = models.FileField(upload_to=photo_thumbnail_name, max_length=255)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    byte_size = models.PositiveIntegerField()
    # A default, not auto_now_add, so that restoring a backup keeps the original time.
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    landmarks = models.JSONField(default=dict, blank=True)

    history = HistoricalRecords()
    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(view__in=PhotoView.values), name="photo_view_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_view_display().capitalize()} photo of {self.assessment}"
