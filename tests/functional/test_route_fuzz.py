"""Route fuzzer: every rule of the URL map, as every kind of viewer, with bad
values in each path parameter, each query parameter a view reads and each
field of each POST form. No answer may be a server error (status 500 or up,
or an exception out of the app), and a refused POST (any 4xx, a 422 re-render
included) must leave every table as it was.

Form fields come from the forms the viewer is shown (the GET pages at their
sample values and the pages those link to) and from what the view reads of
``request.form``; query parameters from what the view reads of
``request.args`` / ``request.values``, from the GET forms, and ``q``,
``page``, ``skill`` and ``next`` everywhere. Each bad value is tried alone,
everything else at its sample value (the cross product would be millions of
requests). A viewer the route refuses outright (sign-in, 403, 404 at the
sample values) gets each bad value in all query parameters and all form fields
at once: the refusal comes before any of them is read.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import inspect
import io
import itertools
import re
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask
from sqlalchemy import inspect as inspect_db
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule

from skillgap import clock
from skillgap.db import database
from skillgap.models import Quiz, User
from skillgap.roles import Role
from skillgap.services import api_tokens, assessments, catalogue, invitations
from tests import factories
from tests.conftest import TEST_PASSWORD, csrf_token, login, reread
from tests.functional import test_access

org = test_access.org  # a manager, their team and member, another team, an admin

# About a dozen bad values, each tried in every parameter.
CORPUS: list[tuple[str, str]] = [
    ("10**25", str(10**25)),
    ("negative", "-1"),
    ("zero", "0"),
    ("NUL", "\x00"),
    ("control characters", "\x07\x1b[31m\r\nX-Injected: 1"),
    ("bidi override", "\u202eevil\u202c"),
    ("non-Latin-1", "社交チーム"),
    ("10,000 characters", "9" * 10_000),
    ("wrong type", "abc"),
    ("empty", ""),
    ("superscript digit", "²"),  # str.isdigit() says yes, int() says no
    ("SQL and wildcards", '%\' OR "1"="1" --*'),
]
NOT_UTF8 = ("not UTF-8", b"\xff\xfe\xfa\x00")  # file fields also get bytes no text is
ALWAYS_QUERY = ("q", "page", "skill", "next")
ARGS_READ = re.compile(
    r"request\.(?:args|values)\.get\(\s*\"([^\"]+)\"|number_arg\(\s*request\.args,\s*\"([^\"]+)\""
)
FORM_READ = re.compile(
    r"request\.(?:form|values)\.get\(\s*\"([^\"]+)\"|number_arg\(\s*request\.form,\s*\"([^\"]+)\""
)
# Viewer -> their key in the org fixture (None: not signed in).
VIEWERS: dict[str, object] = {
    "anonymous": None,
    "learner": Role.LEARNER,
    "manager of another team": "other_manager",
    "manager of the team": Role.MANAGER,
    "admin": Role.ADMIN,
}
# Routes that sign the viewer in or out: fuzzed last, in this order; the viewer
# starts afresh (signed in again) after any POST to them that was not refused.
SIGN_IN_OR_OUT = ("auth.login", "auth.invitation", "auth.change_password", "auth.logout")
# What a refused request writes on purpose, by route: the digest leaves out
# these columns, and only around these routes.
REFUSED_WRITES = {
    # A failed sign-in is counted against the account (which is locked at the
    # limit) although the answer is a 422: that is the brute-force protection.
    "auth.login": frozenset({"users.failed_logins", "users.locked_until"}),
    # A wrong current password counts like a failed sign-in; at the limit the
    # account is locked and its sessions end (session_version goes up).
    "auth.change_password": frozenset(
        {"users.failed_logins", "users.locked_until", "users.session_version"}
    ),
}
REFUSED = (401, 403, 404)
SIGN_IN_EMAIL = "sign-in-fuzz@example.net"  # the sign-in form's sample: failures lock only them
INVITED_EMAIL = "invited-fuzz@example.net"
_unique = itertools.count(1)


@dataclass
class FormFields:
    """A form's fields in page order: name -> input type, and the values a browser sends."""

    kinds: dict[str, str] = field(default_factory=dict)
    samples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, kind: str, value: str | None = None) -> None:
        self.kinds.setdefault(name, kind)
        values = self.samples.setdefault(name, [])
        if value is not None and not (values and kind in ("submit", "radio")):
            values.append(value)  # of the buttons or checked radios sharing a name, one


class PageParser(HTMLParser):
    """The forms of a page, as (method, action or JS target, FormFields), and its links."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[tuple[str, str, FormFields]] = []
        self.links: list[str] = []
        self._form: FormFields | None = None
        self._select: tuple[str, bool, list[str]] | None = None  # name, multiple?, options
        self._textarea: tuple[str, list[str]] | None = None  # name, its text

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = {key: value or "" for key, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = FormFields()
            method = a.get("method", "get").upper()
            for target in (a.get("action") or self.page, a.get("data-preview")):
                if target:  # the editor's live preview posts the same form
                    self.forms.append((method, target, self._form))
        elif self._form is None:
            return
        elif tag == "option" and self._select is not None:
            self._select[2].append(a.get("value", ""))
            if "selected" in a:
                self._form.samples[self._select[0]].append(a.get("value", ""))
        elif tag == "select" and a.get("name"):
            self._form.add(a["name"], "select")
            self._select = (a["name"], "multiple" in a, [])
        elif tag == "textarea" and a.get("name"):
            self._textarea = (a["name"], [])
        elif tag in ("input", "button") and a.get("name"):
            kind = a.get("type", "submit" if tag == "button" else "text").lower()
            if kind in ("checkbox", "radio"):  # sent only when checked
                self._form.add(a["name"], kind, a.get("value", "on") if "checked" in a else None)
            else:
                self._form.add(a["name"], kind, None if kind == "file" else a.get("value", ""))

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if self._form is None:
            return
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            name, multiple, options = self._select
            if not self._form.samples[name] and options and not multiple:
                self._form.samples[name].append(options[0])  # what a browser sends
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.add(self._textarea[0], "textarea", "".join(self._textarea[1]))
            self._textarea = None


@functools.cache
def _module_functions(module_name: str) -> tuple[str, dict[str, ast.FunctionDef]]:
    source = inspect.getsource(sys.modules[module_name])
    tree = ast.parse(source)
    return source, {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def view_reads(view: Callable, pattern: re.Pattern[str]) -> set[str]:
    """The parameter names a view reads (``pattern``), in its code and in the
    functions of its module that it calls."""
    view = inspect.unwrap(view)
    source, functions = _module_functions(view.__module__)
    todo, seen = [view.__name__], set()
    while todo:
        name = todo.pop()
        if name in functions and name not in seen:
            seen.add(name)
            todo += [n.id for n in ast.walk(functions[name]) if isinstance(n, ast.Name)]
    code = "\n".join(ast.get_source_segment(source, functions[name]) or "" for name in seen)
    return {a or b for a, b in pattern.findall(code)}


def _summary(error: BaseException) -> str:
    """The exception, and the deepest frame of the app's code it came through."""
    message = f"{type(error).__name__}: {(str(error).splitlines() or [''])[0][:200]}"
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/skillgap/" in f.filename]
    if not frames:
        return message
    return f"{message} at {Path(frames[-1].filename).name}:{frames[-1].lineno} ({frames[-1].name})"


def _to_sign_in(response) -> bool:  # type: ignore[no-untyped-def]
    location = urlsplit(response.headers.get("Location", ""))
    return response.status_code == 302 and location.path == "/login"


class Viewer:
    """One kind of viewer: a test client, signed in as their user (if any)."""

    def __init__(self, app: Flask, name: str, user: User | None) -> None:
        self.app, self.name = app, name
        self.email = user.email if user else None
        self.user_id = user.id if user else None
        self.start()

    def start(self) -> None:
        """A fresh client, signed in; an account the fuzz locked (ten wrong current
        passwords) is unlocked first."""
        self.client = self.app.test_client()
        if self.email is not None and login(self.client, self.email).status_code != 302:
            with database(self.app).engine.begin() as connection:
                connection.execute(
                    update(User)
                    .where(User.id == self.user_id)
                    .values(failed_logins=0, locked_until=None)
                )
            assert login(self.client, self.email).status_code == 302, self.name
        self.token = csrf_token(self.client, "/login")


class Digest:
    """A hash of every row of every table; recomputed only when the database
    says something was committed since (the same hash otherwise, by definition)."""

    def __init__(self, app: Flask) -> None:
        engine = database(app).engine
        self.tables = sorted(inspect_db(engine).get_table_names())
        self.sqlite = engine.dialect.name == "sqlite"
        self.connection = engine.raw_connection()  # the driver's own: much faster
        self.known: dict[frozenset[str], tuple[object, str]] = {}

    def _query(self, sql: str) -> tuple[list[str], list[tuple]]:
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql)
            return [column[0] for column in cursor.description], cursor.fetchall()
        finally:
            cursor.close()
            self.connection.rollback()  # the next query sees what is committed by then

    def _stamp(self) -> object:
        # Changes whenever another connection commits a write (SQLite), or when
        # anything is written at all (PostgreSQL's write-ahead log position).
        sql = "PRAGMA data_version" if self.sqlite else "SELECT pg_current_wal_lsn()"
        return self._query(sql)[1][0][0]

    def __call__(self, excluded: frozenset[str] = frozenset()) -> str:
        stamp = self._stamp()
        if excluded in self.known and self.known[excluded][0] == stamp:
            return self.known[excluded][1]
        digest = hashlib.sha256()
        for table in self.tables:
            names, rows = self._query(f'SELECT * FROM "{table}"')
            keep = [i for i, name in enumerate(names) if f"{table}.{name}" not in excluded]
            digest.update(table.encode())
            for row in sorted(repr([row[i] for i in keep]) for row in rows):
                digest.update(row.encode())
        self.known[excluded] = (stamp, digest.hexdigest())
        return self.known[excluded][1]

    def close(self) -> None:
        self.connection.close()


class Fuzz:
    def __init__(self, app: Flask, sample_paths: dict[str, str]) -> None:
        self.app = app
        self.digest = Digest(app)
        self.adapter = app.url_map.bind("localhost")
        self.rules = sorted(app.url_map.iter_rules(), key=self._order)
        self.sample_paths = sample_paths
        self.samples = {  # each route's path arguments at their sample values
            rule.endpoint: self.adapter.match(sample_paths[rule.endpoint], _methods(rule)[0])[1]
            for rule in self.rules
        }
        self.requests = 0
        self.server_errors: list[str] = []
        self.changed: list[str] = []  # refused, and yet the data changed
        self.forms: dict[str, dict[str, FormFields]] = {}  # viewer -> endpoint -> form
        self.get_forms: dict[str, set[str]] = {}  # endpoint -> query names of its GET forms
        self.on_success: dict[str, Callable[[], None]] = {}

    @staticmethod
    def _order(rule: Rule) -> tuple[int, str, str]:
        last = SIGN_IN_OR_OUT.index(rule.endpoint) + 1 if rule.endpoint in SIGN_IN_OR_OUT else 0
        return (last, rule.endpoint, rule.rule)

    def send(self, viewer: Viewer, endpoint: str, method: str, url: str, what: str, **kwargs):
        """Send, check, and keep the viewer signed in: if a request finds them
        signed out (by a lock earlier), sign in again and send it once more."""
        excluded = REFUSED_WRITES.get(endpoint, frozenset())
        for again in (False, True):
            before = self.digest(excluded) if method == "POST" else None
            self.requests += 1
            where = f"{method} {endpoint} as {viewer.name}: {what}"
            try:
                response = viewer.client.open(url, method=method, **kwargs)
            except Exception as error:  # what a browser would get as a 500
                self.server_errors.append(f"{where} -> {_summary(error)}")
                viewer.start()
                return None
            status = response.status_code
            if status >= 500:
                self.server_errors.append(f"{where} -> {status}")
            if before is not None and 400 <= status < 500 and self.digest(excluded) != before:
                self.changed.append(f"{where} -> {status}, and the data changed")
            signed_out = _to_sign_in(response) and "next=" in response.headers["Location"]
            if viewer.email and signed_out and not again:
                viewer.start()
                continue
            # (A signed-in viewer's POST /login is only sent on to their dashboard.)
            if method == "POST" and endpoint in SIGN_IN_OR_OUT and status < 400:
                if endpoint != "auth.login" or viewer.email is None:
                    viewer.start()
                if endpoint in self.on_success:
                    self.on_success[endpoint]()
            return response
        return None

    def url(self, rule: Rule, values: dict[str, object]) -> str:
        def value(match: re.Match[str]) -> str:
            return quote(str(values[match.group(1)]), safe="")

        return re.sub(r"<(?:[^<>:]+:)?(\w+)>", value, rule.rule)

    def discover(self, viewer: Viewer) -> None:
        """Open every GET route at its sample values, and the pages those link to;
        keep the forms found there (their fields and the values a browser sends)."""
        forms: dict[str, FormFields] = {}
        seen: set[str] = set()
        pages = [self.sample_paths[r.endpoint] for r in self.rules if "GET" in _methods(r)]
        for depth in (0, 1):
            linked = []
            for page in pages:
                if page in seen or page.startswith("/static/"):
                    continue
                seen.add(page)
                response = self.send(viewer, "(crawl)", "GET", page, f"crawl {page}")
                if response is None or response.mimetype != "text/html":  # a CSV, an XLSX
                    continue
                parser = PageParser(page)
                parser.feed(response.get_data(as_text=True))
                linked += [urlsplit(href).path for href in parser.links if href.startswith("/")]
                for method, target, fields in parser.forms:
                    endpoint = self._endpoint(urlsplit(target).path, method)
                    if endpoint and method == "POST":
                        forms.setdefault(endpoint, fields)
                    elif endpoint:
                        self.get_forms.setdefault(endpoint, set()).update(fields.kinds)
            if depth == 0:
                pages = linked
        self.forms[viewer.name] = forms

    def _endpoint(self, path: str, method: str) -> str | None:
        try:
            return self.adapter.match(path, method=method)[0]
        except HTTPException:
            return None

    def form_of(self, viewer: Viewer, endpoint: str) -> FormFields:
        """The viewer's own form for the route, else another viewer's (the CSRF token
        is always the viewer's own), and the fields the view reads of request.form."""
        found = self.forms[viewer.name].get(endpoint) or next(
            (forms[endpoint] for forms in self.forms.values() if endpoint in forms), FormFields()
        )
        fields = FormFields(dict(found.kinds), {k: list(v) for k, v in found.samples.items()})
        for name in sorted(view_reads(self.app.view_functions[endpoint], FORM_READ)):
            fields.add(name, "read")  # not on the page: not sent unless fuzzed
        fields.add("csrf_token", "hidden")
        return fields

    def query_names(self, endpoint: str, method: str) -> list[str]:
        names = view_reads(self.app.view_functions[endpoint], ARGS_READ)
        if method == "GET":
            names |= set(ALWAYS_QUERY) | self.get_forms.get(endpoint, set())
        return sorted(names - {"csrf_token"})

    def form_data(self, viewer: Viewer, endpoint: str, form: FormFields, bad: dict) -> MultiDict:
        """The form as a browser would send it, with ``bad`` (name -> values) put in."""
        data: MultiDict = MultiDict()
        for name, kind in form.kinds.items():
            values = bad.get(name) or self._sample(viewer, endpoint, name, kind, form.samples[name])
            for value in values:
                if kind == "file":
                    raw = value if isinstance(value, bytes) else value.encode()
                    data.add(name, (io.BytesIO(raw), "fuzz.txt"))
                else:
                    data.add(name, value)
        return data

    @staticmethod
    def _sample(viewer: Viewer, endpoint: str, name: str, kind: str, values: list[str]):
        if name == "csrf_token":
            return [viewer.token]
        if any(values) or kind not in ("email", "password", "text", "search"):
            return values
        # An empty field gets a plausible value, so that a bad value elsewhere is
        # not refused merely because this one is missing.
        if kind == "email":
            return [SIGN_IN_EMAIL if endpoint == "auth.login" else f"fuzz{next(_unique)}@ex.net"]
        if kind == "password":
            return [TEST_PASSWORD]
        return [f"fuzz-sample-{next(_unique)}"]

    @staticmethod
    def variants(kind: str, samples: list[str], *, repeated: bool = True) -> list[tuple]:
        """Each bad value alone; the field twice (a bad value, then the sample); a list."""
        cases: list[tuple[str, list]] = [(label, [value]) for label, value in CORPUS]
        if kind == "file":
            cases.append((NOT_UTF8[0], [NOT_UTF8[1]]))
        if repeated:
            cases.append(("duplicate", ["abc", *(samples or ["0"])]))
            cases.append(("list", [value for _label, value in CORPUS if value]))
        return cases

    def route(self, viewer: Viewer, rule: Rule) -> None:
        for method in _methods(rule):
            self._route(viewer, rule, method)

    def _route(self, viewer: Viewer, rule: Rule, method: str) -> None:
        endpoint = rule.endpoint
        form = self.form_of(viewer, endpoint) if method == "POST" else None

        def send(what: str, values=None, query=None, bad=None):  # type: ignore[no-untyped-def]
            url = self.url(rule, {**self.samples[endpoint], **(values or {})})
            data = self.form_data(viewer, endpoint, form, bad or {}) if form else None
            return self.send(viewer, endpoint, method, url, what, query_string=query, data=data)

        probe = send("sample values")
        refused = probe is None or probe.status_code in REFUSED or _to_sign_in(probe)
        for argument in sorted(rule.arguments):
            for label, value in CORPUS:
                send(f"<{argument}>={label}", values={argument: value})
        names = self.query_names(endpoint, method)
        fields = _fuzzed_fields(form) if form else []
        if refused:  # all parameters at once: the refusal comes before any is read
            for label, values in self.variants("text", []):
                query = [(name, value) for name in names for value in values]
                bad = {name: values for name in fields if name != "csrf_token"}
                send(f"every parameter={label}", query=query, bad=bad)
            return
        for name in names:
            for label, values in self.variants("text", [], repeated=False):
                send(f"?{name}={label}", query=[(name, value) for value in values])
        for name in fields:
            assert form is not None
            for label, values in self.variants(form.kinds[name], form.samples[name]):
                send(f"field {name}={label}", bad={name: values})


def _methods(rule: Rule) -> list[str]:
    return [method for method in ("GET", "POST") if method in (rule.methods or ())]


def _fuzzed_fields(form: FormFields) -> list[str]:
    """The form's fields, one of each numbered family (q-12, q-13: the same code)."""
    seen: dict[str, str] = {}
    for name in form.kinds:
        seen.setdefault(re.sub(r"\d+", "N", name), name)
    return list(seen.values())


def _arrange(app: Flask, db, org: dict) -> dict[str, str]:
    """Beyond the org fixture: an account for the sign-in form, an invitation, a
    deactivated person, and an open attempt and a completed module for every
    signed-in viewer (so that the take and "not complete" forms are shown).
    Returns each route's sample path."""
    factories.make_user(db, Role.LEARNER, email=SIGN_IN_EMAIL)
    token = invitations.issue(db, factories.make_user(db, Role.LEARNER, email=INVITED_EMAIL))
    factories.make_user(db, Role.LEARNER, email="deactivated-fuzz@example.net", active=False)
    api_tokens.create(db, "fuzz", [api_tokens.PEOPLE_READ], org[Role.ADMIN])  # a revoke form
    quiz = db.get(Quiz, "diagnostic")
    for key in VIEWERS.values():
        if key is not None:
            assessments.start_attempt(db, org[key], quiz, None, clock.now())
            catalogue.set_completed(db, org[key], "first-steps", True)
    # A changed week for every viewer and so that the pause page shows its
    # "back to the usual time" form.
    from datetime import timedelta

    from skillgap.models import PlanWeek
    from skillgap.services.paths import monday_of

    next_monday = monday_of(clock.now().date()) + timedelta(weeks=1)
    for key in VIEWERS.values():
        if key is not None:
            db.add(PlanWeek(user_id=org[key].id, week_start=next_monday, minutes=0))
    # A level to claim for every viewer, and a claimed credential of the learner's
    # (its page shows the visibility form, the admin list the revoke form).
    from skillgap.services import credential_keys, credentials

    for key in VIEWERS.values():
        if key is not None:
            factories.make_results(
                db,
                org[key],
                {"strategy-planning": 2, "platform-metrics": 2},
                when=clock.now() + timedelta(minutes=1),
            )
    db.commit()
    held = credentials.claim(
        db,
        org[Role.LEARNER],
        next(
            o.key
            for o in credentials.offers(db, org[Role.LEARNER], "entry", clock.now().date()).open
        ),
        True,
        credentials.Site("http://localhost", "Skillgap"),
        credential_keys.load(app.config),
        app.config,
    )
    db.commit()
    paths = {
        rule.endpoint: test_access._url(app, rule.endpoint, org).replace(
            "00000000-0000-4000-8000-000000000000", held.id
        )
        for rule in app.url_map.iter_rules()
    }
    paths["learn.clear_week"] = f"/path/weeks/{next_monday.isoformat()}/clear"
    paths["auth.invitation"] = paths["auth.invitation"].replace("made-up-token", token)
    # A real unsubscribe link (a signed token), so that its page shows its form.
    from skillgap.services.digests import EmailKind
    from skillgap.services.email_links import unsubscribe_token

    signed = unsubscribe_token(app.config["SECRET_KEY"], org["member"].id, EmailKind.NUDGE)
    paths["auth.email_unsubscribe"] = paths["auth.email_unsubscribe"].replace(
        "made-up-token", signed
    )
    return paths


@pytest.mark.slow  # about 12,000 requests: a minute on SQLite, two on PostgreSQL
def _due_date_form(fuzz: Fuzz) -> None:
    """The person page saves the due date with the targets (issue 15); the due-date
    route stays for scripts, and gets the fields of that form it reads."""
    for forms in fuzz.forms.values():
        targets = forms.get("team.set_targets")
        if targets is None or "team.set_due_date" in forms:
            continue
        due = FormFields()
        for name in ("csrf_token", "due_date"):
            if name in targets.kinds:
                due.kinds[name] = targets.kinds[name]
                due.samples[name] = list(targets.samples.get(name, []))
        forms["team.set_due_date"] = due


def test_no_route_gives_a_server_error_or_writes_when_refused(app, db, org, capsys) -> None:
    fuzz = Fuzz(app, _arrange(app, db, org))
    invited_id = db.scalar(select(User.id).where(User.email == INVITED_EMAIL))

    def new_invitation() -> None:  # the sample one was just used
        reread(db)
        fuzz.samples["auth.invitation"]["token"] = invitations.issue(db, db.get(User, invited_id))
        db.commit()

    fuzz.on_success["auth.invitation"] = new_invitation
    viewers = [Viewer(app, name, org[key] if key else None) for name, key in VIEWERS.items()]
    try:
        for viewer in viewers:
            fuzz.discover(viewer)
        _due_date_form(fuzz)
        for viewer in viewers:
            for rule in fuzz.rules:
                fuzz.route(viewer, rule)
    finally:
        fuzz.digest.close()
    with capsys.disabled():
        print(f"\nfuzz routes: {fuzz.requests} requests, {len(fuzz.server_errors)} server errors")
    posts = {rule.endpoint for rule in fuzz.rules if "POST" in _methods(rule)}
    no_form = sorted(posts - {endpoint for forms in fuzz.forms.values() for endpoint in forms})
    assert not fuzz.server_errors + fuzz.changed, "\n".join(fuzz.server_errors + fuzz.changed)
    assert not no_form, f"no page shows a form for {no_form}: its fields are unknown"
