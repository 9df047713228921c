import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, ExpressionWrapper, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Length, TruncDate
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from django.utils import timezone

SCREENING_VALID_FOR = timedelta(days=365)
# Nobody alive was born earlier; older dates are typing mistakes.
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
# Long enough for any honest note; short enough that no post makes a page or a PDF unbounded.
# Kept as varchar(n): the database refuses longer text and the form checks it without a query.
GOALS_MAX_LENGTH = 2000
HEALTH_NOTES_MAX_LENGTH = 4000
SCREENING_NOTES_MAX_LENGTH = 2000
FOLLOW_UP_MAX_LENGTH = 1000
# First and last name with the space between them.
FULL_NAME_MAX_LENGTH = 161
# A reason to assess without consent or clearance must say something: "ok" is not a reason.
OVERRIDE_REASON_MIN_LENGTH = 10
OVERRIDE_REASON_MAX_LENGTH = 1000


def screening_due_before() -> date:
    """A screening older than this date (12 months ago) is out of date."""
    return timezone.localdate() - SCREENING_VALID_FOR


def screening_is_due(screened_on: date | None, due_before: date | None = None) -> bool:
    """A screening is due when there is none or the latest is older than 12 months."""
    return screened_on is None or screened_on < (due_before or screening_due_before())


def screening_needs_attention(
    needs_clearance: bool | None, screened_on: date | None, due_before: date | None = None
) -> bool:
    """Whether a client's latest screening (see with_screening_status()) asks for clearance or is due."""
    return bool(needs_clearance) or screening_is_due(screened_on, due_before)


class ClientQuerySet(models.QuerySet):
    def for_trainer(self, user) -> "ClientQuerySet":
        """The clients this user may see as their trainer; none for anyone else."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(trainer=user)

    def active(self) -> "ClientQuerySet":
        return self.filter(is_archived=False)

    def search(self, text: str) -> "ClientQuerySet":
        """Every word must appear in the first or the last name."""
        for word in text.split():
            self = self.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        return self

    def with_activity(self) -> "ClientQuerySet":
        """Adds the number and latest date of assessments, and orders by latest activity.

        Correlated subqueries rather than a join and GROUP BY: each reads one client's index
        entries, and a count() for pagination can leave them out.
        Goes through the reverse relation so that this app never imports the assessments app.
        """
        per_client = (
            self.model._meta.get_field("assessments")
            .related_model.objects.filter(client=OuterRef("pk"))
            .order_by()
            .values("client")
        )
        latest = Subquery(per_client.annotate(latest=Max("session_date")).values("latest"))
        return self.annotate(
            assessment_count=Coalesce(Subquery(per_client.annotate(n=Count("pk")).values("n")), 0),
            latest_assessment_on=latest,
            last_activity_on=Coalesce(latest, TruncDate("updated_at")),
        ).order_by(F("last_activity_on").desc(), "-updated_at", "pk")

    def with_screening_status(self) -> "ClientQuerySet":
        """Adds the latest screening's date and whether it still awaits medical clearance:
        an answer was yes and no clearance of that screening is recorded."""
        latest = Screening.objects.filter(client=OuterRef("pk")).order_by("-screened_on", "-created_at")
        awaits = Screening.any_yes() & Q(~Exists(MedicalClearance.objects.filter(screening=OuterRef("pk"))))
        return self.annotate(
            latest_screened_on=Subquery(latest.values("screened_on")[:1]),
            latest_screening_needs_clearance=Subquery(
                latest.annotate(awaits=ExpressionWrapper(awaits, output_field=models.BooleanField())).values(
                    "awaits"
                )[:1],
                output_field=models.BooleanField(),
            ),
        )


class Client(models.Model):
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clients")
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    email = models.EmailField(blank=True, help_text="Needed to invite the client to the portal.")
    phone = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    goals = models.CharField(blank=True, max_length=GOALS_MAX_LENGTH)
    health_notes = models.CharField(
        blank=True,
        max_length=HEALTH_NOTES_MAX_LENGTH,
        help_text="Injuries, conditions, medication. Never leaves this studio.",
    )
    consent_given_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the client consented to assessment and to our keeping their data.",
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Photos are a consent of their own: a client may agree to be assessed but not photographed.
    photo_consent_given_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the client consented to posture photos being taken and kept.",
    )
    photo_consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_archived = models.BooleanField("archived", default=False)
    portal_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="client_profile",
    )
    # A default, not auto_now_add, so that restoring a backup keeps the original time.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["trainer", "is_archived"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=True) | Q(date_of_birth__gte=EARLIEST_BIRTH_DATE),
                name="client_date_of_birth_plausible",
            ),
            models.CheckConstraint(
                condition=Q(consent_given_at__isnull=False) | Q(consent_recorded_by__isnull=True),
                name="client_consent_recorder_needs_date",
            ),
            models.CheckConstraint(
                condition=Q(photo_consent_given_at__isnull=False) | Q(photo_consent_recorded_by__isnull=True),
                name="client_photo_consent_recorder_needs_date",
            ),
        ]
        permissions = [
            ("export_client", "Can export all data about a client"),
            ("erase_client", "Can erase a client and all data about them"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("clients:detail", kwargs={"pk": self.pk})

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def portal_status(self) -> str:
        """none, invited (no password set yet), active or revoked. Uses portal_user."""
        user = self.portal_user
        if user is None:
            return "none"
        if not user.is_active:
            return "revoked"
        if not user.has_usable_password():
            return "invited"
        return "active"


class Screening(models.Model):
    """Answers to the pre-activity readiness questions on one date."""

    QUESTIONS = {
        "heart_condition": "Has a doctor ever said you have a heart condition?",
        "chest_pain": "Do you feel pain in your chest at rest or during physical activity?",
        "dizziness": "Do you lose your balance because of dizziness, or have you lost consciousness?",
        "chronic_condition": "Have you been diagnosed with another chronic medical condition?",
        "chronic_medication": "Are you taking prescribed medication for a chronic medical condition?",
        "joint_problem": "Do you have a bone, joint or soft-tissue problem that activity could make worse?",
        "medical_supervision": "Has a doctor said you should only exercise under medical supervision?",
    }

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="screenings")
    screened_on = models.DateField(default=date.today)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    heart_condition = models.BooleanField(QUESTIONS["heart_condition"])
    chest_pain = models.BooleanField(QUESTIONS["chest_pain"])
    dizziness = models.BooleanField(QUESTIONS["dizziness"])
    chronic_condition = models.BooleanField(QUESTIONS["chronic_condition"])
    chronic_medication = models.BooleanField(QUESTIONS["chronic_medication"])
    joint_problem = models.BooleanField(QUESTIONS["joint_problem"])
    medical_supervision = models.BooleanField(QUESTIONS["medical_supervision"])
    # What the client said about each yes answer; empty for a no (and on screenings made before
    # the form asked).
    heart_condition_details = models.CharField(blank=True, max_length=FOLLOW_UP_MAX_LENGTH)
    chest_pain_details = models.CharField(blank=True, max_length=FOLLOW_UP_MAX_LENGTH)
    dizziness_details = models.CharField(blank=True, max_length=FOLLOW_UP_MAX_LENGTH)
    chronic_condition_details = models.CharField(blank=True, max_length=FOLLOW_UP_MAX_LENGTH)
    chronic_medication_details = models.CharField(blank=True, max_length=FOLLOW_UP_MAX_LENGTH)
    joint_problem_details = models.CharField(blank=True, max_length=FOLLOW_UP_MAX_LENGTH)
    medical_supervision_details = models.CharField(blank=True, max_length=FOLLOW_UP_MAX_LENGTH)
    notes = models.CharField(blank=True, max_length=SCREENING_NOTES_MAX_LENGTH)
    # The client's confirmation that the answers are theirs: their full name as they typed it, and
    # the date. Both or neither: screenings recorded before the form asked have neither.
    confirmed_name = models.CharField(blank=True, max_length=FULL_NAME_MAX_LENGTH)
    confirmed_on = models.DateField(null=True, blank=True)
    # A default, not auto_now_add, so that restoring a backup keeps the original time.
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-screened_on", "-created_at"]
        get_latest_by = ["screened_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_name="", confirmed_on__isnull=True)
                | (~Q(confirmed_name="") & Q(confirmed_on__isnull=False)),
                name="screening_confirmed_by_name_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Screening of {self.client} on {self.screened_on}"

    @property
    def needs_clearance(self) -> bool:
        return any(getattr(self, field) for field in self.QUESTIONS)

    @property
    def is_due(self) -> bool:
        return screening_is_due(self.screened_on)

    @classmethod
    def any_yes(cls) -> Q:
        """True where at least one answer was yes."""
        condition = Q()
        for field in cls.QUESTIONS:
            condition |= Q(**{field: True})
        return condition

    def yes_answers(self) -> list[str]:
        return [text for field, text in self.QUESTIONS.items() if getattr(self, field)]

    def yes_answers_with_details(self) -> list[tuple[str, str]]:
        """(question, what the client told us about it) for each yes answer."""
        return [
            (text, getattr(self, details_field(field)))
            for field, text in self.QUESTIONS.items()
            if getattr(self, field)
        ]

    @property
    def is_cleared(self) -> bool:
        """Whether a medical clearance of this screening is recorded. Queries unless the screening
        was read with select_related("clearance")."""
        return hasattr(self, "clearance") and self.clearance.pk is not None

    @property
    def awaits_clearance(self) -> bool:
        """A yes answer asked for medical clearance and none is recorded yet. As is_cleared."""
        return self.needs_clearance and not self.is_cleared


def details_field(question: str) -> str:
    """The field that holds what the client said about a yes answer to `question`."""
    return f"{question}_details"


def letter_file_name(client_id: int, extension: str) -> str:
    """Unguessable, and under the client's id so that a stray file can be traced to them."""
    return f"clearances/{client_id}/{secrets.token_urlsafe(16)}{extension}"


class MedicalClearance(models.Model):
    """A doctor's clearance for activity despite the yes answers of one screening.

    It lifts the block on assessing that the screening's yes answers set; a later screening
    with a yes answer needs a clearance of its own.
    """

    screening = models.OneToOneField(Screening, on_delete=models.CASCADE, related_name="clearance")
    cleared_on = models.DateField("Date of clearance")
    cleared_by = models.CharField(
        "Cleared by", max_length=200, help_text="Who cleared the client, e.g. “Dr. A. Smith, GP”."
    )
    # The doctor's letter, by its name in the default storage: outside any public URL, served
    # only to the client's trainer (clients:clearance_letter), deleted when the client is erased.
    letter = models.CharField(max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # A default, not auto_now_add, so that restoring a backup keeps the original time.
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(cleared_by=""), name="clearance_says_who_cleared"),
        ]

    def __str__(self) -> str:
        return f"Medical clearance of {self.screening.client} on {self.cleared_on}"


class AssessmentOverrideQuerySet(models.QuerySet):
    def with_spent(self) -> "AssessmentOverrideQuerySet":
        """Adds `spent`: whether an assessment of the client was created since the override.

        Through the reverse relation, so that this app never imports the assessments app.
        """
        assessments = Client._meta.get_field("assessments").related_model
        return self.annotate(
            spent=Exists(
                assessments.objects.filter(client=OuterRef("client"), created_at__gte=OuterRef("created_at"))
            )
        )


class AssessmentOverride(models.Model):
    """A trainer's recorded reason to assess a client although consent, a current screening or a
    medical clearance is missing.

    It lets its trainer start one new assessment of the client on the day it is recorded: the
    first assessment of the client created after it spends it (clients.gating decides). So each
    assessment made without what was missing follows a reason of its own, kept here for good.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assessment_overrides")
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(max_length=OVERRIDE_REASON_MAX_LENGTH)
    # What was missing when it was recorded, in the words the trainer was shown.
    missing = models.JSONField(default=list)
    # A default, not auto_now_add, so that restoring a backup keeps the original time.
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AssessmentOverrideQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["client", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("reason"), OVERRIDE_REASON_MIN_LENGTH),
                name="assessment_override_gives_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment of {self.client} without what was missing, {self.created_at:%Y-%m-%d}"
