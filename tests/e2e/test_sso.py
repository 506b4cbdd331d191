"""Single sign-on in a real browser: the demo site's sign-in page, the real
OpenID provider's own form, and back signed in; then signing out at both."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import run_axe

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_demo_learner_signs_in_with_the_provider_and_out_again(new_page, server):
    if server.sso_issuer is None:
        pytest.skip("no OpenID provider could run (tests/oidc_provider.py)")
    page = new_page()
    page.goto("/login")
    assert run_axe(page) == []
    page.get_by_role("link", name="Sign in with Test ID").click()
    page.wait_for_url(f"{server.sso_issuer}/**")
    page.fill("input[name=login]", "learner2@example.com")
    page.fill("input[name=password]", "anything: the test provider takes any")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server}/")
    assert "Sam Whitfield" in page.content() or "Sam" in page.inner_text("header")
    page.goto("/account")
    assert "learner2@example.com" in page.content()
    page.goto("/logout")
    page.click("button:has-text('Sign out')")
    page.wait_for_url("**/login")
    link = page.get_by_role("link", name="Sign out there too")
    assert link.get_attribute("href").startswith(f"{server.sso_issuer}/session/end")


def test_a_refused_sign_in_is_a_page_not_an_error(new_page, server):
    if server.sso_issuer is None:
        pytest.skip("no OpenID provider could run (tests/oidc_provider.py)")
    page = new_page()
    page.goto("/login")
    page.get_by_role("link", name="Sign in with Test ID").click()
    page.wait_for_url(f"{server.sso_issuer}/**")
    page.fill("input[name=login]", "stranger@elsewhere.org")
    page.fill("input[name=password]", "x")
    page.keyboard.press("Enter")
    page.wait_for_url("**/login/sso/test/callback**")
    assert "are not created automatically" in page.content()
    assert run_axe(page) == []
