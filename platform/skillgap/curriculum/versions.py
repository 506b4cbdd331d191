"""Two numbers that say when cached, derived data is out of date.

``content_version.version`` changes with the curriculum and framework (what
curriculum/snapshot.py holds in memory); ``people_version`` changes with
what the team matrix and the organisation view aggregate: skill results,
manager targets, teams, and people's team, role profile or active flag.

Both change in the same transaction as the data, whatever code makes the
change: session events notice flushed objects and DML statements on the
watched tables, and ``before_commit`` bumps the versions. A writer that
bypasses the ORM session (raw connections) must call ``bump`` itself. The user
loader reads both in the same statement as the signed-in user
(``versioned_user``), so checking a cache costs no extra query.
"""

from __future__ import annotations

from itertools import chain
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, event, inspect, select, update
from sqlalchemy.orm import InstanceState, ORMExecuteState, Session

from skillgap.models import ContentVersion, User

CONTENT_TABLES = frozenset(
    {
        "levels",
        "self_ratings",
        "skills",
        "role_profiles",
        "role_targets",
        "framework_source",
        "courses",
        "modules",
        "module_skills",
        "module_prerequisites",
        "quizzes",
        "questions",
        "metric_files",
        "content_translations",
    }
)
PEOPLE_TABLES = frozenset({"skill_results", "target_overrides", "teams", "team_managers"})
# A change to any other user column (sign-in times, password, failure counts)
# leaves every aggregate as it was.
PEOPLE_USER_COLUMNS = frozenset({"team_id", "role_profile", "active", "name", "email"})

VERSIONS_KEY = "skillgap.versions"  # in a session's info: the versions it read
CHANGED_KEY = "skillgap.changed"  # in a session's info: which versions to bump on commit


class Versions(NamedTuple):
    content: int | None
    people: int | None


_VERSIONS = select(ContentVersion.version, ContentVersion.people_version).where(
    ContentVersion.id == 1
)

# Built once (the user loader runs on every request): building a statement costs
# more than running it.
_VERSIONED_USER = select(
    User,
    select(ContentVersion.version).where(ContentVersion.id == 1).scalar_subquery(),
    select(ContentVersion.people_version).where(ContentVersion.id == 1).scalar_subquery(),
).where(User.id == bindparam("user_id"))


def read(session: Session) -> Versions:
    """The versions as this session's transaction sees them (read once per transaction)."""
    versions = session.info.get(VERSIONS_KEY)
    if versions is None:
        row = session.execute(_VERSIONS).first()
        versions = Versions(*row) if row else Versions(None, None)
        session.info[VERSIONS_KEY] = versions
    return versions


def versioned_user(session: Session, user_id: int) -> User | None:
    """The user and, in the same statement, the versions (for ``read``)."""
    row = session.execute(_VERSIONED_USER, {"user_id": user_id}).first()
    if row is None:
        return None
    session.info[VERSIONS_KEY] = Versions(row[1], row[2])
    return row[0]


def bump(connection: Connection | Session, content: bool = True, people: bool = True) -> None:
    values: dict[str, Any] = {}
    if content:
        values["version"] = ContentVersion.version + 1
    if people:
        values["people_version"] = ContentVersion.people_version + 1
    if values:
        connection.execute(update(ContentVersion).where(ContentVersion.id == 1).values(values))


def _note(session: Session, kind: str) -> None:
    session.info.setdefault(CHANGED_KEY, set()).add(kind)


def _user_change_matters(instance: User) -> bool:
    state: InstanceState[User] = inspect(instance)
    return any(state.attrs[column].history.has_changes() for column in PEOPLE_USER_COLUMNS)


@event.listens_for(Session, "before_flush")
def _note_flushed_changes(session: Session, _context: Any, _instances: Any) -> None:
    for instance in chain(session.new, session.deleted):
        _note_instance(session, instance, created_or_deleted=True)
    for instance in session.dirty:
        _note_instance(session, instance, created_or_deleted=False)


def _note_instance(session: Session, instance: Any, created_or_deleted: bool) -> None:
    table = getattr(getattr(instance, "__table__", None), "name", None)
    is_user = isinstance(instance, User)
    if table in CONTENT_TABLES:
        _note(session, "content")
    elif table in PEOPLE_TABLES or (
        is_user and (created_or_deleted or _user_change_matters(instance))
    ):
        _note(session, "people")


@event.listens_for(Session, "do_orm_execute")
def _note_statements(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table in CONTENT_TABLES:
        _note(state.session, "content")
    elif table in PEOPLE_TABLES:
        _note(state.session, "people")
    elif table == "users":
        # An UPDATE counts only when it sets a column the aggregates use.
        statement: Any = state.statement  # an UPDATE here, which can compile its parameters
        params = statement.compile().params if state.is_update else PEOPLE_USER_COLUMNS
        if PEOPLE_USER_COLUMNS & set(params):
            _note(state.session, "people")


@event.listens_for(Session, "before_commit")
def _bump_on_commit(session: Session) -> None:
    # before_commit runs before the commit's own final flush: flush now, so the
    # changes still pending are noticed and the bump lands in this transaction.
    session.flush()
    changed = session.info.pop(CHANGED_KEY, set())
    if changed:
        bump(session, content="content" in changed, people="people" in changed)


@event.listens_for(Session, "after_transaction_end")
def _forget_with_the_transaction(session: Session, transaction: Any) -> None:
    # The versions read belong to one transaction; a rolled-back change needs no bump.
    if transaction.parent is None:
        session.info.pop(CHANGED_KEY, None)
        session.info.pop(VERSIONS_KEY, None)
