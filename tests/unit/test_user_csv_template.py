"""The users import template (rules/user_csv.template_csv) reads back through the
importer's own parser without an error."""

from __future__ import annotations

import csv
import io

from skillgap.rules.user_csv import KNOWN_COLUMNS, parse_user_csv, template_csv

PROFILES = {"social-media-manager": "Social media manager", "analyst": "Analyst"}


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_template_parses_cleanly_with_the_names_it_was_given():
    text = template_csv(list(PROFILES.values()), ["Brand", "Growth"], taken_emails=[])
    assert text.splitlines()[0] == ",".join(KNOWN_COLUMNS)
    rows = _rows(text)
    assert [r["team"] for r in rows] == ["Brand", "Brand"]
    assert [r["role_profile"] for r in rows] == ["Social media manager", "Analyst"]
    parsed = parse_user_csv(text.encode(), existing_emails=set(), role_profiles=PROFILES)
    assert parsed.problems == [] and parsed.invalid_rows == []
    assert [r.role_profile for r in parsed.rows] == ["social-media-manager", "analyst"]
    assert [r.role for r in parsed.rows] == ["learner", "manager"]


def test_taken_addresses_get_a_number():
    taken = ["Ann.Example@example.org", "ann.example2@example.org"]
    rows = _rows(template_csv([], [], taken_emails=taken))
    assert [r["email"] for r in rows] == ["ann.example3@example.org", "ben.example@example.org"]
    parsed = parse_user_csv(
        template_csv([], [], taken).encode(), existing_emails=set(taken), role_profiles={}
    )
    assert parsed.invalid_rows == []


def test_names_a_spreadsheet_would_run_are_left_out():
    rows = _rows(template_csv(["=HYPERLINK()", "Analyst"], ["@team", "-x", "Plain"], []))
    assert [r["team"] for r in rows] == ["Plain", "Plain"]
    assert [r["role_profile"] for r in rows] == ["Analyst", "Analyst"]
    rows = _rows(template_csv(["+1"], ["=1"], []))
    assert [(r["team"], r["role_profile"]) for r in rows] == [("", ""), ("", "")]


def test_a_name_with_a_comma_or_quote_survives_the_round_trip():
    text = template_csv(['Lead, "social"'], ["Brand; EU"], [])
    parsed = parse_user_csv(
        text.encode(), existing_emails=set(), role_profiles={"lead": 'Lead, "social"'}
    )
    assert parsed.problems == [] and parsed.invalid_rows == []
    assert {r.team for r in parsed.rows} == {"Brand; EU"}
    assert {r.role_profile for r in parsed.rows} == {"lead"}
