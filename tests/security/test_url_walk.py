"""Access control on every URL of the project, for every persona, GET and POST.

The registry in `urlwalk.py` says who may see each URL; these tests prove it by
visiting every URL as each persona with real objects, and by POSTing as every
wrong persona and checking that no row changed. Failures are collected so that
one run names every URL and persona that is wrong.
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from security.models import AuditEvent
from tests.security.urlwalk import (
    ADMIN_LOGIN,
    ALLOWED_TO_POST,
    ANY_LOGIN,
    KINDS,
    PERSONAS,
    REGISTRY,
    World,
    check_status,
    diff,
    project_url_names,
    resolvable_entries,
    snapshot,
)

pytestmark = pytest.mark.django_db


def undecided(registry: dict) -> list[str]:
    return [
        f"decide who may see {name} (add it to REGISTRY in tests/security/urlwalk.py)"
        for name in sorted(project_url_names())
        if name not in registry
    ]


def test_every_url_has_decided_who_may_see_it():
    problems = undecided(REGISTRY)
    assert not problems, "\n".join(problems)


def test_a_url_left_out_of_the_registry_is_named():
    registry = {name: entry for name, entry in REGISTRY.items() if name != "clients:detail"}
    assert undecided(registry) == [
        "decide who may see clients:detail (add it to REGISTRY in tests/security/urlwalk.py)"
    ]


def test_the_registry_only_uses_known_kinds():
    assert {entry.kind for entry in REGISTRY.values()} <= set(KINDS)


def test_public_pages_are_few_and_explained():
    public = {name for name, entry in REGISTRY.items() if entry.kind == "public"}
    assert public == {
        "home",
        "login",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "portal:set_password",
        "imbalances:index",
        "imbalances:pattern",
        "imbalances:muscle",
        "imbalances:sources",
        "imbalances:measures",
        "imbalances:exercises",
        "imbalances:exercise",
        "imbalances:exercise_image",
        "studio:logo",
    }
    assert all(REGISTRY[name].why for name in public)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_sees_only_what_they_may(world, persona):
    browser = world.login(persona)
    failures = []
    visited = 0
    for name, entry, path in resolvable_entries(world):
        response = browser.get(path)
        visited += 1
        problem = check_status(response, entry.expected(persona), path)
        if problem:
            failures.append(f"GET {name} {path} as {persona}: {problem}")
        # Someone who is not the owner never sees the page, whatever the table says.
        if persona not in ALLOWED_TO_POST[entry.kind] and response.status_code == 200:
            failures.append(f"GET {name} {path} as {persona}: answered 200 to the wrong person")
        cache_control = response.get("Cache-Control", "")
        if persona != "anonymous" and not {"private", "no-store"} <= set(cache_control.split(", ")):
            failures.append(f"GET {name} {path} as {persona}: may be kept by a cache ({cache_control!r})")
    assert visited >= 40
    assert not failures, "\n".join(failures)


# Every page that shows one client's data, for the persona that may see it.
CLIENT_PAGES = {
    "trainer": {
        "clients:detail",
        "clients:update",
        "clients:screening",
        "clients:clearance",
        "clients:clearance_letter",
        "assessments:create",
        "assessments:detail",
        "assessments:update",
        "assessments:history",
        "assessments:photos",
        "assessments:photo_image",
        "assessments:photo_thumbnail",
        "assessments:photo_annotate",
        "assessments:photo_compare",
        "plans:detail",
        "plans:edit",
        "plans:history",
        "reports:summary",
        "reports:summary_pdf",
        "reports:progress",
        "reports:progress_pdf",
        "security:client_export",
        "security:client_export_download",
        "security:client_erase",
    },
    "client": {
        "portal:home",
        "portal_plan:plan",
        "assessments:portal_photos",
        "assessments:portal_photo_image",
        "assessments:portal_photo_thumbnail",
        "reports:portal_summary",
        "reports:portal_summary_pdf",
        "reports:portal_progress",
        "reports:portal_progress_pdf",
    },
}


@pytest.mark.parametrize("persona", sorted(CLIENT_PAGES))
def test_each_audit_row_names_the_client_the_page_served(world, persona):
    browser = world.login(persona)
    failures = []
    seen = set()
    for name, _, path in resolvable_entries(world):
        AuditEvent.objects.all().delete()
        response = browser.get(path)
        named = list(AuditEvent.objects.values_list("client_id", flat=True))
        if name in CLIENT_PAGES[persona]:
            seen.add(name)
            if response.status_code != 200 or named != [world.client.pk]:
                failures.append(f"{name} ({response.status_code}) named {named}, not [{world.client.pk}]")
        elif named:
            failures.append(f"{name} ({response.status_code}) named {named}, showing no client's data")
    assert seen == CLIENT_PAGES[persona]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("persona", ["trainer", "other_trainer", "client", "admin"])
def test_head_options_and_refused_requests_write_no_audit_rows(world, persona):
    browser = world.login(persona)
    for _, entry, path in resolvable_entries(world):
        browser.head(path)
        browser.options(path)
        if persona not in ALLOWED_TO_POST[entry.kind]:
            browser.get(path)
            browser.post(path, entry.post(world))
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("persona", ["anonymous", "other_trainer", "client", "other_client", "admin"])
def test_a_post_by_the_wrong_person_changes_nothing(world, persona):
    failures = []
    posted = 0
    for name, entry, path in resolvable_entries(world):
        if persona in ALLOWED_TO_POST[entry.kind]:
            continue
        browser = world.login(persona)
        before = snapshot()
        response = browser.post(path, entry.post(world))
        posted += 1
        changed = diff(before, snapshot())
        if changed:
            failures.append(f"POST {name} {path} as {persona} changed {', '.join(changed)}")
        if response.status_code == 200 or 300 <= response.status_code < 400 and persona != "anonymous":
            failures.append(f"POST {name} {path} as {persona}: answered {response.status_code}")
        if persona == "anonymous":
            # Sent to sign in, or the 404 of a URL whose very existence is private (a photo's file).
            problem = check_status(response, entry.expected("anonymous"), path)
            if problem:
                failures.append(f"POST {name} {path} as anonymous: {problem}")
    assert posted >= 20
    assert not failures, "\n".join(failures)


def test_the_owner_really_can_change_things_the_wrong_people_cannot(world):
    """The POST data above is good enough to change something: else the test proves nothing."""
    browser = world.login("trainer")
    for name in ("clients:update", "clients:screening", "assessments:update", "plans:edit"):
        entry = REGISTRY[name]
        path = reverse(name, kwargs=entry.kwargs(world))
        before = snapshot()
        response = browser.post(path, entry.post(world))
        assert response.status_code == 302, (name, response.status_code)
        assert diff(before, snapshot()), f"the owner's POST to {name} changed nothing"


# The admin site, as a group: every page is for staff only.


def _admin_objects(world: World) -> None:
    """At least one row of each model the admin shows, so change pages use real ids."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from reports.models import RenderedReport, ReportDownload
    from security.models import AuditEvent

    now = timezone.now()
    AccessAttempt.objects.create(username="x", ip_address="10.0.0.1", failures_since_start=1)
    AccessLog.objects.create(username="x", ip_address="10.0.0.1", attempt_time=now)
    AccessFailureLog.objects.create(username="x", ip_address="10.0.0.1", attempt_time=now)
    ReportDownload.objects.create(user=world.users["trainer"], kind="summary", client=world.client)
    RenderedReport.objects.create(key="k" * 64, kind="summary", client=world.client, assessment=world.final)
    AuditEvent.objects.create(
        user=world.users["trainer"], client=world.client, action="view", url_name="x", path="/x/"
    )


def _admin_pages(world: World) -> list[tuple[str, object, str]]:
    """(path, model admin or None, page) for the index and each model's list, add and change."""
    _admin_objects(world)
    pages = [(reverse("admin:index"), None, "index")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        pages.append((reverse("admin:{}_{}_changelist".format(*info)), model_admin, "changelist"))
        pages.append((reverse("admin:{}_{}_add".format(*info)), model_admin, "add"))
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            pages.append((reverse("admin:{}_{}_change".format(*info), args=[row.pk]), model_admin, "change"))
    return pages


def _admin_expected(persona: str, model_admin, page: str, admin_user) -> object:
    if persona == "anonymous":
        return ANY_LOGIN
    if persona != "admin":
        return ADMIN_LOGIN
    if page == "add":
        request = RequestFactory().get("/")
        request.user = admin_user
        return 200 if model_admin.has_add_permission(request) else 403
    return 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_pages_are_for_staff_only(world, persona):
    browser = world.login(persona)
    failures = []
    pages = _admin_pages(world)
    assert sum(page == "change" for _, _, page in pages) >= 10
    for path, model_admin, page in pages:
        expected = _admin_expected(persona, model_admin, page, world.users["admin"])
        problem = check_status(browser.get(path), expected, path)
        if problem:
            failures.append(f"GET {path} as {persona}: {problem}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("persona", ["anonymous", "trainer", "client"])
def test_an_admin_post_by_non_staff_changes_nothing(world, persona):
    failures = []
    crafted = {
        "name": "Hacked",
        "slug": "hacked",
        "username": "hacked",
        "is_staff": "on",
        "is_superuser": "on",
        "is_active": "on",
        "action": "delete_selected",
        "post": "yes",
        "_selected_action": [str(world.client.pk), str(world.pattern.pk), str(world.users["trainer"].pk)],
    }
    for path, _, _ in _admin_pages(world):
        browser = world.login(persona)
        before = snapshot()
        response = browser.post(path, crafted)
        changed = diff(before, snapshot())
        if changed:
            failures.append(f"POST {path} as {persona} changed {', '.join(changed)}")
        problem = check_status(response, ANY_LOGIN if persona == "anonymous" else ADMIN_LOGIN, path)
        if problem:
            failures.append(f"POST {path} as {persona}: {problem}")
    assert not failures, "\n".join(failures)
