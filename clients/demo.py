"""The demo studio's people: an admin, trainers and their clients. Idempotent."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from clients.roles import TRAINERS_GROUP

DEMO_PASSWORD = "demo-studio-2026"


def ensure_user(*, username: str, first_name: str, last_name: str, **extra) -> object:
    """Create the user once with the demo password; later runs leave it as it is."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@example.com",
            **extra,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def load_people() -> list[tuple[str, str]]:
    """Returns (role, username) for every demo login."""
    ensure_user(username="admin", first_name="Ada", last_name="Admin", is_staff=True, is_superuser=True)
    trainers = Group.objects.get(name=TRAINERS_GROUP)
    trainer = ensure_user(username="trainer", first_name="Tom", last_name="Trainer")
    trainer.groups.add(trainers)
    return [("admin", "admin"), ("trainer", "trainer")]
