"""Bad input to every form and query string: a clear error, never a 500, and nothing changed.

Over-long text, wrong types, dates in the year 1000 or 9999, unknown choices and
crafted POSTs (extra fields such as `trainer` or `status`, stale or negative ids,
another pattern's prefix) are sent as the owner, who could change things.
"""

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from assessments.models import Assessment
from clients.models import Client
from tests.security.urlwalk import (
    ALLOWED_TO_POST,
    REGISTRY,
    World,
    assessment_form_data,
    client_form_data,
    diff,
    screening_form_data,
    snapshot,
)

pytestmark = pytest.mark.django_db

LONG = "x" * 10_000
TOO_LONG_NAME = "N" * 81


@pytest.fixture
def alice(world):
    return world.login("trainer")


def refused(browser, path: str, data: dict, message: str, status: int = 200) -> None:
    """POST `data`; the page comes back with `message` and no row changed."""
    before = snapshot()
    response = browser.post(path, data)
    assert response.status_code == status, response.content[:500]
    assert message in response.content.decode(), f"{message!r} not on the page"
    assert diff(before, snapshot()) == []


# Client create and update


CLIENT_CASES = [
    ({"first_name": TOO_LONG_NAME}, "Ensure this value has at most 80 characters"),
    ({"first_name": ""}, "This field is required"),
    ({"email": "not-an-address"}, "Enter a valid email address"),
    ({"email": "a" * 300 + "@example.com"}, "Ensure this value has at most"),
    ({"phone": "9" * 41}, "Ensure this value has at most 40 characters"),
    ({"date_of_birth": "1000-01-01"}, "dates before 1900 are not accepted"),
    ({"date_of_birth": "9999-12-31"}, "cannot be in the future"),
    ({"date_of_birth": "9999-99-99"}, "Enter a valid date"),
    ({"date_of_birth": "yesterday"}, "Enter a valid date"),
    ({"date_of_birth": "0"}, "Enter a valid date"),
]


@pytest.mark.parametrize(("bad", "message"), CLIENT_CASES)
def test_a_bad_new_client_is_refused_with_a_message(alice, bad, message):
    refused(alice, reverse("clients:create"), client_form_data(**bad), message)


@pytest.mark.parametrize(("bad", "message"), CLIENT_CASES)
def test_a_bad_client_edit_is_refused_with_a_message(world, alice, bad, message):
    refused(
        alice, reverse("clients:update", kwargs={"pk": world.client.pk}), client_form_data(**bad), message
    )


def test_crafted_owner_and_flags_on_a_new_client_are_ignored(world, alice):
    crafted = client_form_data(
        trainer=str(world.users["other_trainer"].pk),
        portal_user=str(world.users["other_client"].pk),
        is_archived="on",
        consent_recorded_by=str(world.users["other_trainer"].pk),
        created_at="2000-01-01T00:00:00Z",
    )
    response = alice.post(reverse("clients:create"), crafted)
    assert response.status_code == 302
    created = Client.objects.get(first_name="Mallory")
    assert created.trainer == world.users["trainer"]
    assert created.portal_user is None
    assert created.is_archived is False
    assert created.consent_recorded_by == world.users["trainer"]
    assert created.created_at.year == timezone.now().year


def test_a_crafted_owner_on_a_client_edit_is_ignored(world, alice):
    path = reverse("clients:update", kwargs={"pk": world.client.pk})
    portal_user = world.client.portal_user
    crafted = client_form_data(trainer=str(world.users["other_trainer"].pk), portal_user="", is_archived="on")
    assert alice.post(path, crafted).status_code == 302
    world.client.refresh_from_db()
    assert world.client.trainer == world.users["trainer"]
    assert world.client.portal_user == portal_user
    assert world.client.is_archived is False


# Screening


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"screened_on": "1000-01-01"}, "Please check the year of the screening date"),
        ({"screened_on": "9999-12-31"}, "cannot be in the future"),
        ({"screened_on": "9999-99-99"}, "Enter a valid date"),
        ({"screened_on": ""}, "This field is required"),
        ({"chest_pain": "maybe"}, "Select a valid choice"),
        ({"chest_pain": ""}, "This field is required"),
        ({"heart_condition": LONG}, "Select a valid choice"),
        ({"chest_pain_details": LONG}, "Ensure this value has at most 1000 characters"),
        ({"chest_pain_details": ""}, "Tell us more about this yes answer"),
        ({"notes": LONG}, "Ensure this value has at most 2000 characters"),
        ({"confirmed_name": "Mallory Intruder"}, "not the name on the client&#x27;s record"),
        ({"confirmed_name": LONG}, "Ensure this value has at most 161 characters"),
        ({"confirmed_on": "9999-99-99"}, "Enter a valid date"),
        ({"all_no": "on"}, "7 answers are yes"),
    ],
)
def test_a_bad_screening_is_refused_with_a_message(world, alice, bad, message):
    path = reverse("clients:screening", kwargs={"pk": world.client.pk})
    refused(alice, path, screening_form_data(**bad), message)


def test_a_crafted_recorder_or_client_on_a_screening_is_ignored(world, alice):
    path = reverse("clients:screening", kwargs={"pk": world.client.pk})
    crafted = screening_form_data(client=str(world.other_client.pk), recorded_by=str(world.users["admin"].pk))
    theirs = list(world.other_client.screenings.values_list("pk", flat=True))
    assert alice.post(path, crafted).status_code == 302
    screening = world.client.screenings.order_by("-pk").first()
    assert screening.recorded_by == world.users["trainer"]
    assert list(world.other_client.screenings.values_list("pk", flat=True)) == theirs


# Assessment create and update


def assessment_cases(world: World) -> list[tuple[dict, str]]:
    p, lateral = world.pattern.pk, world.lateral_pattern.pk
    return [
        ({"session_date": "1000-01-01"}, "Please check the year of the session date"),
        ({"session_date": "9999-12-31"}, "cannot be in the future"),
        ({"session_date": "9999-99-99"}, "Enter a valid date"),
        ({"session_date": LONG}, "Enter a valid date"),
        ({"pain_score": "11"}, "Ensure this value is less than or equal to 10"),
        ({"pain_score": "-1"}, "Ensure this value is greater than or equal to 0"),
        ({"pain_score": "seven"}, "Enter a whole number"),
        ({"pain_score": "1e400"}, "Enter a whole number"),
        # The version is a hidden field nobody types: the page says nothing was saved.
        ({"version": "abc"}, "Nothing was saved yet"),
        ({f"p{p}-severity": "7"}, "Select a valid choice"),
        ({f"p{p}-severity": "-1"}, "Select a valid choice"),
        ({f"p{p}-severity": "severe"}, "Select a valid choice"),
        ({f"p{p}-note": "n" * 501}, "Ensure this value has at most 500 characters"),
        ({f"p{p}-side": "left"}, "has no side; leave the side out"),
        ({f"p{p}-m{world.link.pk}-role": "hyper-active"}, "Select a valid choice"),
        ({f"p{p}-m{world.link.pk}-side": "up"}, "Select a valid choice"),
        ({f"p{lateral}-severity": "2"}, "Choose the side this pattern was seen on"),
        ({f"p{lateral}-severity": "2", f"p{lateral}-side": "middle"}, "Select a valid choice"),
    ]


def test_a_bad_new_assessment_is_refused_with_a_message(world, alice):
    path = reverse("assessments:create", kwargs={"client_pk": world.client.pk})
    for bad, message in assessment_cases(world):
        refused(alice, path, assessment_form_data(world, **bad), message)


def test_a_bad_assessment_edit_is_refused_with_a_message(world, alice):
    path = reverse("assessments:update", kwargs={"pk": world.draft.pk})
    for bad, message in assessment_cases(world):
        refused(alice, path, assessment_form_data(world, world.draft, **bad), message)


def test_crafted_fields_on_an_assessment_are_ignored(world, alice):
    """Status, owner, client, a retired pattern, another form's prefix and negative ids."""
    path = reverse("assessments:update", kwargs={"pk": world.draft.pk})
    retired = world.retired_pattern.pk
    crafted = assessment_form_data(
        world,
        world.draft,
        status="final",
        trainer=str(world.users["other_trainer"].pk),
        client=str(world.other_client.pk),
        finalised_at="2000-01-01T00:00:00Z",
        **{
            f"p{retired}-severity": "3",
            "p-1-severity": "3",
            "p0-severity": "3",
            f"p{world.pattern.pk}-m-5-confirmed": "on",
            f"p{world.pattern.pk}-m999999-confirmed": "on",
        },
    )
    response = alice.post(path, crafted)
    assert response.status_code == 302
    draft = Assessment.objects.get(pk=world.draft.pk)
    assert (draft.status, draft.trainer, draft.client, draft.finalised_at) == (
        "draft",
        world.users["trainer"],
        world.client,
        None,
    )
    assert [f.pattern_id for f in draft.pattern_findings.all()] == [world.pattern.pk]
    assert [(f.muscle_id, f.pattern_id) for f in draft.muscle_findings.all()] == [
        (world.muscle.pk, world.pattern.pk)
    ]


def test_a_save_from_a_stale_or_negative_version_changes_nothing(world, alice):
    path = reverse("assessments:update", kwargs={"pk": world.draft.pk})
    refused(alice, path, assessment_form_data(world, world.draft, version="-3"), "Nothing was saved yet")
    world.draft.version = 5
    world.draft.save(update_fields=["version"])
    before = snapshot()
    response = alice.post(path, assessment_form_data(world, version="2"))
    assert response.status_code == 409
    assert "changed" in response.content.decode()
    assert diff(before, snapshot()) == []


def test_finalising_with_a_garbage_version_is_handled(world, alice):
    path = reverse("assessments:finalise", kwargs={"pk": world.draft.pk})
    for version in ("abc", "-1", LONG, ""):
        response = alice.post(path, {"version": version})
        assert response.status_code == 302
        Assessment.objects.filter(pk=world.draft.pk).update(status="draft", finalised_at=None)


# Erasure confirmation


@pytest.mark.parametrize("typed", ["", "Someone Else", LONG, "Jane"])
def test_erasure_needs_the_clients_exact_name(world, alice, typed):
    path = reverse("security:client_erase", kwargs={"client_pk": world.client.pk})
    message = (
        "This field is required" if not typed else "Ensure this value has at most" if typed == LONG else ""
    )
    message = message or "not the client&#x27;s full name"
    refused(alice, path, {"full_name": typed}, message, status=400)


# Query strings: report periods, catalogue and client search, pages


PERIODS = [
    {"start": "garbage", "end": "9999-99-99"},
    {"start": "2025-02-30"},
    {"end": LONG},
    {"start": "2025-06-01", "end": "2025-01-01"},
]


@pytest.mark.parametrize("query", PERIODS)
def test_a_bad_report_period_on_a_page_shows_the_error_by_the_field(world, alice, query):
    response = alice.get(reverse("reports:progress", kwargs={"pk": world.client.pk}), query)
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()


@pytest.mark.parametrize("query", PERIODS)
def test_a_bad_report_period_for_a_pdf_is_a_400(world, alice, query):
    response = alice.get(reverse("reports:progress_pdf", kwargs={"pk": world.client.pk}), query)
    assert response.status_code == 400
    assert b"Invalid report period" in response.content


@pytest.mark.parametrize("query", [{"start": "1000-01-01", "end": "9999-12-31"}, {"drafts": LONG}])
def test_an_extreme_but_valid_period_still_renders(world, alice, query):
    response = alice.get(reverse("reports:progress", kwargs={"pk": world.client.pk}), query)
    assert response.status_code == 200
    assert world.client.full_name in response.content.decode()


def test_a_ten_thousand_character_catalogue_search_is_cut_short(client, world):
    response = client.get(reverse("imbalances:index"), {"q": LONG})
    assert response.status_code == 200
    assert response.context["query"] == "x" * 100


def test_a_ten_thousand_character_client_search_is_cut_short(world, alice):
    response = alice.get(reverse("clients:list"), {"q": LONG, "archived": LONG})
    assert response.status_code == 200
    assert response.context["q"] == "x" * 100


@pytest.mark.parametrize("page", ["garbage", "-1", "99999", "1" * 400])
def test_a_bad_page_number_is_a_404_not_a_crash(world, alice, page):
    assert alice.get(reverse("clients:list"), {"page": page}).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/clients/abc/",
        "/clients/-1/",
        "/clients/99999999999999999999999/",
        "/assessments/99999999999999999999/",
    ],
)
def test_wrong_types_and_huge_ids_in_urls_are_404(alice, world, path):
    assert alice.get(path).status_code == 404


# Accounts


def test_a_ten_thousand_character_login_is_refused_plainly(client, world):
    before = snapshot()
    response = client.post(reverse("login"), {"username": LONG, "password": LONG})
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert diff(before, snapshot()) == []


def test_a_bad_password_reset_address_is_refused_plainly(client, world):
    response = client.post(reverse("password_reset"), {"email": "not-an-address"})
    assert response.status_code == 200
    assert "Enter a valid email address" in response.content.decode()


@pytest.mark.parametrize("token", ["bad-token", "x" * 300])
def test_a_forged_invitation_link_sets_no_password(client, world, token):
    from tests.security.urlwalk import reset_link_kwargs

    kwargs = {**reset_link_kwargs(world.users["client"]), "token": token}
    before = snapshot()
    response = client.get(reverse("portal:set_password", kwargs=kwargs))
    assert response.status_code == 200
    assert response.context["validlink"] is False
    client.post(
        reverse("portal:set_password", kwargs=kwargs),
        {"new_password1": "Xy7!long-pass", "new_password2": "Xy7!long-pass"},
    )
    assert diff(before, snapshot()) == []


# NUL and other control characters in every parameter of every URL

# PostgreSQL refuses a NUL in text outright; the other control characters are stored as typed.
CONTROL_VALUES = ["Jane\x00Doe", "\x00", "Ja\x01\x08\x0b\x1b\x7fne"]
# Parameters some page reads from its query string without offering them in a form or a link.
KNOWN_GET_PARAMETERS = {"q", "page", "start", "end", "drafts", "archived", "next"}
# The persona who may use each kind of page, so that the request reaches the form or the query.
USER_OF_KIND = {
    kind: next(p for p in ("anonymous", "trainer", "client", "admin") if p in allowed)
    for kind, allowed in ALLOWED_TO_POST.items()
}


class _Fields(HTMLParser):
    """The input names of a page's forms that send to the page itself, by method, and the
    query names of its links."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.method: str | None = None
        self.names: dict[str, set[str]] = {"get": set(), "post": set()}
        self.link_parameters: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            sends_here = urlsplit(attributes.get("action") or "").path in ("", self.path)
            self.method = (attributes.get("method") or "get").lower() if sends_here else None
        elif tag in ("input", "select", "textarea", "button") and self.method and attributes.get("name"):
            self.names.setdefault(self.method, set()).add(attributes["name"])
        elif tag == "a" and "?" in (attributes.get("href") or ""):
            self.link_parameters.update(parse_qs(urlsplit(attributes["href"]).query, keep_blank_values=True))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.method = None


def page_fields(response, path: str) -> _Fields:
    parser = _Fields(path)
    if response.get("Content-Type", "").startswith("text/html"):
        parser.feed(response.content.decode())
    return parser


def saved_controls() -> list[str]:
    """Every stored value that holds a NUL."""
    return [
        f"{label}.{name}"
        for label, rows in snapshot().items()
        for row in rows
        for name, value in row.items()
        if isinstance(value, str) and "\x00" in value
    ]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_control_characters_in_any_parameter_are_refused_plainly(world, name):
    """Each query parameter and each posted field in turn holds a NUL or another control
    character, sent by the persona who may use the page: never a 500, nothing stored with a NUL."""
    entry = REGISTRY[name]
    try:
        path = reverse(name, kwargs=entry.kwargs(world))
    except NoReverseMatch:
        pytest.skip(f"{name} is not in this project yet")
    browser = world.login(USER_OF_KIND[entry.kind])
    page = browser.get(path, follow=True)
    assert page.status_code < 500
    # A link that moves on (an e-mailed token to its set-password form) is posted where it lands.
    target = page.request["PATH_INFO"]
    fields = page_fields(page, target)
    failures = []
    get_names = KNOWN_GET_PARAMETERS | fields.names["get"] | fields.link_parameters
    for parameter in sorted(get_names):
        for value in CONTROL_VALUES:
            status = browser.get(path, {parameter: value}).status_code
            if status >= 500:
                failures.append(f"GET ?{parameter}={value!r}: {status}")
    base = entry.post(world)
    post_names = (set(base) | fields.names["post"]) - {"csrfmiddlewaretoken"}
    for field_name in sorted(post_names):
        for value in CONTROL_VALUES:
            status = browser.post(target, {**base, field_name: value}).status_code
            if status >= 500:
                failures.append(f"POST {field_name}={value!r}: {status}")
    assert not failures, f"{target}:\n" + "\n".join(failures)
    assert saved_controls() == []


@pytest.mark.parametrize("value", ["\x00", "Jane\x00Doe"])
def test_a_nul_in_any_search_box_is_refused_plainly(world, value):
    """Our search boxes say why by the box and search nothing; each admin list's search (as
    the studio admin) answers without a 500 too."""
    searches = [
        (world.login("trainer"), reverse("clients:list"), 'id="client-search-error">'),
        (world.login("anonymous"), reverse("imbalances:index"), 'id="catalogue-q-error">'),
    ]
    admin_browser = world.login("admin")
    searches += [
        (admin_browser, reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"), "")
        for model in apps.get_models()
        if admin.site.is_registered(model)
    ]
    failures = []
    for browser, url, error_at in searches:
        response = browser.get(url, {"q": value})
        if response.status_code >= 500:
            failures.append(f"{url}: {response.status_code}")
        elif error_at and f"{error_at}Null characters are not allowed." not in response.content.decode():
            failures.append(f"{url}: no error by the search box")
    assert not failures, "\n".join(failures)
