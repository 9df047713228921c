import pytest
from axe_playwright_python.sync_playwright import Axe

# serialized_rollback puts back the migrations' data (catalogue, trainers group) afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_login_page_loads_with_its_styles_and_no_serious_accessibility_issue(
    live_server, page, screenshot_dir
):
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.get_by_role("heading", name="Sign in").is_visible()
    # Bootstrap is served from our own static files: the navbar is dark.
    background = page.locator("nav.navbar").evaluate("el => getComputedStyle(el).backgroundColor")
    assert background == "rgb(33, 37, 41)"
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    assert not serious, results.generate_report()
    page.screenshot(path=screenshot_dir / "login-desktop.png", full_page=True)
