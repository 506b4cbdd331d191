"""A learner pauses this week in a real browser and sees the path move."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import run_axe, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_learner_pauses_a_week_and_the_path_moves(new_page, server):
    page = new_page()
    sign_in(page, "learner6@example.com")
    page.goto("/path")
    weeks_before = page.locator("h2[id^=week-]").count()
    assert weeks_before >= 1, "the demo learner has a path"
    finish_before = re.search(r"estimated finish (\d{1,2} \w\w\w \d{4})", page.inner_text("main"))
    page.get_by_role("link", name="Pause or lighten a week").click()
    page.wait_for_url("**/path/pause")
    assert run_axe(page) == []
    page.select_option("#pause-start", index=0)  # this week
    page.select_option("#pause-weeks", "1")
    page.get_by_role("button", name="Pause", exact=True).click()
    page.wait_for_url("**/path")
    text = page.inner_text("main")
    assert "Learning is paused until" in text
    assert page.locator("h2[id^=week-]").count() == weeks_before + 1
    assert "paused" in page.inner_text("#week-1")
    finish_after = re.search(r"estimated finish (\d{1,2} \w\w\w \d{4})", text)
    assert finish_before and finish_after and finish_after[1] != finish_before[1]
    assert run_axe(page) == []
