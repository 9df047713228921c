"""Browser tests: the system Chromium driven by Playwright against the live server."""

import os
import shutil
from pathlib import Path

import pytest

from tests.assessments.conftest import catalogue  # noqa: F401  (a small catalogue of our own)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# Playwright runs an event loop in the test thread; Django refuses ORM calls there
# unless told that this synchronous use is intended.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "tests/browser/" in str(item.fspath)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    if os.environ.get("REQUIRE_BROWSER"):
        raise pytest.UsageError(
            f"Browser tests need Chromium at {CHROMIUM}; install the Debian package chromium."
        )
    skip = pytest.mark.skip(
        reason=f"no Chromium at {CHROMIUM}: install the Debian package chromium to run these"
    )
    for item in browser_items:
        item.add_marker(skip)


def pytest_report_header(config):
    return f"browser screenshots: {SCREENSHOTS}"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            # A camera that shows a test pattern, opened without asking: the in-page camera's test.
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
        ],
    }


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def sign_in(live_server, page):
    """Signs `user` in through the real login form (password from the factories)."""
    from tests.factories import PASSWORD

    def _sign_in(user) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    return _sign_in
