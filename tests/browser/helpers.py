"""What several browser tests check on a page: axe-core's verdict and sideways scrolling."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
SERIOUS = {"serious", "critical"}

_axe = Axe()


def assert_accessible(page: Page) -> None:
    """No axe violation of impact serious or critical; every other one is printed."""
    results = _axe.run(page)
    violations = results.response["violations"]
    # Shown with `pytest -rA` and on failure, so minor issues stay visible too.
    print(f"axe on {page.url}: {len(violations)} violation(s)")
    if violations:
        print(results.generate_report())
    serious = [v["id"] for v in violations if v["impact"] in SERIOUS]
    assert not serious, f"serious axe violations on {page.url}: {serious}\n{results.generate_report()}"


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def widest_elements(page: Page) -> list[str]:
    """The elements that stick out past the window's right edge, to say what to fix."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 8)
            .map(el => `${el.tagName.toLowerCase()}.${(el.getAttribute('class') || '').trim()}`
                       + ` ${Math.round(el.getBoundingClientRect().right)}px`)"""
    )
