from django.conf import settings
from django.db import models


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
