from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

SCREENING_VALID_FOR = timedelta(days=365)


class ClientQuerySet(models.QuerySet):
    def for_trainer(self, user) -> "ClientQuerySet":
        """The clients this user may see as their trainer; none for anyone else."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(trainer=user)

    def active(self) -> "ClientQuerySet":
        return self.filter(is_archived=False)


class Client(models.Model):
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clients")
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    email = models.EmailField(blank=True, help_text="Needed to invite the client to the portal.")
    phone = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    goals = models.TextField(blank=True)
    health_notes = models.TextField(
        blank=True, help_text="Injuries, conditions, medication. Never leaves this studio."
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
    is_archived = models.BooleanField("archived", default=False)
    portal_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="client_profile",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["trainer", "is_archived"])]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("clients:detail", kwargs={"pk": self.pk})

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-screened_on", "-created_at"]
        get_latest_by = ["screened_on", "created_at"]

    def __str__(self) -> str:
        return f"Screening of {self.client} on {self.screened_on}"

    @property
    def needs_clearance(self) -> bool:
        return any(getattr(self, field) for field in self.QUESTIONS)

    @property
    def is_due(self) -> bool:
        return timezone.localdate() - self.screened_on > SCREENING_VALID_FOR

    def yes_answers(self) -> list[str]:
        return [text for field, text in self.QUESTIONS.items() if getattr(self, field)]
