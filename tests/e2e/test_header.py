"""The header in a real browser: on a phone (375 px) the navigation is one
"Menu" disclosure that opens by click and by keyboard and holds the account and
Sign out; at desktop width (1280 px) the links show without a click; at no
width does the header scroll sideways. Screenshots with NAV_SHOTS=folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Screenshots only when asked for: NAV_SHOTS=/tmp/nav_shots (a folder outside the checkout).
SHOTS = os.environ.get("NAV_SHOTS")
# The admin sees every link the header can hold (Team and Admin included).
PAGES = ["/", "/path", "/assessments", "/courses", "/metrics", "/team", "/admin", "/admin/audit"]
# The header does not scroll sideways, and nothing shown in it reaches past the
# window (hidden menu content is skipped: checkVisibility). Page content below
# the header is not checked here (axe and the journeys look at the pages).
NO_OVERFLOW = """() => {
  const header = document.querySelector('.site-header');
  const inside = [...header.querySelectorAll('*')].filter((el) => el.checkVisibility());
  return header.scrollWidth <= header.clientWidth
    && inside.every((el) => el.getBoundingClientRect().right <= window.innerWidth + 0.5);
}"""


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def _nav_link(page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def test_phone_menu_opens_by_click_and_keyboard(new_page):
    page = new_page(width=375, height=740)
    sign_in(page, "admin@example.com")
    for path in PAGES:
        page.goto(path)
        assert page.evaluate(NO_OVERFLOW), f"the header of {path} is wider than 375 px"
    page.goto("/courses")
    toggle = page.locator("summary.nav-menu-toggle")
    assert toggle.is_visible() and toggle.inner_text().strip() == "Menu"
    assert not _nav_link(page, "Dashboard").is_visible()
    assert not page.get_by_role("button", name="Sign out").is_visible()
    _shot(page, "phone-closed")

    toggle.click()
    for name in ("Dashboard", "My path", "Assessments", "Courses", "Metrics", "Team", "Admin"):
        assert _nav_link(page, name).is_visible(), name
    assert _nav_link(page, "Courses").get_attribute("aria-current") == "page"
    assert page.get_by_role("link", name="Ada Admin").is_visible()  # the account page
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert page.evaluate(NO_OVERFLOW)
    _shot(page, "phone-open")
    toggle.click()
    assert not _nav_link(page, "Dashboard").is_visible()

    # Keyboard only: Tab to the summary (after the skip link and the brand), Enter.
    page.goto("/metrics")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('nav-menu-toggle')")
    page.keyboard.press("Enter")
    assert _nav_link(page, "Dashboard").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Dashboard"
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    assert page.locator("h1").first.is_visible()

    # Sign out works from the menu on a phone.
    page.locator("summary.nav-menu-toggle").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")


def test_desktop_shows_the_links_without_a_click(new_page):
    page = new_page(width=1280)
    sign_in(page, "admin@example.com")
    for path in PAGES:
        page.goto(path)
        assert page.evaluate(NO_OVERFLOW), f"the header of {path} is wider than 1280 px"
    page.goto("/")
    assert not page.locator("summary.nav-menu-toggle").is_visible()
    assert page.locator("details.nav-menu").get_attribute("open") is None
    for name in ("Dashboard", "My path", "Assessments", "Courses", "Metrics", "Team", "Admin"):
        assert _nav_link(page, name).is_visible(), name
    assert _nav_link(page, "Dashboard").get_attribute("aria-current") == "page"
    assert page.get_by_role("button", name="Sign out").is_visible()
    # One row: the brand, the links and Sign out share a line.
    brand = page.locator(".brand").bounding_box()
    sign_out = page.get_by_role("button", name="Sign out").bounding_box()
    assert brand and sign_out and abs(brand["y"] - sign_out["y"]) < 20
    # Screen readers get the links too (the closed element's content is exposed).
    tree = page.get_by_role("navigation", name="Main").aria_snapshot()
    assert 'link "Dashboard"' in tree and 'link "Admin"' in tree
    # Tab goes from the brand straight to the first link (no hidden Menu stop).
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Dashboard"
    _shot(page, "desktop")
