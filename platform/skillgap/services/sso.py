"""Who a verified OpenID Connect sign-in is: find, link or create the account.

The ID token has been verified before this is called (auth/oidc.py); these
are the organisation's rules on top of it:

1. A known (issuer, subject) is that person, whatever their email is now.
2. Otherwise the email must be present and verified by the provider
   (``email_verified``, or the provider's ``email_verified_claim``): an
   unverified address could be anyone's.
3. An account with that email is linked to the identity (account linking).
4. Otherwise an account is created just in time, only for an email domain on
   the provider's allow-list, with its default role.
5. Mapped groups (``group_rules``) then set the role and team at every
   sign-in, so a change in the company's directory reaches Skillgap at the next
   sign-in. The break-glass admin is never demoted by a group.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap.config import OidcProvider
from skillgap.curriculum.revisions import record
from skillgap.models import ExternalIdentity, User
from skillgap.passwords import NO_PASSWORD
from skillgap.roles import Role
from skillgap.services import accounts, teams


class SsoError(Exception):
    """A sign-in Skillgap refuses; ``kind`` names it for the log, the message is for the person."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class SsoSignIn:
    user: User
    created: bool
    linked: bool


def _email(claims: Mapping[str, Any]) -> str | None:
    email = claims.get("email")
    return accounts.normalise_email(email) if isinstance(email, str) and "@" in email else None


def _verified(provider: OidcProvider, claims: Mapping[str, Any]) -> bool:
    # Some providers send the string "true" instead of the boolean.
    return claims.get(provider.email_verified_claim) in (True, "true", "True")


def sign_in(
    session: Session,
    provider: OidcProvider,
    claims: Mapping[str, Any],
    now: datetime,
    break_glass: str = "",
) -> SsoSignIn:
    """The account for verified ``claims`` (rules in the module docstring);
    raises SsoError. Flushes, does not commit."""
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    identity = session.scalars(
        select(ExternalIdentity).where(
            ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject
        )
    ).one_or_none()
    email = _email(claims)
    created = linked = False
    if identity is not None:
        user = identity.user
    else:
        user, created = _match_or_create(session, provider, claims, email)
        identity = ExternalIdentity(
            user=user, provider=provider.name, issuer=issuer, subject=subject, email=email or ""
        )
        session.add(identity)
        linked = not created
        record(session, user, "sso.link" if linked else "sso.create", user.email, provider.name)
    if not user.active:
        raise SsoError("inactive", _("This account has been deactivated. Ask an admin."))
    _apply_groups(session, provider, claims, user, break_glass)
    identity.email = email or identity.email
    identity.last_login_at = now
    user.last_login_at = now
    session.flush()
    return SsoSignIn(user, created, linked)


def _match_or_create(
    session: Session, provider: OidcProvider, claims: Mapping[str, Any], email: str | None
) -> tuple[User, bool]:
    if email is None:
        raise SsoError(
            "no_email",
            _("%(provider)s did not tell us your email address.", provider=provider.label),
        )
    if not _verified(provider, claims):
        raise SsoError(
            "unverified_email",
            _(
                "%(provider)s has not verified the email address %(email)s, so Skillgap "
                "cannot tell that it is yours. Verify it there, or ask an admin.",
                provider=provider.label,
                email=email,
            ),
        )
    user = session.scalars(User.by_email(email)).one_or_none()
    if user is not None:
        return user, False
    domain = email.rpartition("@")[2]
    if domain not in provider.allowed_domains:
        raise SsoError(
            "domain_not_allowed",
            _(
                "There is no Skillgap account for %(email)s, and accounts for %(domain)s "
                "addresses are not created automatically. Ask an admin to add you.",
                email=email,
                domain=domain,
            ),
        )
    name = claims.get("name") if isinstance(claims.get("name"), str) else None
    user = User(
        email=email,
        name=(name or email.partition("@")[0]).strip()[:100] or email[:100],
        password_hash=NO_PASSWORD,
        role=provider.default_role,
    )
    session.add(user)
    session.flush()
    return user, True


def _apply_groups(
    session: Session,
    provider: OidcProvider,
    claims: Mapping[str, Any],
    user: User,
    break_glass: str,
) -> None:
    groups = claims.get(provider.groups_claim)
    if not isinstance(groups, list) or not provider.group_rules:
        return
    matched = [rule for rule in provider.group_rules if rule.group in groups]
    if not matched:
        return
    best = max(matched, key=lambda rule: rule.role.rank)
    role = best.role
    was_admin = Role(user.role) == Role.ADMIN
    if was_admin and (user.email == break_glass or accounts.active_admin_count(session) <= 1):
        role = Role.ADMIN  # never lock the organisation out of its own admin pages
    if Role(user.role) != role:
        record(session, None, "sso.role", user.email, f"{user.role} -> {role.value} by group")
        user.role = role
        accounts.end_all_sessions(user)  # their other sessions had the old role
    team_name = next((rule.team for rule in matched if rule.team), None)
    if team_name and (user.team is None or user.team.name != team_name):
        team, _ = teams.find_or_create_team(session, team_name)
        user.team = team
