"""The demo studio's people: an admin, trainers and their clients. Idempotent."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from clients.models import Client, MedicalClearance, Screening, details_field
from clients.roles import TRAINERS_GROUP

DEMO_PASSWORD = "demo-studio-2026"
PORTAL_CLIENT_EMAIL = "jane.doe@example.com"

NO_TO_ALL = dict.fromkeys(Screening.QUESTIONS, False)
# What the demo clients said about their yes answers.
FOLLOW_UPS = {
    "marcus.reid@example.com": {
        "chronic_condition": "High blood pressure, diagnosed three years ago.",
        "chronic_medication": "Amlodipine, 5 mg every morning.",
    },
    "sam.okafor@example.com": {"joint_problem": "Disc injury at L5; flares after heavy lifting."},
}
# Clients whose doctor has cleared them (by e-mail): Marcus may be assessed, Sam awaits his GP.
CLEARED_BY = {"marcus.reid@example.com": "Dr. P. Kaur, GP"}

# (trainer username, first, last, e-mail, extra fields, screening answers or None, screened days ago)
DEMO_CLIENTS = [
    (
        "trainer",
        "Jane",
        "Doe",
        PORTAL_CLIENT_EMAIL,
        {"goals": "Sit at her desk without low-back ache.", "date_of_birth": date(1988, 4, 12)},
        NO_TO_ALL,
        30,
    ),
    (
        "trainer",
        "Marcus",
        "Reid",
        "marcus.reid@example.com",
        {
            "goals": "Return to running after a knee operation.",
            "health_notes": "Takes medication for high blood pressure.",
            "date_of_birth": date(1961, 9, 3),
        },
        {**NO_TO_ALL, "chronic_condition": True, "chronic_medication": True},
        10,
    ),
    (
        "trainer",
        "Priya",
        "Shah",
        "priya.shah@example.com",
        {"goals": "Ease neck tension from long drives."},
        NO_TO_ALL,
        420,
    ),
    (
        "trainer",
        "Owen",
        "Hughes",
        "owen.hughes@example.com",
        {"goals": "Moved away; kept for the record.", "is_archived": True},
        NO_TO_ALL,
        500,
    ),
    (
        "trainer2",
        "Lena",
        "Novak",
        "lena.novak@example.com",
        {"goals": "Stand taller; fewer headaches."},
        NO_TO_ALL,
        60,
    ),
    (
        "trainer2",
        "Sam",
        "Okafor",
        "sam.okafor@example.com",
        {"goals": "Deadlift without back pain.", "health_notes": "Old disc injury at L5."},
        {**NO_TO_ALL, "joint_problem": True},
        5,
    ),
    ("trainer2", "Ruth", "Evans", "ruth.evans@example.com", {}, None, 0),
    (
        "trainer2",
        "Theo",
        "Brown",
        "theo.brown@example.com",
        {"is_archived": True},
        NO_TO_ALL,
        700,
    ),
]


def ensure_user(*, username: str, first_name: str, last_name: str, email: str = "", **extra) -> object:
    """Create the user once with the demo password; later runs leave it as it is."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": email or f"{username}@example.com",
            **extra,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def load_clients(trainers: dict[str, object]) -> list[Client]:
    """Each demo client once per trainer, keyed by e-mail; a first screening if they have none, and
    the clearances of CLEARED_BY."""
    clients = []
    for username, first, last, email, extra, answers, days_ago in DEMO_CLIENTS:
        trainer = trainers[username]
        client, created = Client.objects.get_or_create(
            trainer=trainer,
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "consent_given_at": timezone.now(),
                "consent_recorded_by": trainer,
                **extra,
            },
        )
        if answers is not None and not client.screenings.exists():
            screened_on = timezone.localdate() - timedelta(days=days_ago)
            Screening.objects.create(
                client=client,
                screened_on=screened_on,
                recorded_by=trainer,
                confirmed_name=client.full_name,
                confirmed_on=screened_on,
                **answers,
                **{details_field(field): text for field, text in FOLLOW_UPS.get(email, {}).items()},
            )
        if email in CLEARED_BY:
            _ensure_clearance(client, trainer, cleared_by=CLEARED_BY[email])
        clients.append(client)
    return clients


def _ensure_clearance(client: Client, trainer: object, *, cleared_by: str) -> None:
    """The doctor's clearance of the client's latest screening, once; no letter in the demo."""
    screening = client.screenings.first()
    if screening is None or not screening.needs_clearance:
        return
    MedicalClearance.objects.get_or_create(
        screening=screening,
        defaults={
            "cleared_on": min(screening.screened_on + timedelta(days=3), timezone.localdate()),
            "cleared_by": cleared_by,
            "recorded_by": trainer,
        },
    )


def load_portal_client() -> object:
    """Jane Doe signs in to the portal with her e-mail and the demo password."""
    client = Client.objects.get(email=PORTAL_CLIENT_EMAIL, trainer__username="trainer")
    user = ensure_user(username=PORTAL_CLIENT_EMAIL, first_name=client.first_name, last_name=client.last_name)
    if client.portal_user_id != user.pk:
        client.portal_user = user
        client.save(update_fields=["portal_user"])
    return user


def load_people() -> list[tuple[str, str]]:
    """Returns (role, username) for every demo login."""
    ensure_user(username="admin", first_name="Ada", last_name="Admin", is_staff=True, is_superuser=True)
    trainers_group = Group.objects.get(name=TRAINERS_GROUP)
    trainers = {
        "trainer": ensure_user(username="trainer", first_name="Tom", last_name="Trainer"),
        "trainer2": ensure_user(username="trainer2", first_name="Tess", last_name="Tutor"),
    }
    for trainer in trainers.values():
        trainer.groups.add(trainers_group)
    load_clients(trainers)
    portal_user = load_portal_client()
    return [
        ("admin", "admin"),
        ("trainer", "trainer"),
        ("trainer", "trainer2"),
        ("client", portal_user.username),
    ]
