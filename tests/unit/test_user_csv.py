"""Bulk user import: CSV parsing rules, checked row by row and message by message."""

from __future__ import annotations

import pytest

from skillgap.rules.user_csv import ParsedCsv, UserRow, parse_user_csv

PROFILES = {"social-media-manager", "content-creator"}
HEADER = "email,name,role,team,role_profile"
BOM = "\ufeff"


def parse(text: str, *, existing: set[str] | None = None, max_rows: int = 5000) -> ParsedCsv:
    return parse_user_csv(
        text.encode("utf-8"),
        existing_emails=existing or set(),
        role_profiles=PROFILES,
        max_rows=max_rows,
    )


def only_row(text: str, **kwargs) -> UserRow:
    parsed = parse(text, **kwargs)
    assert parsed.problems == []
    assert len(parsed.rows) == 1
    return parsed.rows[0]


def ten_rows(delimiter: str = ",") -> list[str]:
    return [
        delimiter.join([f"user{i}@example.com", f"User {i}", "learner", "Sales", ""])
        for i in range(1, 11)
    ]


def test_valid_file_with_bom_and_semicolons() -> None:
    lines = [" Email ; NAME;Role ;team; Role_Profile"]
    lines += [
        f"  User{i}@Example.COM ;  Person {i} ;Manager; Team {i} ;social-media-manager"
        for i in range(1, 11)
    ]
    parsed = parse(BOM + "\r\n".join(lines) + "\r\n")

    assert parsed.problems == []
    assert parsed.invalid_rows == []
    assert parsed.valid_rows == parsed.rows
    assert parsed.rows == [
        UserRow(
            number=i,
            email=f"user{i}@example.com",
            name=f"Person {i}",
            role="manager",
            team=f"Team {i}",
            role_profile="social-media-manager",
            errors=(),
        )
        for i in range(1, 11)
    ]


def test_comma_delimiter_and_columns_in_any_order() -> None:
    row = only_row("team,name,email\n,Ann Lee,ann@example.com\n")
    assert row == UserRow(1, "ann@example.com", "Ann Lee", "learner", None, None, ())


def test_quoted_cell_with_the_other_delimiter() -> None:
    row = only_row('email;name\nann@example.com;"Lee, Ann"\n')
    assert row.name == "Lee, Ann"
    assert row.valid


def test_exactly_the_three_bad_rows_are_reported() -> None:
    lines = ten_rows()
    lines[1] = "not-an-email,User 2,learner,Sales,"
    lines[4] = "user5@example.com,User 5,boss,Sales,"
    lines[8] = "USER1@example.com,User 9,learner,Sales,"
    parsed = parse("\n".join([HEADER, *lines]))

    assert parsed.problems == []
    assert len(parsed.rows) == 10
    assert [row.number for row in parsed.valid_rows] == [1, 3, 4, 6, 7, 8, 10]
    assert [row.number for row in parsed.invalid_rows] == [2, 5, 9]
    bad_email, bad_role, repeated = parsed.invalid_rows
    assert len(bad_email.errors) == 1
    assert bad_email.errors[0].startswith("email is not valid: ")
    assert bad_role.errors == ("role 'boss' is not one of: learner, manager, admin",)
    assert repeated.errors == ("email is also on row 1",)


def test_invisible_and_direction_changing_names_are_row_errors() -> None:
    parsed = parse(
        "email,name,team\n"
        "a@example.com,\u200b\u200b,Sales\n"
        "b@example.com,Ann \u202eeeL,Sales\n"
        "c@example.com,Cy,\u2066Sales\u2069\n"
        "d@example.com,D\u00e9sir\u00e9e \u674e,\u6771\u4eac\n"
    )
    assert [row.errors for row in parsed.rows] == [
        ("name: Use at least one letter or digit.",),
        ("name: Remove the text-direction characters from this field.",),
        ("team: Remove the text-direction characters from this field.",),
        (),
    ]


def test_every_later_repeat_points_at_the_first_row() -> None:
    parsed = parse("email,name\na@example.com,A\nb@example.com,B\na@example.com,C\nA@example.com,D")
    assert [row.errors for row in parsed.rows] == [
        (),
        (),
        ("email is also on row 1",),
        ("email is also on row 1",),
    ]


def test_missing_required_column() -> None:
    parsed = parse("email,role\nann@example.com,learner\n")
    assert parsed.problems == ["missing required columns: name"]
    assert parsed.rows == []


def test_unknown_column_is_named() -> None:
    parsed = parse("email,name,Phone\nann@example.com,Ann,0123\n")
    assert parsed.problems == ["unknown columns: phone"]
    assert parsed.rows == []


def test_repeated_column() -> None:
    parsed = parse("email,name,Email\nann@example.com,Ann,ann@example.com\n")
    assert parsed.problems == ["columns given more than once: email"]
    assert parsed.rows == []


def test_not_utf8() -> None:
    parsed = parse_user_csv(
        "email,name\nzoë@example.com,Zoë\n".encode("latin-1"),
        existing_emails=set(),
        role_profiles=PROFILES,
    )
    assert parsed.problems == ["the file is not UTF-8 text"]
    assert parsed.rows == []


@pytest.mark.parametrize("text", ["", BOM, "\n\n", " \r\n"])
def test_empty_file(text: str) -> None:
    parsed = parse(text)
    assert parsed.problems == ["the file is empty"]
    assert parsed.rows == []


def test_header_only_gives_no_rows_and_no_problems() -> None:
    assert parse(HEADER + "\n") == ParsedCsv(rows=[], problems=[])


def test_too_many_rows() -> None:
    text = "\n".join([HEADER, *ten_rows()])
    parsed = parse(text, max_rows=9)
    assert parsed.problems == ["the file has 10 rows; the most allowed is 9"]
    assert parsed.rows == []
    assert len(parse(text, max_rows=10).valid_rows) == 10


def test_row_with_too_few_cells() -> None:
    row = only_row(f"{HEADER}\nann@example.com,Ann,manager\n")
    assert row.errors == ("expected 5 cells, found 3",)
    assert (row.role, row.team, row.role_profile) == ("manager", None, None)


def test_row_with_too_many_cells() -> None:
    row = only_row("email,name\nann@example.com,Ann,extra\n")
    assert row.errors == ("expected 2 cells, found 3",)


def test_control_characters() -> None:
    row = only_row(f'{HEADER}\nann@example.com,"Ann\x07","learner\x00",Sales\tEast,\n')
    assert row.errors == (
        "name contains control characters",
        "role contains control characters",
        "role 'learner\\x00' is not one of: learner, manager, admin",
    )
    # A tab is allowed.
    assert row.team == "Sales\tEast"


def test_newline_inside_a_quoted_name_is_a_control_character() -> None:
    row = only_row('email,name\nann@example.com,"Ann\nLee"\n')
    assert row.errors == ("name contains control characters",)


def test_existing_account_is_matched_case_insensitively() -> None:
    row = only_row("email,name\nAnn@Example.com,Ann\n", existing={"ANN@example.com"})
    assert row.errors == ("email already has an account",)


@pytest.mark.parametrize(
    "text", ["email,name,role\nann@example.com,Ann,\n", "email,name\na@b.co,A"]
)
def test_empty_or_absent_role_defaults_to_learner(text: str) -> None:
    row = only_row(text)
    assert row.role == "learner"
    assert row.valid


def test_blank_lines_are_skipped_and_not_counted() -> None:
    text = "\n\nemail,name\n\na@example.com,A\n\n\r\n,\n , \nb@example.com,B\n\n"
    parsed = parse(text)
    assert parsed.problems == []
    assert [(row.number, row.email, row.errors) for row in parsed.rows] == [
        (1, "a@example.com", ()),
        (2, "b@example.com", ()),
    ]


@pytest.mark.parametrize(
    ("cells", "errors"),
    [
        (",Ann,,,", ("email is missing",)),
        ("ann@example.com,  ,,,", ("name is missing",)),
        ("ann@example.com," + "n" * 101 + ",,,", ("name is longer than 100 characters",)),
        ("ann@example.com," + "n" * 100 + ",,,", ()),
        ("a" * 243 + "@example.com,Ann,,,", ("email is longer than 254 characters",)),
        ("ann@example.com,Ann,," + "t" * 101 + ",", ("team is longer than 100 characters",)),
        (
            "ann@example.com,Ann,,,ceo",
            (
                "role profile 'ceo' does not exist"
                " (use one of: content-creator, social-media-manager)",
            ),
        ),
        ("ann@example.com,Ann,Admin,,content-creator", ()),
    ],
)
def test_single_cell_rules(cells: str, errors: tuple[str, ...]) -> None:
    assert only_row(f"{HEADER}\n{cells}\n").errors == errors


def test_all_errors_of_a_row_are_collected() -> None:
    row = only_row(f"{HEADER}\n,,boss,,ceo\n")
    assert row.errors == (
        "email is missing",
        "name is missing",
        "role 'boss' is not one of: learner, manager, admin",
        "role profile 'ceo' does not exist (use one of: content-creator, social-media-manager)",
    )
    assert not row.valid


def test_a_role_profile_may_be_given_by_its_id_or_its_name() -> None:
    names = {"social-media-manager": "Social media manager", "content-creator": "Content creator"}
    parsed = parse_user_csv(
        (
            f"{HEADER}\n"
            "a@example.com,A,learner,,social-media-manager\n"
            "b@example.com,B,learner,,Social media manager\n"
            "c@example.com,C,learner,,CONTENT CREATOR\n"
            "d@example.com,D,learner,,Chief vibes officer\n"
        ).encode(),
        existing_emails=set(),
        role_profiles=names,
    )
    profiles = [row.role_profile for row in parsed.rows[:3]]
    assert profiles == ["social-media-manager", "social-media-manager", "content-creator"]
    assert parsed.rows[3].errors == (
        "role profile 'Chief vibes officer' does not exist "
        "(use one of: content-creator, social-media-manager)",
    )


def test_a_problem_is_english_text_that_the_page_translates() -> None:
    """str() and == see the English (these tests, logs); ``translated`` takes a
    gettext and translates the message, a problem inside it, and a word in a list."""
    dutch = {
        "name: %(problem)s": "name: %(problem)s",
        "Use at least one letter or digit.": "Gebruik minstens één letter of cijfer.",
        "unknown columns: %(columns)s": "onbekende kolommen: %(columns)s",
        "(blank)": "(leeg)",
    }
    row = parse("email,name\na@example.com,!!\n").rows[0]
    (problem,) = row.errors
    assert problem == "name: Use at least one letter or digit."
    assert problem.template == "name: %(problem)s"
    assert problem.translated(dutch.__getitem__) == "name: Gebruik minstens één letter of cijfer."
    (header,) = parse("email,name,,phone\n").problems
    assert header == "unknown columns: (blank), phone"
    assert header.translated(dutch.__getitem__) == "onbekende kolommen: (leeg), phone"
