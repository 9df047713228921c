"""Seeing, exporting and erasing a client takes an explicit right, in and out of the admin.

Being staff is not a right over clients: a catalogue editor gets 403 on every page about
a client. Exporting and erasing each need their own permission (superusers hold both),
the admin links only to what the user may do, and its pages that name a client are
audited like the site's own.
"""

import pytest
from django.test import Client as HttpClient
from django.urls import resolve, reverse

from clients.models import Client
from reports.models import RenderedReport, ReportDownload
from security.models import AuditEvent
from tests.security.test_url_walk import _admin_pages
from tests.security.urlwalk import (
    CLIENT_KINDS,
    HIDDEN_KINDS,
    KINDS,
    REGISTRY,
    check_status,
    diff,
    resolvable_entries,
    snapshot,
)

pytestmark = pytest.mark.django_db

NOT_ABOUT_CLIENTS = {"public", "authenticated", "staff"}
EXPORT = "security:client_export"
ERASE = "security:client_erase"


def signed_in(user) -> HttpClient:
    browser = HttpClient()
    browser.force_login(user)
    return browser


def _every_admin_page(world) -> list[tuple[str, object, str]]:
    """The URL walk's admin pages, with each row's history and delete pages added."""
    pages = _admin_pages(world)
    for path, model_admin, page in list(pages):
        if page == "change":
            opts = model_admin.model._meta
            object_id = resolve(path).kwargs["object_id"]
            for extra in ("history", "delete"):
                name = f"admin:{opts.app_label}_{opts.model_name}_{extra}"
                pages.append((reverse(name, args=[object_id]), model_admin, extra))
    return pages


def test_catalogue_staff_gets_403_on_every_client_url_in_and_out_of_the_admin(world, catalogue_staff):
    # Whoever adds a kind of page decides whether it is about clients.
    assert set(KINDS) == CLIENT_KINDS | NOT_ABOUT_CLIENTS
    assert not CLIENT_KINDS & NOT_ABOUT_CLIENTS
    browser = signed_in(catalogue_staff)
    failures = []
    refused = set()
    for name, entry, path in resolvable_entries(world):
        about_clients = entry.kind in CLIENT_KINDS
        refusal = 404 if entry.kind in HIDDEN_KINDS else 403
        # Elsewhere a catalogue editor is staff like the admin: sent to /admin/ from home.
        problem = check_status(browser.get(path), refusal if about_clients else entry.expected("admin"), path)
        if problem:
            failures.append(f"GET {name} {path}: {problem}")
        if about_clients:
            refused.add(name)
            before = snapshot()
            response = browser.post(path, entry.post(world))
            # A GET-only page may refuse the method first.
            if response.status_code not in (refusal, 405) or diff(before, snapshot()):
                failures.append(f"POST {name} {path}: answered {response.status_code}")
    assert {EXPORT, ERASE, "clients:detail", "reports:progress"} <= refused

    admin_pages = _every_admin_page(world)
    catalogue_pages = 0
    for path, model_admin, page in admin_pages:
        if model_admin is None:
            expected = 200  # the index, listing the catalogue only
        elif model_admin.model._meta.app_label == "imbalances":
            if page not in ("changelist", "change"):
                continue  # adding and deleting catalogue rows is the catalogue admin's business
            expected = 200
            catalogue_pages += 1
        else:
            expected = 403
        response = browser.get(path)
        problem = check_status(response, expected, path)
        if problem:
            failures.append(f"GET {path}: {problem}")
        if expected == 403:
            before = snapshot()
            response = browser.post(path, {"action": "delete_selected", "post": "yes", "first_name": "X"})
            if response.status_code != 403 or diff(before, snapshot()):
                failures.append(f"POST {path}: answered {response.status_code}")
    assert catalogue_pages >= 6
    assert {"clients", "reports", "security"} <= {
        model_admin.model._meta.app_label for _, model_admin, _ in admin_pages if model_admin
    }
    index = browser.get(reverse("admin:index")).content.decode()
    assert reverse("admin:imbalances_pattern_changelist") in index
    assert reverse("admin:clients_client_changelist") not in index
    assert not failures, "\n".join(failures)
    assert not AuditEvent.objects.filter(user=catalogue_staff).exists()


def test_the_export_right_exports_but_does_not_erase(world, staff_with):
    browser = signed_in(staff_with("clients.export_client"))
    kwargs = {"client_pk": world.client.pk}

    exported = browser.get(reverse(EXPORT, kwargs=kwargs))
    erase_page = browser.get(reverse(ERASE, kwargs=kwargs))
    erased = browser.post(reverse(ERASE, kwargs=kwargs), REGISTRY[ERASE].post(world))

    assert exported.status_code == REGISTRY[EXPORT].expected("admin")
    assert erase_page.status_code == erased.status_code == 403
    assert Client.objects.filter(pk=world.client.pk).exists()


def test_the_erase_right_erases_but_does_not_export(world, staff_with):
    browser = signed_in(staff_with("clients.erase_client"))
    kwargs = {"client_pk": world.client.pk}

    exported = browser.get(reverse(EXPORT, kwargs=kwargs))
    erase_page = browser.get(reverse(ERASE, kwargs=kwargs))
    assert Client.objects.filter(pk=world.client.pk).exists()
    erased = browser.post(reverse(ERASE, kwargs=kwargs), REGISTRY[ERASE].post(world))

    assert exported.status_code == 403
    assert erase_page.status_code == REGISTRY[ERASE].expected("admin")
    assert erased.status_code == 302
    assert not Client.objects.filter(pk=world.client.pk).exists()
    assert Client.objects.filter(pk=world.other_client.pk).exists()


def test_the_client_admin_links_only_to_what_the_user_may_do(world, staff_with):
    export_url = reverse(EXPORT, kwargs={"client_pk": world.client.pk})
    erase_url = reverse(ERASE, kwargs={"client_pk": world.client.pk})
    pages = [
        reverse("admin:clients_client_changelist"),
        reverse("admin:clients_client_change", args=[world.client.pk]),
    ]
    failures = []
    for number, extra in enumerate(
        [
            (),
            ("clients.export_client",),
            ("clients.erase_client",),
            ("clients.export_client", "clients.erase_client"),
        ]
    ):
        browser = signed_in(staff_with("clients.view_client", *extra, username=f"viewer{number}"))
        for path in pages:
            response = browser.get(path)
            text = response.content.decode()
            # Links, not their markup escaped as text.
            shown = {"export"} if f'<a href="{export_url}">Download all data</a>' in text else set()
            shown |= {"erase"} if f'<a href="{erase_url}">Erase client</a>' in text else set()
            wanted = {name.removeprefix("clients.").removesuffix("_client") for name in extra}
            if response.status_code != 200 or world.client.last_name not in text or shown != wanted:
                failures.append(f"{path} with {extra or 'view only'}: {response.status_code}, links {shown}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("model", [RenderedReport, ReportDownload])
def test_an_admin_page_naming_a_client_is_audited_once_it_is_shown(world, admin_user, catalogue_staff, model):
    if model is RenderedReport:
        row = RenderedReport.objects.create(
            key="r" * 64, kind="summary", client=world.client, assessment=world.final
        )
    else:
        row = ReportDownload.objects.create(user=world.users["trainer"], kind="summary", client=world.client)
    opts = model._meta
    path = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
    missing = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk + 1000])
    browser = signed_in(admin_user)

    assert browser.get(path).status_code == 200
    assert list(AuditEvent.objects.values_list("user", "client", "action", "url_name", "path")) == [
        (admin_user.pk, world.client.pk, "view", f"admin:{opts.app_label}_{opts.model_name}_change", path)
    ]

    AuditEvent.objects.all().delete()
    browser.head(path)
    browser.options(path)
    browser.get(missing)
    assert signed_in(catalogue_staff).get(path).status_code == 403
    assert not AuditEvent.objects.exists()
