import pytest

from tests.browser.helpers import assert_accessible

# serialized_rollback puts back the migrations' data (catalogue, trainers group) afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_login_page_loads_with_its_styles_and_no_serious_accessibility_issue(live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.get_by_role("heading", name="Sign in").is_visible()
    # Bootstrap is served from our own static files: the navbar is dark.
    background = page.locator("nav.navbar").evaluate("el => getComputedStyle(el).backgroundColor")
    assert background == "rgb(33, 37, 41)"
    assert_accessible(page)
