"""What several browser tests check on a page: axe-core's verdict and sideways scrolling."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
SERIOUS = {"serious", "critical"}

_axe = Axe()


def assert_accessible(page: Page) -> None:
    """No axe violation of impact serious or critical; every other one is printed."""
    # Colours measured halfway through a button's transition (just after a key press)
    # fail the contrast rule at random: let finite transitions and animations end first.
    page.evaluate(
        """() => Promise.all(document.getAnimations()
            .filter(a => a.effect.getComputedTiming().endTime !== Infinity)
            .map(a => a.finished.catch(() => null)))"""
    )
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


# A full-page capture keeps the window's height as the viewport, so a sticky bar would be
# drawn over the middle of the page; in the picture it sits where the page ends instead.
# (Through the CSSOM: the Content Security Policy blocks the <style> Playwright would add.)
_UNSTICK = """flag => document.querySelectorAll('.form-actions')
    .forEach(el => { el.style.position = flag ? 'static' : ''; })"""


def save_screenshot(page: Page, path) -> None:
    page.evaluate(_UNSTICK, True)
    page.screenshot(path=path, full_page=True)
    page.evaluate(_UNSTICK, False)
