"""Accounts: creating people, signing in, passwords and session invalidation.

Every function takes the session (and the password hasher when it needs one)
and leaves committing to the caller, so a view or CLI command commits once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from skillgap import clock, passwords
from skillgap.inputs import name_problem
from skillgap.models import Team, User
from skillgap.roles import Role


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message is for the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_taken(session: Session, email: str, except_user_id: int | None = None) -> bool:
    query = select(User.id).where(User.email == normalise_email(email))
    if except_user_id is not None:
        query = query.where(User.id != except_user_id)
    return session.scalar(query) is not None


def _check_name(name: str) -> None:
    if not name.strip() or (problem := name_problem(name.strip())):
        raise AccountError(problem or _("Enter a name."), field="name")


def create_user(
    session: Session,
    hasher: PasswordHasher,
    *,
    email: str,
    name: str,
    password: str,
    role: Role = Role.LEARNER,
    team: Team | None = None,
    role_profile: str | None = None,
    must_change_password: bool = False,
) -> User:
    """``must_change_password``: someone other than the person chose or saw the
    password, so they must choose their own at first sign-in."""
    if email_taken(session, email):
        raise AccountError(_("A user with this email already exists."), field="email")
    _check_name(name)
    problem = passwords.password_problem(password)
    if problem:
        raise AccountError(problem, field="password")
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=hasher.hash(password),
        role=Role(role).value,
        team=team,
        role_profile=role_profile or None,
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    return user


class LoginOutcome(StrEnum):
    OK = "ok"
    INVALID = "invalid"  # unknown email or wrong password: one message for both
    LOCKED = "locked"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None
    locked_until: datetime | None = None


@functools.cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Verifying against this when the email is unknown takes as long as a wrong
    password, so response times do not reveal which emails have accounts."""
    return hasher.hash("not a real password")


def authenticate(
    session: Session,
    hasher: PasswordHasher,
    email: str,
    password: str,
    *,
    max_failures: int = 10,
    lock_minutes: int = 15,
    now: datetime | None = None,
) -> LoginResult:
    """Check a sign-in. Failures are counted per account in the database (so the
    count holds across processes); ``max_failures`` in a row lock the account
    for ``lock_minutes``, after which the count starts again."""
    now = now or clock.now()
    user = session.scalar(User.by_email(email))
    if user is None:
        passwords.verify(hasher, _dummy_hash(hasher), password)
        return LoginResult(LoginOutcome.INVALID)
    if user.locked_until is not None and user.locked_until > now:
        # As slow as a real check: a fast answer would tell that the account exists.
        passwords.verify(hasher, _dummy_hash(hasher), password)
        return LoginResult(LoginOutcome.LOCKED, locked_until=user.locked_until)
    if user.password_hash == passwords.NO_PASSWORD:
        # Invited, no password chosen yet: as slow as a wrong password.
        passwords.verify(hasher, _dummy_hash(hasher), password)
        return LoginResult(LoginOutcome.INVALID)
    if not passwords.verify(hasher, user.password_hash, password):
        _record_failure(session, user, max_failures, lock_minutes, now)
        if user.locked_until is not None and user.locked_until > now:
            return LoginResult(LoginOutcome.LOCKED, locked_until=user.locked_until)
        return LoginResult(LoginOutcome.INVALID)
    if not user.active:
        return LoginResult(LoginOutcome.INACTIVE)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return LoginResult(LoginOutcome.OK, user=user)


def _record_failure(
    session: Session, user: User, max_failures: int, lock_minutes: int, now: datetime
) -> None:
    # An atomic increment, so concurrent failures from several workers all count.
    failures = session.scalar(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
    )
    if failures is not None and failures >= max_failures:
        session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=0, locked_until=now + timedelta(minutes=lock_minutes))
        )
    session.refresh(user)


def end_all_sessions(user: User) -> None:
    """Invalidate every session and remember-me cookie this user has."""
    user.session_version += 1


def change_password(
    session: Session,
    hasher: PasswordHasher,
    user: User,
    current_password: str,
    new_password: str,
    *,
    max_failures: int = 10,
    lock_minutes: int = 15,
    now: datetime | None = None,
) -> None:
    """Wrong current passwords count like failed sign-ins: someone holding a stolen
    session cannot guess the password without limit. At the limit the account is
    locked and every session, theirs included, ends. The caller commits either way."""
    now = now or clock.now()
    if user.locked_until is not None and user.locked_until > now:
        raise AccountError(
            _(
                "Too many wrong passwords: try again after %(time)s UTC.",
                time=user.locked_until.strftime("%H:%M"),
            ),
            field="current_password",
        )
    if not passwords.verify(hasher, user.password_hash, current_password):
        _record_failure(session, user, max_failures, lock_minutes, now)
        if user.locked_until is not None and user.locked_until > now:
            end_all_sessions(user)
        raise AccountError(_("Your current password is not correct."), field="current_password")
    user.failed_logins = 0
    set_password(hasher, user, new_password)


def set_password(hasher: PasswordHasher, user: User, new_password: str) -> None:
    problem = passwords.password_problem(new_password)
    if problem:
        raise AccountError(problem, field="new_password")
    user.password_hash = hasher.hash(new_password)
    user.must_change_password = False  # the person's own choice now
    end_all_sessions(user)


def active_admin_count(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(User).where(User.role == Role.ADMIN.value, User.active)
        )
        or 0
    )


def update_user(
    session: Session,
    user: User,
    *,
    name: str,
    email: str,
    role: Role,
    team: Team | None,
    role_profile: str | None,
) -> None:
    if email_taken(session, email, except_user_id=user.id):
        raise AccountError(_("A user with this email already exists."), field="email")
    _check_name(name)
    if user.role == Role.ADMIN and role != Role.ADMIN and user.active:
        _refuse_if_last_admin(session)
    if user.role != role:
        end_all_sessions(user)
    user.name = name.strip()
    user.email = normalise_email(email)
    user.role = Role(role)
    user.team = team
    user.role_profile = role_profile or None
    if user.role != Role.MANAGER and user.role != Role.ADMIN:
        user.managed_teams = []  # only managers and admins manage teams


def set_own_role_profile(session: Session, user: User, role_profile: str | None) -> None:
    """A person's own choice of role profile (the form offers only known ones)."""
    user.role_profile = role_profile or None
    session.flush()


def set_active(session: Session, user: User, active: bool) -> None:
    """Deactivating keeps every row of the person's data; they just cannot sign in."""
    if user.active and not active:
        if user.role == Role.ADMIN:
            _refuse_if_last_admin(session)
        end_all_sessions(user)
    user.active = active
    if active:
        user.failed_logins = 0
        user.locked_until = None


def _refuse_if_last_admin(session: Session) -> None:
    if active_admin_count(session) <= 1:
        raise AccountError(_("This is the last active admin; make someone else an admin first."))
