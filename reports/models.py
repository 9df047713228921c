from django.conf import settings
from django.db import models

from assessments.models import Assessment
from clients.models import Client


class ReportKind(models.TextChoices):
    SUMMARY = "summary", "session summary"
    PROGRESS = "progress", "progress report"


class RenderedReport(models.Model):
    """A PDF rendered once and kept in storage, found again by the hash of what it shows.

    PENDING: queued for a worker; RUNNING: a worker claimed it; READY: `file_name` holds the whole
    PDF, `byte_size` bytes with digest `sha256`; FAILED: the last render raised. `updated_at` is when
    it was last queued or claimed: a render that shows no progress for long is taken over.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "waiting for a worker"
        RUNNING = "running", "being prepared"
        READY = "ready", "ready"
        FAILED = "failed", "failed"

    key = models.CharField(max_length=64, unique=True, help_text="sha256 of the report data and templates.")
    kind = models.CharField(max_length=8, choices=ReportKind.choices)
    # A cached file belongs to its client: erasing a client erases their renders.
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="rendered_reports")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, null=True, blank=True, related_name="rendered_reports"
    )
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.PENDING)
    file_name = models.CharField(max_length=255, blank=True, help_text="Name in the default storage.")
    byte_size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(
        max_length=64, blank=True, help_text="Of the file as stored; blank for renders stored before it."
    )
    render_seconds = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "running", "ready", "failed"]),
                name="renderedreport_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["summary", "progress"]), name="renderedreport_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ready") | ~models.Q(file_name=""),
                name="renderedreport_ready_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.client_id} ({self.status})"


class ReportDownload(models.Model):
    """One PDF handed to someone: who, when, which report."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_downloads"
    )
    downloaded_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=8, choices=ReportKind.choices)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="report_downloads")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, null=True, blank=True, related_name="report_downloads"
    )
    cache_key = models.CharField(max_length=64, blank=True)
    includes_drafts = models.BooleanField(default=False)

    class Meta:
        ordering = ["-downloaded_at"]
        indexes = [models.Index(fields=["client", "downloaded_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["summary", "progress"]), name="reportdownload_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user_id} at {self.downloaded_at:%Y-%m-%d %H:%M}"
