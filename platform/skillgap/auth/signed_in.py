"""The signed-in person on a read-only request, without an ORM object (issue 25).

Building a ``User`` through the ORM (identity map, instance state, attribute
instrumentation) was a fifth of a module page's time. A GET or HEAD needs the
person's columns only, so the user loader reads them, with the content and
people versions, as one plain row. ``SignedIn`` answers everything ``User``
does for reading: its columns, ``has_role``, ``role_enum``, ``get_id``...; a
relationship (``team``, ``managed_teams``) or anything else loads the real
``User`` first, once. Writing an attribute is refused: a change to the person
belongs in a POST, where the loader gives the ORM object as before.
"""

from __future__ import annotations

from typing import Any

from flask_login import UserMixin
from sqlalchemy import bindparam, select

from skillgap.curriculum import versions
from skillgap.db import database, get_session
from skillgap.models import ContentVersion, User

# Not the password hash: no read-only page needs it (the ORM fallback has it).
COLUMNS = tuple(c for c in User.__table__.columns if c.key != "password_hash")
_ROW = select(
    *COLUMNS,
    select(ContentVersion.version).where(ContentVersion.id == 1).scalar_subquery(),
    select(ContentVersion.people_version).where(ContentVersion.id == 1).scalar_subquery(),
).where(User.id == bindparam("user_id"))


class SignedIn(UserMixin):
    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)

    # The same definitions as User's, on the same columns.
    role_enum = User.role_enum
    has_role = User.has_role
    is_active = User.is_active
    get_id = User.get_id
    managed_member_ids = User.managed_member_ids

    def record(self) -> User:
        """The ORM ``User`` (one query, the first time only)."""
        user: User | None = self.__dict__.get("_record")
        if user is None:
            user = get_session().get(User, self.__dict__["id"])
            if user is None:  # deleted since this request began
                raise LookupError(f"user {self.__dict__['id']} no longer exists")
            self.__dict__["_record"] = user
        return user

    def __getattr__(self, name: str) -> Any:  # only for what __dict__ does not hold
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.record(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise TypeError(f"the signed-in user is read-only on a {name!r} write: use a POST")

    def __repr__(self) -> str:
        return f"<SignedIn {self.__dict__.get('email')!r} {self.__dict__.get('role')}>"


def load(user_id: int) -> SignedIn | None:
    """The person's columns and, in the same statement, the versions (for versions.read)."""
    session = get_session()
    # On the session's connection (its transaction), past the ORM's statement
    # handling: a plain SELECT of columns needs none of it.
    row = session.connection().execute(_ROW, {"user_id": user_id}).first()
    if row is None:
        return None
    values = dict(zip((c.key for c in COLUMNS), row[: len(COLUMNS)], strict=True))
    session.info[versions.VERSIONS_KEY] = versions.Versions(row[-2], row[-1])
    return SignedIn(values)


def for_write(user_id: int) -> User | None:
    """The ORM ``User`` for a request that may write (POST and friends).

    On SQLite a write session's first statement takes the database's one write
    lock (``BEGIN IMMEDIATE``, db.py), held to its commit. Reading the person
    there held that lock through the CSRF check and the form's parsing too:
    40% of an autosave's locked time, while every other writer waited. So the
    person is read in a short read session and merged into the write session
    without SQL (``load=False``), and the write transaction begins at the
    view's first statement. Changes to the person still flush in the write
    session. On PostgreSQL, which locks rows only, the read stays where it was.
    """
    session = get_session()
    if session.get_bind().dialect.name != "sqlite":
        return versions.versioned_user(session, user_id)
    with database().read_sessions() as reader:
        user = reader.get(User, user_id)
        return None if user is None else session.merge(user, load=False)
