"""Templates' translated words follow the language being rendered, inside one
request too: the translations kept for a request (i18n._translations) give way
when force_locale switches language (an email to a Dutch reader sent from an
English page) and come back after it, and refresh() after a language change."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale, refresh

WORDS = "{{ _('Sign out') }}"


def test_a_template_follows_force_locale_and_back_within_one_request(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(WORDS) == "Sign out"
        with force_locale("nl"):
            assert render_template_string(WORDS) == "Uitloggen"
            with force_locale("en"):
                assert render_template_string(WORDS) == "Sign out"
            assert render_template_string(WORDS) == "Uitloggen"
        assert render_template_string(WORDS) == "Sign out"


def test_a_template_follows_a_refreshed_language(app, monkeypatch):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(WORDS) == "Sign out"
        # As after a person saves another language: the selector now answers nl.
        monkeypatch.setattr(app.extensions["babel"], "locale_selector", lambda: "nl")
        refresh()
        assert render_template_string(WORDS) == "Uitloggen"
