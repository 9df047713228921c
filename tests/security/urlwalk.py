"""Every URL of the project, who may see it, and real objects to fill its arguments.

The URL walk, the header checks and the bad-input tests share this registry. A URL
that is not listed here makes the walk fail: whoever adds a page decides who may see it.
"""

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote

from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from PIL import Image

from assessments.models import Assessment, Photo
from clients.models import Client, MedicalClearance, Screening
from security.models import ClientExport
from studio.models import Studio
from tests import factories

PERSONAS = ("anonymous", "trainer", "other_trainer", "client", "other_client", "admin")

# Who may see a page. Each kind maps a persona to the status a GET must answer;
# LOGIN means a redirect to the login page with ?next= pointing back.
LOGIN = "login"
ADMIN_LOGIN = "admin-login"
# Django's admin sends the anonymous to its own login page, or, for model pages that
# LoginRequiredMiddleware reaches first, to the site's: either way they see no data.
ANY_LOGIN = "any-login"
KINDS: dict[str, dict[str, object]] = {
    "public": dict.fromkeys(PERSONAS, 200),
    "authenticated": {**dict.fromkeys(PERSONAS, 200), "anonymous": LOGIN},
    # Any trainer, for pages about their own book (list, dashboard, new client).
    "trainer": {
        "anonymous": LOGIN,
        "trainer": 200,
        "other_trainer": 200,
        "client": 403,
        "other_client": 403,
        "admin": 403,
    },
    # The trainer whose client it is; another trainer gets a 404 that confirms nothing.
    "trainer-owner": {
        "anonymous": LOGIN,
        "trainer": 200,
        "other_trainer": 404,
        "client": 403,
        "other_client": 403,
        "admin": 403,
    },
    # The owning trainer or the studio admin (export and erasure of a client's data).
    "trainer-owner-or-admin": {
        "anonymous": LOGIN,
        "trainer": 200,
        "other_trainer": 404,
        "client": 403,
        "other_client": 403,
        "admin": 200,
    },
    # Any client with a portal login, about themselves.
    "portal": {
        "anonymous": LOGIN,
        "trainer": 403,
        "other_trainer": 403,
        "client": 200,
        "other_client": 200,
        "admin": 403,
    },
    # The client an object belongs to; another client gets a 404.
    "portal-owner": {
        "anonymous": LOGIN,
        "trainer": 403,
        "other_trainer": 403,
        "client": 200,
        "other_client": 404,
        "admin": 403,
    },
    "staff": {**dict.fromkeys(PERSONAS, ADMIN_LOGIN), "admin": 200},
    # A posture photo's file, for the owning trainer or the client it was shared with: anyone else,
    # signed in or not, gets the 404 of a photo that does not exist.
    "trainer-owner-file": {**dict.fromkeys(PERSONAS, 404), "trainer": 200},
    "portal-owner-file": {**dict.fromkeys(PERSONAS, 404), "client": 200},
}

# Who may legitimately POST to a page of each kind; everyone else must change nothing.
ALLOWED_TO_POST: dict[str, set[str]] = {
    "public": set(PERSONAS),
    "authenticated": set(PERSONAS) - {"anonymous"},
    "trainer": {"trainer", "other_trainer"},
    "trainer-owner": {"trainer"},
    "trainer-owner-or-admin": {"trainer", "admin"},
    "portal": {"client", "other_client"},
    "portal-owner": {"client"},
    "staff": {"admin"},
    "trainer-owner-file": {"trainer"},
    "portal-owner-file": {"client"},
}

# The kinds of URL whose very existence is private: whoever may not see one gets its 404.
HIDDEN_KINDS = frozenset({"trainer-owner-file", "portal-owner-file"})
# The kinds of page that show or change a client's data. A staff user without a right over
# clients (say a catalogue editor) gets 403 on each (a hidden kind's 404); elsewhere they fare
# as the admin does.
CLIENT_KINDS = (
    frozenset({"trainer", "trainer-owner", "trainer-owner-or-admin", "portal", "portal-owner"}) | HIDDEN_KINDS
)


@dataclass
class World:
    """Real rows for every URL argument: alice's client Jane, bob's client Olly, a catalogue."""

    users: dict[str, object]
    client: Client
    other_client: Client
    final: Assessment
    draft: Assessment
    other_final: Assessment
    pattern: object
    lateral_pattern: object
    retired_pattern: object
    muscle: object
    link: object
    exercise: object
    screening: Screening
    export: ClientExport
    plan: object  # alice's draft plan for Jane, from `final`, one exercise
    current_plan: object  # Jane's current plan, started a week ago, one exercise, a day ticked off
    plan_session: object
    photo: Photo  # a front photo of `final`, whose photos alice shares with Jane

    def login(self, persona: str) -> HttpClient:
        browser = HttpClient()
        if self.users[persona] is not None:
            browser.force_login(self.users[persona])
        return browser


def build_world(*, trainer, other_trainer, client_record, other_client_record, admin_user) -> World:
    region = factories.RegionFactory(slug="walk-region")
    pattern = factories.PatternFactory(region=region, slug="walk-pattern")
    lateral = factories.PatternFactory(region=region, slug="walk-lateral", is_lateral=True)
    retired = factories.PatternFactory(region=region, slug="walk-retired", is_active=False)
    muscle = factories.MuscleFactory(slug="walk-muscle")
    link = factories.PatternMuscleFactory(pattern=pattern, muscle=muscle)
    # With a picture, so that the picture's address answers too.
    exercise = factories.ExerciseFactory(slug="walk-exercise", muscles=[muscle])
    exercise.image.save("walk.png", ContentFile(b"\x89PNG\r\n\x1a\n walk"))
    # The studio with a logo, so that the logo's address answers too.
    Studio.objects.create(name="Walk Studio").logo.save(
        "walk-logo.png", ContentFile(b"\x89PNG\r\n\x1a\n walk")
    )
    final = factories.AssessmentFactory(
        client=client_record, final=True, finalised_at=timezone.now(), share_photos=True
    )
    factories.PatternFindingFactory(assessment=final, pattern=pattern)
    factories.MuscleFindingFactory(assessment=final, muscle=muscle, pattern=pattern)
    draft = factories.AssessmentFactory(client=client_record)
    other_final = factories.AssessmentFactory(
        client=other_client_record, final=True, finalised_at=timezone.now()
    )
    # A yes answer, cleared by a doctor whose letter is kept: Jane may be assessed, and the
    # clearance and letter pages have something to show.
    screening = Screening.objects.create(
        client=client_record,
        recorded_by=trainer,
        **{**dict.fromkeys(Screening.QUESTIONS, False), "joint_problem": True},
        joint_problem_details="An old knee injury.",
    )
    MedicalClearance.objects.create(
        screening=screening,
        cleared_on=timezone.localdate(),
        cleared_by="Dr. A. Smith, GP",
        letter=default_storage.save("clearances/walk.pdf", ContentFile(b"%PDF-1.7 walk")),
        recorded_by=trainer,
    )
    # Jane's current plan, started a week ago, with a day ticked off, and a draft to replace it.
    current_plan = factories.PlanFactory(
        assessment=final, published=True, start_date=timezone.localdate() - timedelta(days=7)
    )
    factories.PlanItemFactory(plan=current_plan, exercise=exercise)
    plan_session = factories.PlanSessionFactory(
        plan=current_plan, done_on=timezone.localdate() - timedelta(days=1)
    )
    plan = factories.PlanFactory(assessment=final)
    factories.PlanItemFactory(plan=plan, exercise=exercise)
    # Jane consents to photos, so that her trainer's upload form is open on the draft.
    Client.objects.filter(pk=client_record.pk).update(
        photo_consent_given_at=timezone.now(), photo_consent_recorded_by=trainer
    )
    photo = Photo(assessment=final, view="front", width=30, height=40, byte_size=9, uploaded_by=trainer)
    photo.image.save("walk.jpg", ContentFile(b"\xff\xd8\xff walk"), save=False)
    photo.thumbnail.save("walk-thumb.jpg", ContentFile(b"\xff\xd8\xff walk"), save=False)
    photo.save()
    return World(
        users={
            "anonymous": None,
            "trainer": trainer,
            "other_trainer": other_trainer,
            "client": client_record.portal_user,
            "other_client": other_client_record.portal_user,
            "admin": admin_user,
        },
        client=client_record,
        other_client=other_client_record,
        final=final,
        draft=draft,
        other_final=other_final,
        pattern=pattern,
        lateral_pattern=lateral,
        retired_pattern=retired,
        muscle=muscle,
        link=link,
        exercise=exercise,
        screening=screening,
        plan=plan,
        current_plan=current_plan,
        plan_session=plan_session,
        photo=photo,
        export=ClientExport.objects.create(
            client=client_record,
            requested_by=trainer,
            status=ClientExport.Status.READY,
            file_name=default_storage.save("exports/walk.zip", ContentFile(EMPTY_ZIP)),
            byte_size=len(EMPTY_ZIP),
        ),
    )


# The end-of-archive record alone: a whole zip with nothing in it.
EMPTY_ZIP = b"PK\x05\x06" + bytes(18)


def reset_link_kwargs(user) -> dict[str, str]:
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


def client_form_data(**extra: str) -> dict[str, str]:
    return {
        "first_name": "Mallory",
        "last_name": "Intruder",
        "email": "mallory@example.com",
        "phone": "0123",
        "goals": "take over",
        "health_notes": "none",
        "consent": "on",
        **extra,
    }


def screening_form_data(**extra: str) -> dict[str, str]:
    return {
        "screened_on": timezone.localdate().isoformat(),
        **dict.fromkeys(Screening.QUESTIONS, "yes"),
        **{f"{field}_details": "Said more." for field in Screening.QUESTIONS},
        "notes": "Screened at the studio.",
        "confirmed_name": "Jane Doe",
        "confirmed_on": timezone.localdate().isoformat(),
        **extra,
    }


def clearance_form_data(**extra: str) -> dict[str, str]:
    return {"cleared_on": timezone.localdate().isoformat(), "cleared_by": "Dr. Mallory", **extra}


def assessment_form_data(world: World, assessment: Assessment | None = None, **extra: str) -> dict[str, str]:
    return {
        "session_date": timezone.localdate().isoformat(),
        "notes": "changed by someone",
        "pain_score": "7",
        "version": str(assessment.version if assessment else 1),
        f"p{world.pattern.pk}-severity": "3",
        f"p{world.pattern.pk}-m{world.link.pk}-confirmed": "on",
        **extra,
    }


@dataclass
class Entry:
    kind: str
    kwargs: Callable[[World], dict] = lambda world: {}
    post: Callable[[World], dict] = lambda world: {}
    # Statuses that differ from the kind's defaults, by persona; (302, "/where/") for redirects.
    overrides: dict[str, object] = field(default_factory=dict)
    # A POST-only action: a GET by someone who may see the object answers 405.
    post_only: bool = False
    # Why a page is public or otherwise unusual, for the reader of this table.
    why: str = ""

    def expected(self, persona: str) -> object:
        if persona in self.overrides:
            return self.overrides[persona]
        status = KINDS[self.kind][persona]
        # Only someone who may see the object learns that a GET is the wrong method.
        if self.post_only and status == 200:
            return 405
        return status


def _client(world: World) -> dict:
    return {"pk": world.client.pk}


def _client_pk(world: World) -> dict:
    return {"client_pk": world.client.pk}


def _screening(world: World) -> dict:
    return {"pk": world.client.pk, "screening_pk": world.screening.pk}


def _final(world: World) -> dict:
    return {"pk": world.final.pk}


def _draft(world: World) -> dict:
    return {"pk": world.draft.pk}


def photo_upload() -> SimpleUploadedFile:
    """A small real JPEG, new for each post (a posted file is read to its end)."""
    out = io.BytesIO()
    Image.new("RGB", (30, 40), "grey").save(out, "JPEG")
    return SimpleUploadedFile("walk.jpg", out.getvalue(), content_type="image/jpeg")


def _photo(world: World) -> dict:
    return {"pk": world.photo.pk}


def _plan(world: World) -> dict:
    return {"pk": world.plan.pk}


def _current_plan(world: World) -> dict:
    return {"pk": world.current_plan.pk}


def _final_pk(world: World) -> dict:
    return {"assessment_pk": world.final.pk}


def plan_form_data(world: World, **extra: str) -> dict[str, str]:
    item = world.plan.items.get()
    today = timezone.localdate()
    return {
        "start_date": today.isoformat(),
        "review_date": (today + timedelta(weeks=6)).isoformat(),
        "sessions_per_week": "5",
        "notes": "changed by someone",
        "version": str(world.plan.version),
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "1",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "100",
        "items-0-exercise": str(item.exercise_id),
        "items-0-sets": "4",
        "items-0-reps": "8",
        "action": "save",
        **extra,
    }


def _erase_data(world: World) -> dict:
    # The field name is the erasure form's; every plausible one carries the right name.
    name = world.client.full_name
    return {"confirm": name, "confirm_name": name, "name": name, "full_name": name}


REGISTRY: dict[str, Entry] = {
    "home": Entry(
        "public",
        overrides={
            "trainer": (302, "/clients/dashboard/"),
            "other_trainer": (302, "/clients/dashboard/"),
            "client": (302, "/portal/"),
            "other_client": (302, "/portal/"),
            "admin": (302, "/admin/"),
        },
        why="says what the studio is to a visitor; sends each person signed in to their place",
    ),
    "login": Entry("public", why="the way in"),
    "logout": Entry("authenticated", post_only=True, why="POST only, so a link cannot sign anyone out"),
    "password_change": Entry("authenticated"),
    "password_change_done": Entry("authenticated"),
    "password_reset": Entry("public", why="someone who forgot their password is not signed in"),
    "password_reset_done": Entry("public", why="follows the reset request"),
    "password_reset_confirm": Entry(
        "public",
        kwargs=lambda world: reset_link_kwargs(world.users["trainer"]),
        overrides=dict.fromkeys(PERSONAS, (302, "/set-password/")),
        why="the e-mailed token is the authority; a valid one moves to the set-password form",
    ),
    "password_reset_complete": Entry("public", why="follows the reset"),
    "imbalances:index": Entry("public", why="the catalogue is printed as links in client PDFs"),
    "imbalances:sources": Entry("public", why="the catalogue's citations, linked from its public pages"),
    "imbalances:pattern": Entry("public", kwargs=lambda world: {"slug": world.pattern.slug}, why="as above"),
    "imbalances:muscle": Entry("public", kwargs=lambda world: {"slug": world.muscle.slug}, why="as above"),
    "imbalances:measures": Entry("public", why="how each measure is taken; reports link to each one"),
    "imbalances:exercises": Entry("public", why="the exercise library, linked from plans and PDFs"),
    "imbalances:exercise": Entry(
        "public",
        kwargs=lambda world: {"slug": world.exercise.slug},
        why="one exercise, how to do it: plans and PDFs link to it",
    ),
    "imbalances:exercise_image": Entry(
        "public",
        kwargs=lambda world: {"slug": world.exercise.slug},
        why="an exercise's picture, shown on its public page",
    ),
    "clients:list": Entry("trainer"),
    "clients:dashboard": Entry("trainer"),
    "clients:create": Entry("trainer", post=lambda world: client_form_data()),
    "clients:detail": Entry("trainer-owner", kwargs=_client),
    "clients:update": Entry("trainer-owner", kwargs=_client, post=lambda world: client_form_data()),
    "clients:screening": Entry(
        "trainer-owner",
        kwargs=_client,
        # Confirmed with the name as it is now: an earlier POST of the walk may have changed it.
        post=lambda world: screening_form_data(
            confirmed_name=Client.objects.get(pk=world.client.pk).full_name
        ),
    ),
    "clients:clearance": Entry("trainer-owner", kwargs=_screening, post=lambda world: clearance_form_data()),
    "clients:clearance_letter": Entry("trainer-owner", kwargs=_screening),
    "clients:assess_anyway": Entry(
        "trainer-owner",
        kwargs=_client,
        post=lambda world: {"reason": "The client insists and their GP is on holiday."},
        post_only=True,
    ),
    "clients:archive": Entry("trainer-owner", kwargs=_client, post_only=True),
    "clients:restore": Entry("trainer-owner", kwargs=_client, post_only=True),
    "clients:invite": Entry("trainer-owner", kwargs=_client, post_only=True),
    "clients:resend_invite": Entry("trainer-owner", kwargs=_client, post_only=True),
    "clients:revoke_access": Entry("trainer-owner", kwargs=_client, post_only=True),
    "portal:home": Entry("portal"),
    "portal:set_password": Entry(
        "public",
        kwargs=lambda world: reset_link_kwargs(world.users["client"]),
        overrides=dict.fromkeys(PERSONAS, (302, "/set-password/")),
        why="the invitation link: its token is the authority",
    ),
    "assessments:create": Entry(
        "trainer-owner", kwargs=_client_pk, post=lambda world: assessment_form_data(world)
    ),
    "assessments:start_from_last": Entry("trainer-owner", kwargs=_client_pk, post_only=True),
    "assessments:detail": Entry("trainer-owner", kwargs=_final),
    "assessments:update": Entry(
        "trainer-owner", kwargs=_draft, post=lambda world: assessment_form_data(world, world.draft)
    ),
    "assessments:finalise": Entry(
        "trainer-owner",
        kwargs=_draft,
        post=lambda world: {"version": str(world.draft.version)},
        post_only=True,
    ),
    "assessments:reopen": Entry("trainer-owner", kwargs=_final, post_only=True),
    "assessments:history": Entry("trainer-owner", kwargs=_final),
    "assessments:pattern_muscles": Entry(
        "trainer",
        kwargs=lambda world: {"slug": world.pattern.slug},
        why="catalogue content for the assessment form, the same for every client: any trainer",
    ),
    "reports:summary": Entry("trainer-owner", kwargs=_final),
    "reports:summary_pdf": Entry("trainer-owner", kwargs=_final),
    "reports:progress": Entry("trainer-owner", kwargs=_client),
    "reports:progress_pdf": Entry("trainer-owner", kwargs=_client),
    "reports:portal_summary": Entry("portal-owner", kwargs=_final),
    "reports:portal_summary_pdf": Entry("portal-owner", kwargs=_final),
    "reports:portal_progress": Entry("portal"),
    "reports:portal_progress_pdf": Entry("portal"),
    "assessments:photos": Entry("trainer-owner", kwargs=_draft, post=lambda world: {"front": photo_upload()}),
    "assessments:photos_share": Entry(
        "trainer-owner", kwargs=_final, post=lambda world: {"share": "no"}, post_only=True
    ),
    "assessments:photo_delete": Entry("trainer-owner", kwargs=_photo, post_only=True),
    "assessments:photo_image": Entry("trainer-owner-file", kwargs=_photo),
    "assessments:photo_thumbnail": Entry("trainer-owner-file", kwargs=_photo),
    "assessments:photo_annotate": Entry(
        "trainer-owner",
        kwargs=_photo,
        post=lambda world: {"landmark-left-shoulder-x": "40", "landmark-left-shoulder-y": "20"},
        why="the photo's landmarks; a final session's are read-only",
    ),
    "assessments:photo_compare": Entry("trainer-owner", kwargs=_client_pk),
    "assessments:portal_photos": Entry("portal-owner", kwargs=_final),
    "assessments:portal_photo_image": Entry("portal-owner-file", kwargs=_photo),
    "assessments:portal_photo_thumbnail": Entry("portal-owner-file", kwargs=_photo),
    "plans:build": Entry("trainer-owner", kwargs=_final_pk, post_only=True),
    "plans:carry_forward": Entry("trainer-owner", kwargs=_final_pk, post_only=True),
    "plans:detail": Entry("trainer-owner", kwargs=_plan),
    "plans:edit": Entry("trainer-owner", kwargs=_plan, post=plan_form_data),
    "plans:publish": Entry(
        "trainer-owner", kwargs=_plan, post=lambda world: {"version": str(world.plan.version)}, post_only=True
    ),
    "plans:end": Entry("trainer-owner", kwargs=_current_plan, post_only=True),
    "plans:discard": Entry("trainer-owner", kwargs=_plan, post_only=True),
    "plans:history": Entry("trainer-owner", kwargs=_plan),
    "portal_plan:plan": Entry("portal", why="each client's own current plan; without one, a page saying so"),
    "portal_plan:log": Entry(
        "portal-owner",
        post=lambda world: {"done_on": timezone.localdate().isoformat(), "effort": "5", "note": "walked"},
        post_only=True,
        why="ticks off a day of the client's current plan; a client without one gets 404",
    ),
    "portal_plan:remove": Entry(
        "portal-owner", kwargs=lambda world: {"pk": world.plan_session.pk}, post_only=True
    ),
    "studio:logo": Entry("public", why="the studio's logo, in the header of every page, signed in or not"),
    "security:client_export": Entry("trainer-owner-or-admin", kwargs=_client_pk),
    "security:client_export_download": Entry(
        "trainer-owner-or-admin",
        kwargs=lambda world: {"client_pk": world.client.pk, "export_pk": world.export.pk},
    ),
    "security:client_erase": Entry("trainer-owner-or-admin", kwargs=_client_pk, post=_erase_data),
}


def project_url_names() -> dict[str, str]:
    """Every URL name in the project (admin excluded) mapped to its route, unnamed ones too."""
    found: dict[str, str] = {}

    def walk(resolver: URLResolver, namespace: str, prefix: str) -> None:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                if inner.startswith("admin:"):
                    continue  # the admin site is checked as a group
                walk(entry, inner, route)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}{entry.name}" if entry.name else f"<unnamed {route}>"
                found.setdefault(name, route)

    walk(get_resolver(), "", "/")
    return found


def resolvable_entries(world: World) -> Iterator[tuple[str, Entry, str]]:
    """(name, entry, path) for each registry entry whose URL exists in this project."""
    for name, entry in REGISTRY.items():
        try:
            path = reverse(name, kwargs=entry.kwargs(world))
        except NoReverseMatch:
            continue  # planned but not landed yet
        yield name, entry, path


def login_redirect(path: str) -> str:
    return f"{reverse('login')}?next={quote(path)}"


def admin_login_redirect(path: str) -> str:
    return f"{reverse('admin:login')}?next={quote(path)}"


def check_status(response, expected: object, path: str) -> str | None:
    """None when the response is what `expected` says, else what went wrong."""
    status = response.status_code
    location = response.get("Location", "")
    if expected == LOGIN:
        if status == 302 and location == login_redirect(path):
            return None
        return f"expected a redirect to login, got {status} {location}"
    if expected == ANY_LOGIN:
        if status == 302 and location in (login_redirect(path), admin_login_redirect(path)):
            return None
        return f"expected a redirect to a login page, got {status} {location}"
    if expected == ADMIN_LOGIN:
        if status == 302 and location == admin_login_redirect(path):
            return None
        return f"expected a redirect to the admin login, got {status} {location}"
    if isinstance(expected, tuple):
        want_status, want_location = expected
        if status == want_status and location.endswith(want_location):
            return None
        return f"expected {want_status} to …{want_location}, got {status} {location}"
    allowed = expected if isinstance(expected, set) else {expected}
    if status in allowed:
        return None
    return f"expected {sorted(allowed)}, got {status} {location}"


# Rows that a refused request must leave alone. The audit trail and sessions are
# left out on purpose: a refused request may be logged, and logging in makes sessions.
SNAPSHOT_APPS = ("auth", "imbalances", "clients", "assessments", "plans", "reports", "security", "studio")
SKIPPED_MODELS = {"security.auditevent", "auth.permission"}
SKIPPED_FIELDS = {"last_login"}


def snapshot() -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    models = [model for label in SNAPSHOT_APPS for model in apps.get_app_config(label).get_models()]
    models.append(apps.get_model("auth", "User").groups.through)
    for model in models:
        if model._meta.label_lower in SKIPPED_MODELS:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in SKIPPED_FIELDS]
        rows[model._meta.label_lower] = list(model._base_manager.order_by("pk").values(*fields))
    return rows


def diff(before: dict[str, list[dict]], after: dict[str, list[dict]]) -> list[str]:
    return [label for label in before if before[label] != after.get(label)]
