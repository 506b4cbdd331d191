"""Parsing a CSV file of users for bulk import, as pure functions (no Flask, no database).

The admin page that imports users shows every problem before anything is saved, so
this module never stops at the first bad row: it checks the whole file and returns
each row with all of its errors, plus any problems with the file as a whole. The
caller supplies what it knows from the database (existing emails, role profile
ids), which keeps these rules easy to test.

Input parsing only: values are stripped and normalised, never escaped.

Each problem is a :class:`CsvProblem`: English text (what ``str()`` and ``==`` see,
for tests and logs) that also carries its catalogue message and values, so the
page can show it in the reader's language without this module using Flask.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass

from skillgap.catalogue import N_
from skillgap.inputs import name_problem_message
from skillgap.roles import Role

REQUIRED_COLUMNS = ("email", "name")
OPTIONAL_COLUMNS = ("role", "team", "role_profile")
KNOWN_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
ROLES = tuple(role.value for role in Role)
DEFAULT_ROLE = Role.LEARNER.value
# The same limits as the users and teams columns in the database.
MAX_EMAIL = 254
MAX_NAME = 100
MAX_TEAM = 100


class CsvProblem(str):
    """A problem with the file or a row, as English text, carrying its catalogue
    message (``template``, a msgid marked with ``N_``) and named ``values``. A
    value may be a CsvProblem itself, or a tuple of words joined with commas."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> CsvProblem:
        problem = super().__new__(cls, _fill(template, values, lambda message: message))
        problem.template = template
        problem.values = values
        return problem

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The problem in the language of ``gettext`` (flask_babel.gettext on a page)."""
        return _fill(self.template, self.values, gettext)


def _fill(template: str, values: Mapping[str, object], gettext: Callable[[str], str]) -> str:
    def word(value: object) -> object:
        if isinstance(value, CsvProblem):
            return value.translated(gettext)
        if isinstance(value, tuple):
            return ", ".join(str(word(item)) for item in value)
        return value

    message = gettext(template)
    return message % {name: word(value) for name, value in values.items()} if values else message


BLANK = CsvProblem(N_("(blank)"))  # a header cell with no name


@dataclass(frozen=True)
class UserRow:
    number: int  # 1-based data row number; the header is row 0
    email: str
    name: str
    role: str
    team: str | None
    role_profile: str | None
    errors: tuple[CsvProblem, ...]

    @property
    def valid(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ParsedCsv:
    """Rows are only given when ``problems`` is empty: a file-level problem means
    the cells cannot be trusted to be in the right columns, or there is nothing to read."""

    rows: list[UserRow]
    problems: list[CsvProblem]

    @property
    def valid_rows(self) -> list[UserRow]:
        return [row for row in self.rows if row.valid]

    @property
    def invalid_rows(self) -> list[UserRow]:
        return [row for row in self.rows if not row.valid]


def parse_user_csv(
    data: bytes,
    *,
    existing_emails: set[str],
    role_profiles: Collection[str] | Mapping[str, str],
    max_rows: int = 5000,
) -> ParsedCsv:
    """``role_profiles``: the ids, or ids -> names (then a row may give either,
    the name in any case, as the interface shows it)."""
    try:
        # utf-8-sig drops the byte order mark Excel writes, and reads plain UTF-8 too.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _failed(CsvProblem(N_("the file is not UTF-8 text")))

    try:
        records = [cells for cells in _reader(text) if not _blank(cells)]
    except csv.Error as exc:  # e.g. a cell over the csv module's size limit
        return _failed(
            CsvProblem(N_("the file could not be read as CSV: %(error)s"), error=str(exc))
        )
    if not records:
        return _failed(CsvProblem(N_("the file is empty")))

    header = [cell.strip().lower() for cell in records[0]]
    problems = _header_problems(header)
    data_rows = records[1:]
    # Checked before any row, so a huge file costs no per-row work.
    if len(data_rows) > max_rows:
        problems.append(
            CsvProblem(
                N_("the file has %(count)s rows; the most allowed is %(most)s"),
                count=len(data_rows),
                most=max_rows,
            )
        )
    if problems:
        return ParsedCsv(rows=[], problems=problems)

    existing = {email.strip().lower() for email in existing_emails}
    first_row_of: dict[str, int] = {}  # email -> row it first appeared on
    rows = []
    for number, cells in enumerate(data_rows, start=1):
        row = _parse_row(number, header, cells, existing, role_profiles, first_row_of)
        rows.append(row)
    return ParsedCsv(rows=rows, problems=[])


def _failed(problem: CsvProblem) -> ParsedCsv:
    return ParsedCsv(rows=[], problems=[problem])


def _reader(text: str) -> Iterator[list[str]]:
    # Sniff the header line only: column names never contain a delimiter, whereas
    # data cells such as "Smith, Ann" can mislead the sniffer.
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=",;").delimiter
    except csv.Error:  # one column, so no delimiter to find
        delimiter = ","
    # newline="" leaves line endings to the csv module, so quoted cells may span lines.
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _blank(cells: list[str]) -> bool:
    # Spreadsheets often save empty rows as ",,,,", which is as blank as an empty line.
    return all(not cell.strip() for cell in cells)


def _header_problems(header: list[str]) -> list[CsvProblem]:
    problems = []
    missing = tuple(column for column in REQUIRED_COLUMNS if column not in header)
    if missing:
        problems.append(CsvProblem(N_("missing required columns: %(columns)s"), columns=missing))
    unknown = tuple(column or BLANK for column in header if column not in KNOWN_COLUMNS)
    if unknown:
        problems.append(CsvProblem(N_("unknown columns: %(columns)s"), columns=unknown))
    repeated = tuple(sorted({column for column in header if column and header.count(column) > 1}))
    if repeated:
        problems.append(
            CsvProblem(N_("columns given more than once: %(columns)s"), columns=repeated)
        )
    return problems


def _parse_row(
    number: int,
    header: list[str],
    cells: list[str],
    existing: set[str],
    role_profiles: Collection[str] | Mapping[str, str],
    first_row_of: dict[str, int],
) -> UserRow:
    errors: list[CsvProblem] = []
    if len(cells) != len(header):
        errors.append(
            CsvProblem(
                N_("expected %(expected)s cells, found %(found)s"),
                expected=len(header),
                found=len(cells),
            )
        )
    # A short row leaves its last columns empty; extra cells are ignored.
    raw = {column: cells[i] if i < len(cells) else "" for i, column in enumerate(header)}
    # Checked before stripping, which would silently remove a trailing newline.
    errors += [
        CsvProblem(N_("%(column)s contains control characters"), column=column)
        for column in header
        if _has_control(raw[column])
    ]

    email = raw["email"].strip().lower()
    name = raw["name"].strip()
    role = raw.get("role", "").strip().lower() or DEFAULT_ROLE
    team = raw.get("team", "").strip() or None
    if name and not _has_control(name) and (problem := name_problem_message(name)):
        errors.append(CsvProblem(N_("name: %(problem)s"), problem=CsvProblem(problem)))
    if team and not _has_control(team) and (problem := name_problem_message(team)):
        errors.append(CsvProblem(N_("team: %(problem)s"), problem=CsvProblem(problem)))
    role_profile = raw.get("role_profile", "").strip() or None

    errors += _email_errors(email, number, existing, first_row_of)
    if not name:
        errors.append(CsvProblem(N_("name is missing")))
    elif len(name) > MAX_NAME:
        errors.append(CsvProblem(N_("name is longer than %(most)s characters"), most=MAX_NAME))
    if role not in ROLES:
        errors.append(
            CsvProblem(N_("role %(role)s is not one of: %(roles)s"), role=repr(role), roles=ROLES)
        )
    if team is not None and len(team) > MAX_TEAM:
        errors.append(CsvProblem(N_("team is longer than %(most)s characters"), most=MAX_TEAM))
    if role_profile is not None:
        found = profile_id(role_profile, role_profiles)
        if found is None:
            errors.append(
                CsvProblem(
                    N_("role profile %(profile)s does not exist (use one of: %(known)s)"),
                    profile=repr(role_profile),
                    known=tuple(sorted(role_profiles)),
                )
            )
        role_profile = found

    return UserRow(number, email, name, role, team, role_profile, tuple(errors))


def profile_id(value: str, role_profiles: Collection[str] | Mapping[str, str]) -> str | None:
    """The role profile a cell names, by id or (given names) by name in any case."""
    if value in role_profiles:
        return value
    if isinstance(role_profiles, Mapping):
        by_name = {name.casefold(): pid for pid, name in role_profiles.items()}
        return by_name.get(value.casefold())
    return None


def _email_errors(
    email: str, number: int, existing: set[str], first_row_of: dict[str, int]
) -> list[CsvProblem]:
    if not email:
        return [CsvProblem(N_("email is missing"))]
    errors = []
    # The validator also rejects long addresses; checking length first gives one clear message.
    if len(email) > MAX_EMAIL:
        errors.append(CsvProblem(N_("email is longer than %(most)s characters"), most=MAX_EMAIL))
    else:
        # Imported here: only a user import needs it, and it slows start-up.
        from email_validator import EmailNotValidError, validate_email

        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError as exc:
            # The validator's reason is English only.
            errors.append(CsvProblem(N_("email is not valid: %(reason)s"), reason=str(exc)))
    if email in existing:
        errors.append(CsvProblem(N_("email already has an account")))
    if email in first_row_of:
        errors.append(CsvProblem(N_("email is also on row %(row)s"), row=first_row_of[email]))
    else:
        first_row_of[email] = number
    return errors


# The downloadable template's example people. They import as they are (on an
# example.org address nobody receives mail at), so the template proves its own
# format; an address already taken gets a number, so the rows stay importable.
TEMPLATE_PEOPLE = (
    ("ann.example", "Ann Example", Role.LEARNER),
    ("ben.example", "Ben Example", Role.MANAGER),
)
TEMPLATE_DOMAIN = "example.org"
# Cells a spreadsheet would run as a formula (as services/exports.py): such a
# team or profile name is left out of the template rather than escaped, since an
# escaped name would no longer match on import.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def template_csv(
    role_profile_names: Collection[str], team_names: Collection[str], taken_emails: Collection[str]
) -> str:
    """The import template: a header with every column the importer reads, and
    example rows that import cleanly (a real team and role profile, where any
    name is safe to write; blank otherwise)."""
    team = next((name for name in team_names if _plain(name)), "")
    profiles = [name for name in role_profile_names if _plain(name)]
    taken = {email.strip().lower() for email in taken_emails}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(KNOWN_COLUMNS)
    for index, (local, name, role) in enumerate(TEMPLATE_PEOPLE):
        email = _free_email(local, taken)
        profile = profiles[index % len(profiles)] if profiles else ""
        row = {
            "email": email,
            "name": name,
            "role": role.value,
            "team": team,
            "role_profile": profile,
        }
        writer.writerow([row[column] for column in KNOWN_COLUMNS])
    return out.getvalue()


def _plain(value: str) -> bool:
    return bool(value) and not value.startswith(_FORMULA_STARTS) and not _has_control(value)


def _free_email(local: str, taken: set[str]) -> str:
    email, number = f"{local}@{TEMPLATE_DOMAIN}", 1
    while email in taken:
        number += 1
        email = f"{local}{number}@{TEMPLATE_DOMAIN}"
    return email


def _has_control(value: str) -> bool:
    return any(char != "\t" and unicodedata.category(char) == "Cc" for char in value)
