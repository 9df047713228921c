"""The page cache never serves a stale page and never hands one person's page to another.

Every test first asks for a page, so that it is cached, then changes something the way a
real user would (a view, the Django admin or a service), then asks again: the change must
show and what it replaced must be gone.
"""

import re
from datetime import date

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Screening
from clients.services import client_update
from pagecache import pages
from pagecache.stamps import bump, tokens, trainer_scope
from tests import factories
from tests.assessments.conftest import form_data

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ALL_NO = dict.fromkeys(Screening.QUESTIONS, "no")
NOT_SHARED = "Your trainer has not shared an assessment with you yet."


# --- Helpers -------------------------------------------------------------------------------


def page(browser: Browser, url: str) -> str:
    """The HTML of a page that must answer 200."""
    response = browser.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.text


def csrf_token(html: str) -> str:
    return CSRF_INPUT.search(html).group(1)


def without_csrf(html: str) -> str:
    return CSRF_INPUT.sub('name="csrfmiddlewaretoken" value=""', html)


def signed_in(user, **kwargs) -> Browser:
    browser = Browser(**kwargs)
    browser.force_login(user)
    return browser


def trainer_pages(client_record: Client) -> list[str]:
    """The pages on which a trainer sees the client: dashboard, client list, client page."""
    return [reverse("clients:dashboard"), reverse("clients:list"), client_record.get_absolute_url()]


def profile_post(client_record: Client, **changes) -> dict:
    """What the client edit form posts for `client_record` with `changes`."""
    fields = ["first_name", "last_name", "email", "phone", "goals", "health_notes"]
    return {**{name: getattr(client_record, name) for name in fields}, "date_of_birth": "", **changes}


def pattern_admin_post(pattern, **changes) -> dict:
    """What the pattern's admin change form posts, its muscle rows unchanged."""
    rows = list(pattern.pattern_muscles.all())
    data = {
        "region": pattern.region_id,
        "name": pattern.name,
        "slug": pattern.slug,
        "description": pattern.description,
        "display_order": pattern.display_order,
        **({"is_lateral": "on"} if pattern.is_lateral else {}),
        **({"is_active": "on"} if pattern.is_active else {}),
        "pattern_muscles-TOTAL_FORMS": len(rows),
        "pattern_muscles-INITIAL_FORMS": len(rows),
        "pattern_muscles-MIN_NUM_FORMS": 0,
        "pattern_muscles-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        fields = {"id": row.pk, "pattern": pattern.pk, "muscle": row.muscle_id, "role": row.role}
        for name, value in {**fields, "side": row.side, "note": row.note, "source": row.source}.items():
            data[f"pattern_muscles-{index}-{name}"] = value
    return {**data, **changes}


def muscle_admin_post(muscle, **changes) -> dict:
    """What the muscle's admin change form posts; its pattern rows are read-only there."""
    return {
        "name": muscle.name,
        "lay_name": muscle.lay_name,
        "slug": muscle.slug,
        "aliases": muscle.aliases,
        "description": muscle.description,
        **({"is_paired": "on"} if muscle.is_paired else {}),
        **({"is_active": "on"} if muscle.is_active else {}),
        "pattern_muscles-TOTAL_FORMS": 0,
        "pattern_muscles-INITIAL_FORMS": 0,
        "pattern_muscles-MIN_NUM_FORMS": 0,
        "pattern_muscles-MAX_NUM_FORMS": 1000,
        **changes,
    }


def user_admin_post(user, **changes) -> dict:
    """What the admin's user change form posts for `user`, groups kept."""
    joined = timezone.localtime(user.date_joined)
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [group.pk for group in user.groups.all()],
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
        **changes,
    }


def assert_redirected(response) -> None:
    errors = response.context.get("errors") if response.context else None
    assert response.status_code == 302, errors or response.status_code


# --- Fixtures ------------------------------------------------------------------------------


@pytest.fixture
def alice(trainer) -> Browser:
    """The trainer `alice`, signed in."""
    return signed_in(trainer)


@pytest.fixture
def bob(other_trainer) -> Browser:
    """The trainer `bob`, signed in."""
    return signed_in(other_trainer)


@pytest.fixture
def jane(client_user) -> Browser:
    """Alice's client Jane Doe, signed in to the portal."""
    return signed_in(client_user)


@pytest.fixture
def tilt(db):
    """A catalogue pattern "Test tilt" whose muscle "Test flexor" is over-active."""
    region = factories.RegionFactory(name="Test back", slug="test-back", display_order=0)
    pattern = factories.PatternFactory(region=region, name="Test tilt", slug="test-tilt", display_order=0)
    muscle = factories.MuscleFactory(name="Test flexor", lay_name="test hip flexor", slug="test-flexor")
    factories.PatternMuscleFactory(pattern=pattern, muscle=muscle, role="over-active")
    return pattern


@pytest.fixture
def draft(client_record, trainer):
    """An empty draft assessment of Jane's, at version 1."""
    return factories.AssessmentFactory(client=client_record, trainer=trainer, session_date=date(2026, 1, 5))


# --- 1. Editing a client -------------------------------------------------------------------


def test_a_renamed_client_shows_on_the_dashboard_list_and_client_page(alice, client_record):
    """The client edit view's save reaches every cached page that names the client."""
    for url in trainer_pages(client_record):
        assert "Jane Doe" in page(alice, url)
    response = alice.post(
        reverse("clients:update", kwargs={"pk": client_record.pk}),
        profile_post(client_record, first_name="Janet"),
    )
    assert_redirected(response)
    for url in trainer_pages(client_record):
        html = page(alice, url)
        assert "Janet Doe" in html, url
        assert "Jane Doe" not in html, url


# --- 2. Screening --------------------------------------------------------------------------


def test_a_recorded_screening_clears_the_due_badge_on_the_list_dashboard_and_client_page(
    alice, client_record
):
    """Recording a screening (all no) replaces "Screening due" with the screening's month."""
    dashboard, client_list, client_page = trainer_pages(client_record)
    assert "Screening due" in page(alice, client_list)
    assert 'data-testid="attention-clients"' in page(alice, dashboard)
    assert 'data-testid="screening-due"' in page(alice, client_page)
    today = timezone.localdate()
    response = alice.post(
        reverse("clients:screening", kwargs={"pk": client_record.pk}),
        {"screened_on": today.isoformat(), **ALL_NO},
    )
    assert_redirected(response)
    html = page(alice, client_list)
    assert f"Screened {today:%b %Y}" in html and "Screening due" not in html
    assert 'data-testid="attention-clients"' not in page(alice, dashboard)
    html = page(alice, client_page)
    assert "no to every question." in html and 'data-testid="screening-due"' not in html


def test_a_screening_needing_clearance_shows_on_the_list_client_page_and_assessment_form(
    alice, client_record
):
    """A yes answer turns the badge red and adds the clearance alerts, on pages cached before."""
    _, client_list, client_page = trainer_pages(client_record)
    form_url = reverse("assessments:create", kwargs={"client_pk": client_record.pk})
    for url in (client_list, client_page, form_url):
        assert "clearance" not in page(alice, url).lower(), url
    response = alice.post(
        reverse("clients:screening", kwargs={"pk": client_record.pk}),
        {"screened_on": timezone.localdate().isoformat(), **ALL_NO, "chest_pain": "yes"},
    )
    assert_redirected(response)
    assert "Needs medical clearance" in page(alice, client_list)
    assert 'data-testid="needs-clearance"' in page(alice, client_page)
    html = page(alice, form_url)
    assert 'data-testid="clearance-alert"' in html and Screening.QUESTIONS["chest_pain"] in html


# --- 3. Assessments ------------------------------------------------------------------------


def test_saving_an_assessment_shows_on_its_form_and_the_progress_page(alice, client_record, draft, tilt):
    """A POST to the assessment form changes the cached form (notes, version) and progress."""
    form_url = reverse("assessments:update", kwargs={"pk": draft.pk})
    progress_url = reverse("assessments:progress", kwargs={"client_pk": client_record.pk})
    assert 'name="version" value="1"' in page(alice, form_url)
    assert "No pattern found in this period." in page(alice, progress_url)
    data = form_data(version=1, notes="Stiff after travel", **{f"p{tilt.pk}": {"severity": "2"}})
    assert_redirected(alice.post(form_url, data))
    html = page(alice, form_url)
    assert "Stiff after travel" in html
    assert 'name="version" value="2"' in html and 'name="version" value="1"' not in html
    html = page(alice, progress_url)
    assert 'data-testid="pattern-progress"' in html and "Test tilt" in html
    assert "No pattern found in this period." not in html


def test_finalising_an_assessment_shows_it_on_the_clients_portal_home(alice, jane, draft):
    """Saving and finalising on the form puts the session on the client's cached portal home."""
    assert NOT_SHARED in page(jane, reverse("portal:home"))
    form_url = reverse("assessments:update", kwargs={"pk": draft.pk})
    response = alice.post(form_url, {**form_data(version=1, session_date="2026-01-10"), "finalise": "1"})
    assert_redirected(response)
    html = page(jane, reverse("portal:home"))
    assert "10 January 2026" in html and 'data-testid="portal-assessments"' in html
    assert NOT_SHARED not in html


# --- 4. The catalogue, edited in the admin -------------------------------------------------


def test_a_pattern_renamed_in_the_admin_shows_on_the_catalogue_and_the_assessment_form(
    admin_client, alice, client_record, tilt
):
    """The admin's save reaches the catalogue index, the pattern page and the form."""
    urls = [
        reverse("imbalances:index"),
        tilt.get_absolute_url(),
        reverse("assessments:create", kwargs={"client_pk": client_record.pk}),
    ]
    for url in urls:
        assert "Test tilt" in page(alice, url), url
    response = admin_client.post(
        reverse("admin:imbalances_pattern_change", args=[tilt.pk]), pattern_admin_post(tilt, name="Test lean")
    )
    assert_redirected(response)
    for url in urls:
        html = page(alice, url)
        assert "Test lean" in html and "Test tilt" not in html, url


def test_a_muscle_renamed_in_the_admin_shows_on_catalogue_pages_and_the_assessment_form(
    admin_client, alice, client_record, tilt
):
    """Renaming a muscle reaches the pattern page, the muscle page and the form."""
    muscle = tilt.pattern_muscles.get().muscle
    urls = [
        tilt.get_absolute_url(),
        muscle.get_absolute_url(),
        reverse("assessments:create", kwargs={"client_pk": client_record.pk}),
    ]
    for url in urls:
        assert "Test flexor" in page(alice, url), url
    response = admin_client.post(
        reverse("admin:imbalances_muscle_change", args=[muscle.pk]),
        muscle_admin_post(muscle, name="Test psoas"),
    )
    assert_redirected(response)
    for url in urls:
        html = page(alice, url)
        assert "Test psoas" in html and "Test flexor" not in html, url


def test_a_pattern_retired_in_the_admin_leaves_the_form_and_is_marked_retired(
    admin_client, alice, client_record, tilt
):
    """The admin's retire action reaches the cached form and pattern page."""
    form_url = reverse("assessments:create", kwargs={"client_pk": client_record.pk})
    assert 'id="pattern-test-tilt"' in page(alice, form_url)
    assert 'id="retired-note"' not in page(alice, tilt.get_absolute_url())
    response = admin_client.post(
        reverse("admin:imbalances_pattern_changelist"), {"action": "retire", "_selected_action": [tilt.pk]}
    )
    assert_redirected(response)
    assert 'id="pattern-test-tilt"' not in page(alice, form_url)
    assert 'id="retired-note"' in page(alice, tilt.get_absolute_url())


def test_a_pattern_renamed_in_the_admin_shows_in_the_client_pages_progress_panel(
    admin_client, alice, client_record, draft, tilt
):
    """The client page's assessment panel names the patterns found: a rename must reach it."""
    factories.PatternFindingFactory(assessment=draft, pattern=tilt, severity=2)
    assert "Test tilt" in page(alice, client_record.get_absolute_url())
    response = admin_client.post(
        reverse("admin:imbalances_pattern_change", args=[tilt.pk]), pattern_admin_post(tilt, name="Test lean")
    )
    assert_redirected(response)
    html = page(alice, client_record.get_absolute_url())
    assert "Test lean" in html and "Test tilt" not in html


# --- 5. A client moved to another trainer --------------------------------------------------


def test_a_client_moved_to_another_trainer_leaves_the_first_trainers_pages(
    alice, bob, admin_client, client_record, other_trainer
):
    """After the move Alice's cached dashboard and list drop Jane, her page is a 404; Bob sees her.

    The admin lists clients read-only (it refuses a change), so the move is a model save, as a
    shell or a data fix would make it.
    """
    dashboard, client_list, client_page = trainer_pages(client_record)
    for url in trainer_pages(client_record):
        assert "Jane Doe" in page(alice, url)
    for url in (dashboard, client_list):
        assert "Jane Doe" not in page(bob, url)
    change_url = reverse("admin:clients_client_change", args=[client_record.pk])
    assert admin_client.post(change_url, {"trainer": other_trainer.pk}).status_code == 403

    client_record.trainer = other_trainer
    client_record.save()

    for url in (dashboard, client_list):
        assert "Jane Doe" not in page(alice, url), url
    assert alice.get(client_page).status_code == 404
    for url in trainer_pages(client_record):
        assert "Jane Doe" in page(bob, url), url


# --- 6. Portal access ----------------------------------------------------------------------


def test_revoking_portal_access_changes_the_portal_section_of_the_client_page(alice, client_record):
    """The revoke view's change reaches the cached client page."""
    url = client_record.get_absolute_url()
    assert "Has access as jane.doe@example.com" in page(alice, url)
    assert_redirected(alice.post(reverse("clients:revoke_access", kwargs={"pk": client_record.pk})))
    alice.get(url)  # the page that shows the one-off message
    html = page(alice, url)
    assert "Access revoked." in html and "Has access as" not in html


def test_inviting_a_client_changes_the_portal_section_of_the_client_page(alice, trainer):
    """The invite view's new account reaches the cached client page."""
    maya = factories.ClientFactory(trainer=trainer, first_name="Maya", last_name="Lopez")
    url = maya.get_absolute_url()
    assert "No portal access." in page(alice, url)
    assert_redirected(alice.post(reverse("clients:invite", kwargs={"pk": maya.pk})))
    alice.get(url)  # the page that shows the one-off message
    html = page(alice, url)
    assert "Invited as maya.lopez@example.com; no password chosen yet." in html
    assert "No portal access." not in html


def test_deleting_a_portal_account_in_the_admin_changes_the_client_page(alice, admin_client, client_record):
    """The admin deleting Jane's login leaves her with no portal access, on the cached page too."""
    url = client_record.get_absolute_url()
    assert "Has access as jane.doe@example.com" in page(alice, url)
    delete_url = reverse("admin:auth_user_delete", args=[client_record.portal_user_id])
    assert_redirected(admin_client.post(delete_url, {"post": "yes"}))
    html = page(alice, url)
    assert "No portal access." in html and "Has access as" not in html


# --- 7. Renaming a trainer -----------------------------------------------------------------


def test_a_trainer_renamed_in_the_admin_shows_on_the_clients_portal_home(admin_client, jane, trainer):
    """The cached portal home's "Your trainer is ..." follows the admin's user edit."""
    assert "Your trainer is Alice Archer." in page(jane, reverse("portal:home"))
    response = admin_client.post(
        reverse("admin:auth_user_change", args=[trainer.pk]), user_admin_post(trainer, first_name="Alicia")
    )
    assert_redirected(response)
    html = page(jane, reverse("portal:home"))
    assert "Your trainer is Alicia Archer." in html and "Alice Archer" not in html


def test_a_former_trainer_renamed_in_the_admin_shows_on_the_new_trainers_client_page(
    alice, bob, admin_client, client_record, trainer, other_trainer
):
    """Jane's consent and screening were recorded by Alice; after a move Bob's page names Alice."""
    consent = profile_post(client_record, consent="on")
    assert_redirected(alice.post(reverse("clients:update", kwargs={"pk": client_record.pk}), consent))
    screening = {"screened_on": timezone.localdate().isoformat(), **ALL_NO}
    assert_redirected(alice.post(reverse("clients:screening", kwargs={"pk": client_record.pk}), screening))
    client_record.refresh_from_db()
    client_record.trainer = other_trainer
    client_record.save()
    assert "by Alice Archer" in page(bob, client_record.get_absolute_url())
    response = admin_client.post(
        reverse("admin:auth_user_change", args=[trainer.pk]), user_admin_post(trainer, first_name="Alicia")
    )
    assert_redirected(response)
    html = page(bob, client_record.get_absolute_url())
    assert "by Alicia Archer" in html and "Alice Archer" not in html


# --- 8. Served from the cache, with a working CSRF token -----------------------------------


@pytest.mark.parametrize(
    "name", ["dashboard", "client list", "client page", "assessment form", "progress", "portal", "catalogue"]
)
def test_a_second_request_is_served_from_the_cache(name, trainer, client_user, client_record, draft):
    """The same HTML but for the CSRF token, for fewer queries than rendering the page afresh."""
    user, url = {
        "dashboard": (trainer, reverse("clients:dashboard")),
        "client list": (trainer, reverse("clients:list")),
        "client page": (trainer, client_record.get_absolute_url()),
        "assessment form": (trainer, reverse("assessments:update", kwargs={"pk": draft.pk})),
        "progress": (trainer, reverse("assessments:progress", kwargs={"client_pk": client_record.pk})),
        "portal": (client_user, reverse("portal:home")),
        "catalogue": (trainer, reverse("imbalances:index")),
    }[name]
    browser = signed_in(user)
    first = page(browser, url)
    with CaptureQueriesContext(connection) as cached:
        second = page(browser, url)
    assert CSRF_INPUT.search(second), "a page with a form carries a token"
    assert without_csrf(second) == without_csrf(first)
    caches[pages.CACHE_ALIAS].clear()
    with CaptureQueriesContext(connection) as rendered:
        page(browser, url)
    assert len(cached) < len(rendered), (len(cached), len(rendered))


def test_the_csrf_token_of_a_cached_page_is_accepted(trainer, client_record):
    """A POST with the token scraped from a cached client page passes Django's CSRF check."""
    browser = signed_in(trainer, enforce_csrf_checks=True)
    archive_url = reverse("clients:archive", kwargs={"pk": client_record.pk})
    page(browser, client_record.get_absolute_url())
    cached = page(browser, client_record.get_absolute_url())
    assert browser.post(archive_url).status_code == 403, "CSRF checks are on"
    assert_redirected(browser.post(archive_url, {"csrfmiddlewaretoken": csrf_token(cached)}))
    client_record.refresh_from_db()
    assert client_record.is_archived


def test_two_sessions_get_their_own_csrf_token_in_the_same_cached_page(trainer, client_record):
    """Each session's token is swapped into the shared cached page; one's is no good to the other."""
    first, second = (signed_in(trainer, enforce_csrf_checks=True) for _ in range(2))
    url = client_record.get_absolute_url()
    first_html = page(first, url)
    with CaptureQueriesContext(connection) as queries:
        second_html = page(second, url)
    assert not any("assessments_assessment" in query["sql"] for query in queries), "served from the cache"
    assert without_csrf(first_html) == without_csrf(second_html)
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    archive_url = reverse("clients:archive", kwargs={"pk": client_record.pk})
    assert second.post(archive_url, {"csrfmiddlewaretoken": csrf_token(first_html)}).status_code == 403
    assert_redirected(second.post(archive_url, {"csrfmiddlewaretoken": csrf_token(second_html)}))


# --- 9. One-off messages -------------------------------------------------------------------


def test_the_message_after_saving_a_client_shows_once(alice, client_record):
    """The page after the redirect shows the message; the next request for it does not."""
    url = client_record.get_absolute_url()
    page(alice, url)
    response = alice.post(
        reverse("clients:update", kwargs={"pk": client_record.pk}),
        profile_post(client_record, phone="07700 900123"),
        follow=True,
    )
    assert "Jane Doe&#x27;s details were saved." in response.text
    html = page(alice, url)
    assert "07700 900123" in html and "details were saved" not in html


def test_a_message_on_an_unchanged_cached_page_shows_once(alice, trainer):
    """A message with no data change still shows on a page cached under the same stamps, once."""
    maya = factories.ClientFactory(trainer=trainer, first_name="Maya", last_name="Lopez")
    url = maya.get_absolute_url()
    page(alice, url)
    response = alice.post(reverse("clients:revoke_access", kwargs={"pk": maya.pk}), follow=True)
    assert "Maya Lopez has no portal access." in response.text
    assert "has no portal access." not in page(alice, url)


# --- 10. Trainers never see each other's pages ---------------------------------------------


def test_one_trainers_cached_client_page_is_not_served_to_another(alice, bob, client_record):
    """Bob asking for the URL of Alice's cached client page gets a 404 without Jane's details."""
    assert "Jane Doe" in page(alice, client_record.get_absolute_url())
    response = bob.get(client_record.get_absolute_url())
    assert response.status_code == 404
    assert "Jane Doe" not in response.text


def test_another_trainers_dashboard_and_list_never_show_the_first_trainers_clients(
    alice, bob, client_record, other_client_record
):
    """Right after Alice's dashboard and list are cached, Bob's show his clients only."""
    for url in trainer_pages(client_record)[:2]:
        assert "Jane Doe" in page(alice, url)
        html = page(bob, url)
        assert "Olly Other" in html and "Jane Doe" not in html
        assert "Signed in as <strong>Bob Baker</strong>" in html


def test_two_clients_of_one_trainer_each_get_their_own_portal_home(jane, trainer):
    """The portal home of two clients shares the URL and the trainer's stamp, not the page."""
    maya = factories.ClientFactory(trainer=trainer, first_name="Maya", last_name="Lopez", with_portal=True)
    assert "Hello, Jane Doe" in page(jane, reverse("portal:home"))
    html = page(signed_in(maya.portal_user), reverse("portal:home"))
    assert "Hello, Maya Lopez" in html and "Jane Doe" not in html


# --- 11. Transactions ----------------------------------------------------------------------


def test_a_bump_rolled_back_leaves_the_stamp_unchanged(trainer):
    """A stamp given inside a transaction that fails is not kept."""
    scope = trainer_scope(trainer.pk)
    before = tokens(scope)
    with pytest.raises(RuntimeError), transaction.atomic():
        bump(scope)
        assert tokens(scope) != before
        raise RuntimeError("the write fails")
    assert tokens(scope) == before


def test_a_client_edit_rolled_back_leaves_the_cached_page_in_place(alice, client_record, trainer):
    """A service's save rolled back neither changes the stamp nor the page: still from the cache."""
    url = client_record.get_absolute_url()
    scope = trainer_scope(trainer.pk)
    cached = page(alice, url)
    before = tokens(scope)
    with pytest.raises(RuntimeError), transaction.atomic():
        client_update(client=client_record, data={"first_name": "Janet"}, consent=False, by=trainer)
        raise RuntimeError("the write fails")
    assert tokens(scope) == before
    html = page(alice, url)
    assert "Jane Doe" in html and "Janet" not in html
    assert without_csrf(html) == without_csrf(cached)


# --- Concurrent writes ---------------------------------------------------------------------


def test_an_edit_committed_while_the_client_page_is_served_is_not_cached_stale(
    alice, client_record, trainer, monkeypatch
):
    """Another request's edit, committed after the view loaded the client but before the page
    cache read the stamps, must not leave the old name cached as current."""
    real_tokens = pages.tokens

    def tokens_after_a_concurrent_edit(*scopes):
        monkeypatch.setattr(pages, "tokens", real_tokens)
        other_request = Client.objects.get(pk=client_record.pk)
        client_update(client=other_request, data={"first_name": "Janet"}, consent=False, by=trainer)
        return real_tokens(*scopes)

    monkeypatch.setattr(pages, "tokens", tokens_after_a_concurrent_edit)
    page(alice, client_record.get_absolute_url())
    html = page(alice, client_record.get_absolute_url())
    assert "Janet Doe" in html and "Jane Doe" not in html


def test_a_page_with_a_query_string_is_rendered_every_time(alice, client_record):
    """Made-up queries must not fill the cache and push out the pages people use."""

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as context:
            assert "Jane Doe" in page(alice, url)
        return len(context)

    plain, searched = reverse("clients:list"), reverse("clients:list") + "?q=Jane&made-up=1"
    for url in (plain, searched):
        queries(url)
    # The plain list now comes from the cache; the searched one is read and rendered again.
    assert queries(searched) == queries(searched) > queries(plain)
