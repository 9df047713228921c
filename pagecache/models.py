import uuid

from django.db import models


class Stamp(models.Model):
    """A token that changes, inside the writing transaction, whenever the data of its scope does.

    Cached pages are keyed by the tokens of the scopes they show, so a change makes the next
    request render afresh. Tokens are random rather than counters: a rolled-back test or a
    restored backup can never bring back a token that once meant other data.
    """

    scope = models.CharField(max_length=40, primary_key=True)
    token = models.UUIDField(default=uuid.uuid4)

    def __str__(self) -> str:
        return f"{self.scope}: {self.token}"
