from django.http import HttpRequest

# What django-axes stores fits its 255-character column; no real username is longer
# than the user model's 150.
USERNAME_LIMIT = 150


def username_for_lockout(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username django-axes counts failures under, cut to a length it can store."""
    source = credentials if credentials else getattr(request, "POST", {})
    username = source.get("username")
    return username[:USERNAME_LIMIT] if isinstance(username, str) else username
