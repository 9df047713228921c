from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """Who viewed, changed or downloaded which client's data, when, from where.

    Holds references and the URL name only, never the health text itself.
    """

    class Action(models.TextChoices):
        VIEW = "view", "viewed"
        CHANGE = "change", "changed"
        DOWNLOAD = "download", "downloaded"
        EXPORT = "export", "exported"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="audit_events"
    )
    # Erasing a client erases the trail about them with them.
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    action = models.CharField(max_length=8, choices=Action.choices)
    url_name = models.CharField(max_length=80)
    path = models.CharField(max_length=300)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["client", "-at"]), models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display()} {self.url_name} at {self.at:%Y-%m-%d %H:%M}"


# A copy of a client's data is offered for a day; after that the trainer prepares a fresh one.
EXPORT_OFFERED_FOR = timedelta(days=1)
# An export not finished in this long is assumed lost (its worker died): another may be asked for.
EXPORT_TIMEOUT = timedelta(minutes=30)


class ClientExportQuerySet(models.QuerySet):
    def offered(self) -> "ClientExportQuerySet":
        """Exports still offered on the export page: those asked for within EXPORT_OFFERED_FOR."""
        return self.filter(requested_at__gt=timezone.now() - EXPORT_OFFERED_FOR)

    def in_progress(self) -> "ClientExportQuerySet":
        """Exports waiting for or held by a worker, and not yet given up for lost."""
        return self.filter(
            status__in=[ClientExport.Status.PENDING, ClientExport.Status.RUNNING],
            requested_at__gt=timezone.now() - EXPORT_TIMEOUT,
        )


class ClientExport(models.Model):
    """A zip of everything held about one client, built by a task and kept in the default storage.

    The file is served only through the download view, with the client's rights.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "waiting to be prepared"
        RUNNING = "running", "being prepared"
        READY = "ready", "ready"
        FAILED = "failed", "failed"

    # Erasing a client erases their exports; the service deletes the files.
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.PENDING)
    file_name = models.CharField(max_length=255, blank=True, help_text="Name in the default storage.")
    byte_size = models.PositiveBigIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ClientExportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["client", "-requested_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "running", "ready", "failed"]),
                name="clientexport_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ready") | ~models.Q(file_name=""),
                name="clientexport_ready_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"Export of client {self.client_id} at {self.requested_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def is_preparing(self) -> bool:
        """Waiting for or held by a worker, and not yet given up for lost."""
        waiting = self.status in (self.Status.PENDING, self.Status.RUNNING)
        return waiting and self.requested_at > timezone.now() - EXPORT_TIMEOUT

    @property
    def has_failed(self) -> bool:
        """Failed, or given up for lost after EXPORT_TIMEOUT."""
        return self.status != self.Status.READY and not self.is_preparing
