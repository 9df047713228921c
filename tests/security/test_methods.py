"""Methods, ids and the audit trail.

A missing id, one too large for the database, and another trainer's object look the
same from outside: 404 and no audit row, for GET, POST, HEAD, OPTIONS and the rest. The
owner gets 405 for a method a page does not take, and only a GET or POST that read or
changed the client's data is written to the trail.
"""

import pytest
from django.urls import reverse

from security.models import AuditEvent
from tests.security.urlwalk import REGISTRY, World, resolvable_entries

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "head", "options", "put", "patch", "delete")
# Who owns the objects of each kind of page in the world: they reach real ids.
OWNER = {"trainer-owner": "trainer", "trainer-owner-or-admin": "trainer", "portal-owner": "client"}
MISSING_IDS = (987_654_321, 2**63, 10**30)


def id_pages(world: World) -> list[tuple[str, str, dict]]:
    """(name, persona, kwargs) of every page whose URL names an object by number."""
    pages = []
    for name, entry in REGISTRY.items():
        if entry.kind not in OWNER:
            continue
        kwargs = entry.kwargs(world)
        if any(isinstance(value, int) for value in kwargs.values()):
            pages.append((name, OWNER[entry.kind], kwargs))
    assert len(pages) >= 20
    return pages


def test_a_missing_or_out_of_range_id_is_404_for_every_method(world):
    failures = []
    for name, persona, kwargs in id_pages(world):
        browser = world.login(persona)
        for missing in MISSING_IDS:
            path = reverse(name, kwargs={k: missing if isinstance(v, int) else v for k, v in kwargs.items()})
            for method in METHODS:
                status = getattr(browser, method)(path).status_code
                if status != 404:
                    failures.append(f"{method.upper()} {name} {path} as {persona}: {status}")
    assert not AuditEvent.objects.exists()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("stranger", "kinds"),
    [("other_trainer", {"trainer-owner", "trainer-owner-or-admin"}), ("other_client", {"portal-owner"})],
)
def test_someone_elses_object_is_404_for_every_method(world, stranger, kinds):
    browser = world.login(stranger)
    failures = []
    for name, entry, path in resolvable_entries(world):
        if entry.kind not in kinds:
            continue
        for method in METHODS:
            status = getattr(browser, method)(path).status_code
            if status != 404:
                failures.append(f"{method.upper()} {name} {path}: {status}")
    assert not AuditEvent.objects.exists()
    assert not failures, "\n".join(failures)


def test_the_owner_gets_405_for_methods_a_page_does_not_take_and_nothing_is_logged(world):
    failures = []
    for name, entry, path in resolvable_entries(world):
        persona = OWNER.get(entry.kind)
        if persona is None:
            continue
        browser = world.login(persona)
        for method in ("options", "put", "patch", "delete"):
            status = getattr(browser, method)(path).status_code
            if status != 405:
                failures.append(f"{method.upper()} {name} {path} as {persona}: {status}")
    assert not AuditEvent.objects.exists()
    assert not failures, "\n".join(failures)


def test_a_post_to_a_page_that_only_shows_is_refused_and_not_logged_as_a_change(world):
    read_only = ["clients:detail", "assessments:detail", "assessments:history", "reports:summary"]
    read_only += ["reports:progress", "reports:summary_pdf", "reports:progress_pdf"]
    browser = world.login("trainer")
    for name in read_only:
        path = reverse(name, kwargs=REGISTRY[name].kwargs(world))
        assert browser.post(path).status_code == 405, name
    client_browser = world.login("client")
    for name in ("portal:home", "reports:portal_progress", "reports:portal_progress_pdf"):
        assert client_browser.post(reverse(name)).status_code == 405, name
    assert not AuditEvent.objects.exists()


def test_an_audit_row_names_the_address_the_lockout_counts(world, settings):
    """Behind a trusted proxy the row holds the client's address, not the proxy's."""
    settings.TRUSTED_PROXY_COUNT = 1
    browser = world.login("trainer")
    path = reverse("clients:detail", kwargs={"pk": world.client.pk})
    browser.get(path, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    assert list(AuditEvent.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]
