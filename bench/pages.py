"""The pages we hold to a budget, and their in-process timing with Django's test client."""

import statistics
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client as TestClient
from django.urls import NoReverseMatch, reverse

from bench import forms
from bench.studio import Facts

WARM_UP = 5
# A slow page must not hold the run for minutes: stop early, keeping at least MIN_SAMPLES.
WARM_UP_SECONDS = 3.0
TIMED_SECONDS = 15.0
MIN_SAMPLES = 5

# In-process median budgets, in ms, on the 2-core machine.
PAGE_MS = 12.0
POST_MS = 25.0
SIGNED_IN_MS = 2.0  # what any signed-in request costs before its view runs


@dataclass(frozen=True)
class Page:
    key: str
    url_name: str
    kwargs: dict = field(default_factory=dict)
    persona: str = "trainer"  # "trainer", "client" or "anonymous"
    method: str = "GET"
    budget_ms: float | None = PAGE_MS  # in-process median; None for the reference

    @property
    def expected_status(self) -> int:
        return 302 if self.method == "POST" else 200

    def path(self) -> str | None:
        """None while the page does not exist yet."""
        try:
            return reverse(self.url_name, kwargs=self.kwargs or None)
        except NoReverseMatch:
            return None


MINIMAL = Page("minimal view", "bench-ping", persona="anonymous", budget_ms=None)


def main_pages(facts: Facts) -> list[Page]:
    draft = facts.draft_assessment_ids[0] if facts.draft_assessment_ids else 0
    return [
        Page("signed-in minimal view", "bench-ping-signed-in", budget_ms=SIGNED_IN_MS),
        Page("dashboard", "clients:dashboard"),
        Page("client list", "clients:list"),
        Page("client page", "clients:detail", {"pk": facts.client_id}),
        Page("assessment form GET", "assessments:update", {"pk": draft}),
        Page("assessment form POST", "assessments:update", {"pk": draft}, method="POST", budget_ms=POST_MS),
        Page("progress view", "reports:progress", {"pk": facts.client_id}),
        Page("assessment page", "assessments:detail", {"pk": facts.summary_assessment_id}),
        Page("session summary", "reports:summary", {"pk": facts.summary_assessment_id}),
        Page("catalogue index", "imbalances:index", persona="anonymous"),
        Page("pattern page", "imbalances:pattern", {"slug": facts.pattern_slug}, persona="anonymous"),
        Page("portal home", "portal:home", persona="client"),
        Page("portal progress", "reports:portal_progress", persona="client"),
        Page(
            "portal summary", "reports:portal_summary", {"pk": facts.portal_assessment_id}, persona="client"
        ),
        Page("portal plan", "portal_plan:plan", persona="client"),
    ]


def persona_user(persona: str, facts: Facts):
    if persona == "anonymous":
        return None
    user_id = facts.trainer_id if persona == "trainer" else facts.portal_user_id
    return get_user_model().objects.get(pk=user_id)


def logged_in_client(persona: str, facts: Facts) -> TestClient:
    client = TestClient(raise_request_exception=False)
    user = persona_user(persona, facts)
    if user is not None:
        client.force_login(user)
    return client


def session_cookie(persona: str, facts: Facts) -> str:
    """A fresh session for the load tool, made the way the test client logs in."""
    if persona == "anonymous":
        return ""
    client = logged_in_client(persona, facts)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _post_once(client: TestClient, path: str) -> tuple[float, int]:
    """GET the form (untimed) and post it back as it is; returns (seconds, status) of the POST."""
    page = client.get(path)
    fields = forms.main_form_fields(page.content.decode(), path) if page.status_code == 200 else None
    if fields is None:
        return 0.0, page.status_code if page.status_code != 200 else 0
    body = forms.encode(fields)
    started = time.perf_counter()
    response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
    return time.perf_counter() - started, response.status_code


def measure_in_process(page: Page, facts: Facts, *, repeat: int) -> dict:
    """Median of `repeat` requests after a warm-up, through the whole middleware stack."""
    path = page.path()
    if path is None:
        return {"status": "missing", "path": None}
    client = logged_in_client(page.persona, facts)
    timings, statuses = [], {}

    def once() -> float:
        if page.method == "POST":
            seconds, status = _post_once(client, path)
        else:
            started = time.perf_counter()
            status = client.get(path).status_code
            seconds = time.perf_counter() - started
        statuses[status] = statuses.get(status, 0) + 1
        return seconds

    warm_until = time.perf_counter() + WARM_UP_SECONDS
    for _ in range(WARM_UP):
        once()
        if time.perf_counter() > warm_until:
            break
    timed_until = time.perf_counter() + TIMED_SECONDS
    while len(timings) < repeat and (len(timings) < MIN_SAMPLES or time.perf_counter() < timed_until):
        timings.append(once())
    ok = statuses.get(page.expected_status, 0)
    return {
        "status": "ok" if ok == sum(statuses.values()) else "error",
        "path": path,
        "statuses": {str(code): count for code, count in statuses.items()},
        "median_ms": statistics.median(timings) * 1000 if timings else None,
        "requests": len(timings),
    }
