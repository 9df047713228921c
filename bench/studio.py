"""A realistic studio for the benchmark, inserted in bulk (history rows are skipped on purpose).

Deterministic: the same size always gives the same studio, so runs compare.
"""

import random
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from assessments.models import Assessment, MuscleFinding, PatternFinding
from bench.sizes import Size
from clients.models import Client, Screening
from clients.roles import TRAINERS_GROUP
from imbalances.models import Muscle, Observation, Pattern, PatternMuscle, Region, RelativeSide, Role, Source

BATCH = 5000
PASSWORD = "bench-studio-password"
TRAINER_USERNAME = "bench-trainer-0"
CLIENT_USERNAME = "bench-client-0"
PROGRESS_EMAIL = "pat.progress@bench.example.com"

# Word lists rather than Faker: the same studio every run, and no per-row cost.
FIRST_NAMES = """Amelia Ben Chloe Dev Ella Finn Grace Hugo Isla Jack Kira Leo
Maya Noah Olivia Priya Quinn Rosa Sam Theo Uma Vera Will Zoe""".split()  # noqa: SIM905
LAST_NAMES = """Adams Brown Clarke Davies Evans Fisher Green Hughes Irving Jones Khan
Lewis Moore Nash Owen Patel Reed Smith Taylor Usman Vance Walsh""".split()  # noqa: SIM905
REGION_NAMES = """Shoulder girdle|Thoracic spine|Hip|Knee|Foot and ankle|Elbow|Wrist and hand
|Jaw|Ribcage|Pelvic floor|Upper back|Lower leg""".replace("\n", "").split("|")
SENTENCE = (
    "Observed standing and in a slow squat; the client reports stiffness after long days at the desk "
    "and feels it most in the morning. "
)


@dataclass
class Facts:
    """What the measurements need to find in the studio."""

    trainer_id: int
    portal_user_id: int
    client_id: int
    progress_client_id: int
    progress_sessions: int
    summary_assessment_id: int
    # The portal client's latest finalised session (they are the trainer's first client).
    portal_assessment_id: int
    draft_assessment_ids: list[int]
    pattern_slug: str
    counts: dict[str, int] = field(default_factory=dict)


def _log(message: str) -> None:
    print(f"  {message}", flush=True)


def grow_catalogue(size: Size, rng: random.Random) -> None:
    """Adds generated regions, muscles and patterns on top of the seeded catalogue."""
    regions = list(Region.objects.all())
    for index, name in enumerate(REGION_NAMES[: max(0, size.regions - len(regions))]):
        regions.append(
            Region.objects.create(
                name=name,
                slug=f"bench-{index}-" + name.lower().replace(" ", "-"),
                description=f"{name}: where the benchmark's generated patterns sit. " + SENTENCE,
                display_order=100 + index,
            )
        )
    missing = size.muscles - Muscle.objects.count()
    Muscle.objects.bulk_create(
        Muscle(
            name=f"Generated muscle {n}",
            lay_name=f"muscle number {n} near the joint",
            slug=f"bench-muscle-{n}",
            description="Moves and steadies the joint it crosses. " + SENTENCE,
            aliases=f"GM{n}",
        )
        for n in range(max(0, missing))
    )
    muscles = list(Muscle.objects.values_list("pk", flat=True))
    new_patterns = []
    side_view = Observation.objects.get(slug="standing-side")  # made by migrate
    source, _ = Source.objects.get_or_create(
        slug="bench-generated", defaults={"authors": "Benchmark", "title": "Generated for the benchmark"}
    )
    for n in range(max(0, size.patterns - Pattern.objects.count())):
        region = regions[n % len(regions)]
        new_patterns.append(
            Pattern(
                region=region,
                name=f"{region.name} pattern {n}",
                slug=f"bench-pattern-{n}",
                description="What the trainer sees from the side and from behind. " + SENTENCE,
                laterality="one" if n % 5 == 0 else "none",
                observation=side_view,
                display_order=n,
            )
        )
    links = []
    for pattern in Pattern.objects.bulk_create(new_patterns):
        for position, muscle_id in enumerate(rng.sample(muscles, 6)):
            links.append(
                PatternMuscle(
                    pattern=pattern,
                    muscle_id=muscle_id,
                    role=Role.OVER if position < 3 else Role.UNDER,
                    side=(RelativeSide.SAME if position % 2 else RelativeSide.OPPOSITE)
                    if pattern.is_lateral
                    else "",
                    source=source,
                )
            )
    PatternMuscle.objects.bulk_create(links, batch_size=BATCH)


def _people(size: Size) -> list:
    user_model = get_user_model()
    # Hashed once (a slow hash per user adds up); PBKDF2 is always available, argon2 needs a library.
    password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    trainers = user_model.objects.bulk_create(
        user_model(
            username=f"bench-trainer-{n}",
            first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
            last_name=f"Trainer{n}",
            email=f"bench-trainer-{n}@bench.example.com",
            password=password,
        )
        for n in range(size.trainers)
    )
    group = Group.objects.get(name=TRAINERS_GROUP)
    user_model.groups.through.objects.bulk_create(
        user_model.groups.through(user_id=trainer.pk, group_id=group.pk) for trainer in trainers
    )
    user_model.objects.create(
        username=CLIENT_USERNAME,
        first_name="Casey",
        last_name="Client",
        email="casey.client@bench.example.com",
        password=password,
    )
    return trainers


def _clients(trainer, size: Size, rng: random.Random, now) -> list[Client]:
    clients = []
    for n in range(size.clients_per_trainer):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{first}.{last}.{trainer.pk}.{n}@bench.example.com".lower()
        if trainer.username == TRAINER_USERNAME and n == 1:
            first, last, email = "Pat", "Progress", PROGRESS_EMAIL
        clients.append(
            Client(
                trainer=trainer,
                first_name=first,
                last_name=last,
                email=email,
                phone="+44 7700 900" + f"{n:03d}",
                date_of_birth=now.date() - timedelta(days=rng.randint(18 * 365, 70 * 365)),
                goals="Run a half marathon without back pain; lift the grandchildren.",
                consent_given_at=now - timedelta(days=400),
                consent_recorded_by=trainer,
            )
        )
    return Client.objects.bulk_create(clients, batch_size=BATCH)


def _screenings(clients: list[Client], rng: random.Random, now) -> None:
    rows = []
    for client in clients:
        answers = {question: rng.random() < 0.03 for question in Screening.QUESTIONS}
        screened = now.date() - timedelta(days=rng.randint(0, 500))
        rows.append(Screening(client=client, screened_on=screened, recorded_by=client.trainer, **answers))
    Screening.objects.bulk_create(rows, batch_size=BATCH)


def _assessments(clients, size: Size, rng: random.Random, now) -> list[tuple[Assessment, Client]]:
    rows = []
    for client in clients:
        is_progress = client.email == PROGRESS_EMAIL
        sessions = size.progress_sessions if is_progress else size.assessments_per_client
        offset = rng.randint(0, 6)
        for index in range(sessions):
            is_latest = index == sessions - 1 and not is_progress
            session_date = now.date() - timedelta(days=7 * (sessions - 1 - index) + offset)
            rows.append(
                (
                    Assessment(
                        client=client,
                        trainer_id=client.trainer_id,
                        session_date=session_date,
                        # The latest session is still being written up; the rest are final (all
                        # of the progress client's, whose report covers 52 sessions).
                        status=Assessment.Status.DRAFT if is_latest else Assessment.Status.FINAL,
                        finalised_at=None if is_latest else now - timedelta(days=7 * (sessions - index)),
                        notes=SENTENCE if index % 3 == 0 else "",
                        pain_score=rng.choice([None, 0, 1, 2, 3, 4, 5, 6]),
                    ),
                    client,
                )
            )
    Assessment.objects.bulk_create([assessment for assessment, _ in rows], batch_size=BATCH)
    return rows


def _findings(rows, patterns: list[Pattern], links: dict[int, list[PatternMuscle]], rng) -> int:
    """Each client keeps two to four patterns that ease over the sessions; muscles follow them."""
    profiles: dict[int, list[tuple[Pattern, int, str]]] = {}
    position: dict[int, int] = {}
    pattern_rows, muscle_rows = [], []
    for assessment, client in rows:
        if client.pk not in profiles:
            profiles[client.pk] = [
                (pattern, rng.randint(1, 3), rng.choice(["left", "right"]))
                for pattern in rng.sample(patterns, rng.randint(2, 4))
            ]
        step = position[client.pk] = position.get(client.pk, -1) + 1
        for pattern, start, side in profiles[client.pk]:
            severity = max(0, start - step // 8 + rng.choice([0, 0, 0, 1]))
            if severity == 0:
                continue
            severity = min(severity, 3)
            pattern_side = side if pattern.is_lateral else ""
            pattern_rows.append(
                PatternFinding(assessment=assessment, pattern=pattern, severity=severity, side=pattern_side)
            )
            for link in rng.sample(links[pattern.pk], min(2, len(links[pattern.pk]))):
                if pattern.is_lateral:
                    other = "right" if side == "left" else "left"
                    muscle_side = side if link.side == RelativeSide.SAME else other
                else:
                    muscle_side = "both"
                muscle_rows.append(
                    MuscleFinding(
                        assessment=assessment,
                        muscle_id=link.muscle_id,
                        role=link.role,
                        side=muscle_side,
                        pattern=pattern,
                    )
                )
    PatternFinding.objects.bulk_create(pattern_rows, batch_size=BATCH)
    MuscleFinding.objects.bulk_create(muscle_rows, batch_size=BATCH)
    return len(pattern_rows) + len(muscle_rows)


def generate(size: Size) -> None:
    """Fills an empty, migrated database. Takes minutes at full size."""
    rng = random.Random(f"bench-{size.name}")
    now = timezone.now().replace(microsecond=0)
    started = time.perf_counter()
    grow_catalogue(size, rng)
    patterns = list(Pattern.objects.active())
    links: dict[int, list[PatternMuscle]] = {pattern.pk: [] for pattern in patterns}
    for link in PatternMuscle.objects.filter(pattern__in=patterns):
        links[link.pattern_id].append(link)
    patterns = [pattern for pattern in patterns if links[pattern.pk]]
    regions, muscles = Region.objects.count(), Muscle.objects.count()
    _log(f"catalogue: {regions} regions, {len(patterns)} patterns in use, {muscles} muscles")
    trainers = _people(size)
    findings = 0
    for number, trainer in enumerate(trainers, start=1):
        with transaction.atomic():
            clients = _clients(trainer, size, rng, now)
            _screenings(clients, rng, now)
            findings += _findings(_assessments(clients, size, rng, now), patterns, links, rng)
        if number % 5 == 0 or number == len(trainers):
            elapsed = time.perf_counter() - started
            _log(f"{number}/{len(trainers)} trainers, {findings} findings, {elapsed:.0f} s")
    portal_client = Client.objects.filter(trainer=trainers[0]).order_by("pk").first()
    portal_client.portal_user = get_user_model().objects.get(username=CLIENT_USERNAME)
    portal_client.save(update_fields=["portal_user"])


def _latest_final(client: Client) -> int:
    return Assessment.objects.filter(client=client).final().order_by("-session_date")[0].pk


def facts() -> Facts:
    trainer = get_user_model().objects.get(username=TRAINER_USERNAME)
    portal_user = get_user_model().objects.get(username=CLIENT_USERNAME)
    progress = Client.objects.get(email=PROGRESS_EMAIL)
    client = Client.objects.filter(trainer=trainer).exclude(pk=progress.pk).order_by("pk").first()
    pattern = Pattern.objects.filter(findings__isnull=False).order_by("pk").first()
    return Facts(
        trainer_id=trainer.pk,
        portal_user_id=portal_user.pk,
        client_id=client.pk,
        progress_client_id=progress.pk,
        progress_sessions=Assessment.objects.filter(client=progress).final().count(),
        summary_assessment_id=_latest_final(progress),
        portal_assessment_id=_latest_final(client),
        draft_assessment_ids=list(
            Assessment.objects.filter(trainer=trainer, status=Assessment.Status.DRAFT)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        pattern_slug=pattern.slug,
        counts={
            "trainers": Group.objects.get(name=TRAINERS_GROUP).user_set.count(),
            "clients": Client.objects.count(),
            "assessments": Assessment.objects.count(),
            "pattern_findings": PatternFinding.objects.count(),
            "muscle_findings": MuscleFinding.objects.count(),
            "regions": Region.objects.count(),
            "patterns": Pattern.objects.count(),
            "muscles": Muscle.objects.count(),
        },
    )
