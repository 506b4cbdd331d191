"""The header's navigation is one disclosure (``<details>`` with a ``<summary>``)
holding the main links, the account link and Sign out: a menu on phones that
needs no JavaScript, every link in the page once (tests/e2e/test_header.py
checks how it looks and behaves in Chromium)."""

from __future__ import annotations

import re

from skillgap.roles import Role


def _menu(page: str) -> str:
    found = re.findall(r'<details class="nav-menu">(.*?)</details>', page, re.S)
    assert len(found) == 1, "one menu disclosure in the header"
    return found[0]


def test_the_nav_is_inside_a_disclosure_with_a_summary(client, login_as, content):
    login_as(Role.ADMIN)
    page = client.get("/courses").get_data(as_text=True)
    header = page.split("<header", 1)[1].split("</header>", 1)[0]
    menu = _menu(header)
    assert re.match(r'\s*<summary class="nav-menu-toggle">Menu</summary>', menu)
    assert '<nav aria-label="Main" class="main-nav">' in menu
    for link in ("/", "/path", "/assessments", "/courses", "/metrics", "/team", "/admin"):
        assert f'<a href="{link}"' in menu, link
    assert '<a href="/courses" aria-current="page">Courses</a>' in menu
    assert 'href="/account"' in menu and ">Sign out</button>" in menu
    assert page.count('<nav aria-label="Main"') == 1  # one nav, not a copy for phones
    assert '<details class="nav-menu" open' not in page  # closed: CSS shows it when wide


def test_the_account_link_stays_current_inside_the_menu(client, login_as):
    login_as(Role.LEARNER)
    menu = _menu(client.get("/account").get_data(as_text=True))
    assert re.search(r'<a href="/account" aria-current="page">', menu)
    assert 'href="/team"' not in menu and 'href="/admin"' not in menu


def test_signed_out_pages_have_no_menu(client):
    page = client.get("/login").get_data(as_text=True)
    assert "nav-menu" not in page and "<summary" not in page.split("</header>")[0]
