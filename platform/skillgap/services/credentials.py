"""Verifiable skill credentials: what a person may claim, claiming one (build,
sign, store), who may see it, revoking it, and the status list that says so.

A person may claim, per skill, their latest diagnostic result when it is at or
above the organisation's level (``SKILLGAP_CREDENTIAL_MIN_LEVEL``, default
entry), rests on 5 or more questions, and, for the adaptive test, is at least
80% probable; and a closed gap (services/paths.closed_gaps). A self-rating or a
module check is never a credential. Decisions: docs/credentials.md.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap import clock
from skillgap.curriculum.records import LevelInfo, SkillInfo
from skillgap.curriculum.snapshot import Snapshot, snapshot_of
from skillgap.kinds import QuizKind
from skillgap.models import Attempt, Credential, Quiz, SkillResult, User
from skillgap.rules import open_badges, status_list
from skillgap.services import credential_jose, credential_keys, paths
from skillgap.services.credential_keys import Keyring
from skillgap.services.standing import UNCERTAIN_BELOW

LEVEL, GAP = "level", "gap-closed"
STATUS_LIST = 1  # one list of 131,072 entries: /credentials/status/1
MIN_QUESTIONS = 5  # fewer is "low evidence" (design.md): not enough to certify


class CredentialError(ValueError):
    """A claim that cannot be made; the message says why."""


@dataclass(frozen=True)
class Site:
    """Where this installation's credential URLs start, and what it is called."""

    base: str  # e.g. https://skillgap.example.com (no trailing slash)
    issuer_name: str

    @property
    def issuer(self) -> open_badges.Issuer:
        return open_badges.Issuer(
            id=self.issuer_url,
            name=self.issuer_name,
            url=self.base + "/",
            description="Skills diagnostics and learning paths for social media marketers.",
        )

    @property
    def issuer_url(self) -> str:
        return f"{self.base}/credentials/issuer"

    def credential_url(self, credential_id: str) -> str:
        return f"{self.base}/credentials/{credential_id}"

    def key_url(self, kid: str) -> str:
        return f"{self.base}/credentials/keys/{kid}"

    def status_url(self, number: int = STATUS_LIST) -> str:
        return f"{self.base}/credentials/status/{number}"

    def achievement_url(self, skill_id: str, level_id: str, gap: bool = False) -> str:
        url = f"{self.base}/credentials/achievements/{skill_id}/{level_id}"
        return url + "/gap-closed" if gap else url


@dataclass(frozen=True)
class Measured:
    """A diagnostic result as a credential states it."""

    result_id: int
    skill_id: str
    level_id: str
    assessment: str
    taken_at: datetime
    percent: float | None
    questions: int
    low_evidence: bool
    certainty: float | None
    interval: tuple[float, float] | None

    def measurement(self, level_name: str) -> open_badges.Measurement:
        return open_badges.Measurement(
            self.assessment,
            self.taken_at,
            level_name,
            self.percent,
            self.questions,
            self.certainty,
            self.interval,
        )


@dataclass(frozen=True)
class Offer:
    kind: str  # LEVEL or GAP
    skill: SkillInfo
    level: LevelInfo
    results: tuple[Measured, ...]  # oldest first; the last reached the level
    before: LevelInfo | None = None  # a closed gap's start

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.results[-1].result_id}"


@dataclass
class Offers:
    open: list[Offer]
    held_back: list[tuple[SkillInfo, str]]  # results not offered, and why


def _measured(session: Session, user_id: int) -> list[Measured]:
    """The person's diagnostic results, oldest first: one statement."""
    rows = session.execute(
        select(SkillResult, Attempt.submitted_at, Quiz.title)
        .join(Attempt, Attempt.id == SkillResult.attempt_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(SkillResult.user_id == user_id, SkillResult.kind == QuizKind.DIAGNOSTIC)
        # The order of the "latest" rule (services/standing.record_results).
        .order_by(SkillResult.created_at, SkillResult.id)
    ).all()
    found = []
    for result, submitted_at, title in rows:
        interval = None
        if result.domain_low is not None and result.domain_high is not None:
            interval = (result.domain_low, result.domain_high)
        found.append(
            Measured(
                result.id,
                result.skill_id,
                result.level_id,
                title,
                submitted_at or result.created_at,
                result.percent,
                result.questions,
                result.low_evidence or result.questions < MIN_QUESTIONS,
                result.certainty,
                interval,
            )
        )
    return found


def minimum_level(snapshot: Snapshot, level_id: str) -> LevelInfo:
    level = snapshot.level_by_id.get(level_id)
    if level is None:
        names = ", ".join(lv.id for lv in snapshot.levels)
        raise CredentialError(
            _(
                "SKILLGAP_CREDENTIAL_MIN_LEVEL is %(given)s, which is no level of the "
                "framework (%(names)s). An admin must correct it.",
                given=level_id,
                names=names,
            )
        )
    return level


def _why_not(result: Measured, level: LevelInfo, minimum: LevelInfo) -> str | None:
    if level.position < minimum.position:
        return _(
            "below %(level)s, the lowest level this organisation certifies", level=minimum.name
        )
    if result.low_evidence:
        return _("fewer than %(count)s questions: too little evidence", count=MIN_QUESTIONS)
    if result.certainty is not None and result.certainty < UNCERTAIN_BELOW:
        return _("the adaptive test has not decided the level yet")
    return None


def offers(session: Session, user: User, minimum_id: str, today) -> Offers:
    """What ``user`` may claim now and has not claimed."""
    snapshot = snapshot_of(session, localized=False)
    minimum = minimum_level(snapshot, minimum_id)
    claimed = {
        (kind, result_id)
        for kind, result_id in session.execute(
            select(Credential.kind, Credential.skill_result_id).where(Credential.user_id == user.id)
        )
    }
    history = _measured(session, user.id)
    latest: dict[str, Measured] = {}
    for measured in history:
        latest[measured.skill_id] = measured
    found = Offers([], [])
    for skill in snapshot.skills:
        result = latest.get(skill.id)
        if result is None:
            continue
        level = snapshot.level_by_id[result.level_id]
        reason = _why_not(result, level, minimum)
        if reason:
            found.held_back.append((snapshot.skill_by_id[skill.id], reason))
        elif (LEVEL, result.result_id) not in claimed:
            found.open.append(Offer(LEVEL, skill, level, (result,)))
    view = paths.person_path(session, user, today, with_history=True)
    for gap in paths.closed_gaps(session, view):
        now = latest[gap.skill.id]
        if (GAP, now.result_id) in claimed or now.low_evidence:
            continue
        earlier = [r for r in history if r.skill_id == gap.skill.id and r is not now]
        before = next((r for r in reversed(earlier) if r.level_id == gap.before.id), None)
        shown = (before, now) if before else (now,)
        skill = snapshot.skill_by_id[gap.skill.id]
        found.open.append(Offer(GAP, skill, snapshot.level_by_id[now.level_id], shown, gap.before))
    return found


def _free_status_index(session: Session) -> int:
    """A random unused entry of the list: the position says nothing about when a
    credential was issued (Bitstring Status List, "Privacy Considerations")."""
    used = set(session.scalars(select(Credential.status_index)))
    if len(used) >= status_list.MIN_ENTRIES:
        raise CredentialError(_("The status list is full; no credential can be issued."))
    while True:
        index = secrets.randbelow(status_list.MIN_ENTRIES)
        if index not in used:
            return index


def _award(offer: Offer, user: User, site: Site, snapshot: Snapshot, valid_days: int) -> Any:
    now = clock.now().replace(microsecond=0)
    facts = open_badges.AchievementFacts(
        id=site.achievement_url(offer.skill.id, offer.level.id, offer.kind == GAP),
        skill_name=offer.skill.name,
        skill_description=offer.skill.description,
        level=_step(offer.level),
        levels=[_step(level) for level in snapshot.levels],
        gap_closed=offer.kind == GAP,
    )
    measurements = [r.measurement(snapshot.level_by_id[r.level_id].name) for r in offer.results]
    return facts, now, now + timedelta(days=valid_days) if valid_days else None, measurements


def _step(level: LevelInfo) -> open_badges.LevelStep:
    return open_badges.LevelStep(level.id, level.name, level.min_percent)


def claim(
    session: Session,
    user: User,
    key: str,
    public: bool,
    site: Site,
    keyring: Keyring,
    settings: dict[str, Any] | Any,
) -> Credential:
    """Issue the offer ``key`` (from ``offers``) to ``user``: signed, stored, in
    the status list. The caller commits."""
    found = offers(session, user, settings["CREDENTIAL_MIN_LEVEL"], clock.now().date())
    offer = next((o for o in found.open if o.key == key), None)
    if offer is None:
        raise CredentialError(_("That credential is not on offer, or you already hold it."))
    snapshot = snapshot_of(session, localized=False)
    facts, now, until, measurements = _award(
        offer, user, site, snapshot, settings["CREDENTIAL_VALID_DAYS"]
    )
    credential_id = str(uuid.uuid4())
    index = _free_status_index(session)
    document = open_badges.credential(
        open_badges.Award(
            id=site.credential_url(credential_id),
            issuer=site.issuer,
            achievement=facts,
            email=user.email,
            salt=secrets.token_hex(16),
            valid_from=now,
            valid_until=until,
            measurements=measurements,
            status_list_url=site.status_url(),
            status_index=index,
        )
    )
    credential_keys.record(session, keyring)
    row = Credential(
        id=credential_id,
        user_id=user.id,
        kind=offer.kind,
        skill_id=offer.skill.id,
        level_id=offer.level.id,
        from_level_id=offer.before.id if offer.before else None,
        skill_result_id=offer.results[-1].result_id,
        name=facts.name,
        issuer_id=site.issuer_url,
        kid=keyring.kid,
        status_index=index,
        token=credential_jose.sign(document, keyring, site.key_url(keyring.kid)),
        public=public,
        issued_at=now,
        valid_until=until,
    )
    session.add(row)
    session.flush()
    return row


# --- who sees what, revoking --------------------------------------------------------


def visible_to(credential: Credential, viewer: Any) -> bool:
    """A public credential to anyone; a private one to its holder and admins."""
    if credential.public:
        return True
    if not getattr(viewer, "is_authenticated", False):
        return False
    from skillgap.roles import Role

    return viewer.id == credential.user_id or viewer.has_role(Role.ADMIN)


def held_by(session: Session, user_id: int) -> Sequence[Credential]:
    return session.scalars(
        select(Credential)
        .where(Credential.user_id == user_id)
        .order_by(Credential.issued_at.desc())
    ).all()


def everyone(session: Session, limit: int = 500) -> Sequence[Credential]:
    return session.scalars(
        select(Credential).order_by(Credential.issued_at.desc()).limit(limit)
    ).all()


def revoke(session: Session, credential: Credential, admin: User, reason: str) -> bool:
    """Mark it revoked (False if it already was); the status list says so from now."""
    if credential.revoked_at is not None:
        return False
    from skillgap.curriculum import revisions

    credential.revoked_at = clock.now()
    credential.revoked_by_id = admin.id
    credential.revoke_reason = reason.strip()[:300]
    revisions.record(session, admin, "credential.revoke", credential.name, credential.revoke_reason)
    return True


# --- the status list and verification ------------------------------------------------


def status_list_token(session: Session, site: Site, keyring: Keyring) -> str:
    revoked = session.scalars(
        select(Credential.status_index).where(Credential.revoked_at.is_not(None))
    ).all()
    document = open_badges.status_list_credential(
        site.issuer, site.status_url(), status_list.encode(revoked), clock.now()
    )
    return credential_jose.sign(document, keyring, site.key_url(keyring.kid))


def trusted_issuers(session: Session, site: Site) -> set[str]:
    """This site's issuer, under its address now and every address it issued under."""
    issued = session.scalars(select(Credential.issuer_id).distinct())
    return {site.issuer_url, *issued}


def verify(session: Session, token: str, site: Site, keyring: Keyring) -> credential_jose.Report:
    """Check ``token`` against this site's keys, issuer and status list."""
    issuers = trusted_issuers(session, site)

    def status_source(url: str) -> str | None:
        for issuer in issuers:
            base = issuer.removesuffix("/credentials/issuer")
            if url == f"{base}/credentials/status/{STATUS_LIST}":
                return status_list_token(session, Site(base, site.issuer_name), keyring)
        return None

    keys = credential_keys.all_public_keys(session, keyring)
    return credential_jose.verify(token, keys, issuers, status_source, clock.now())


def linkedin_url(credential: Credential, site: Site) -> str:
    """LinkedIn's "Add to profile" link for a certification, its fields filled in
    (no API key: the member confirms on LinkedIn)."""
    fields = {
        "startTask": "CERTIFICATION_NAME",
        "name": credential.name,
        "organizationName": site.issuer_name,
        "issueYear": credential.issued_at.year,
        "issueMonth": credential.issued_at.month,
        "certUrl": site.credential_url(credential.id),
        "certId": credential.id,
    }
    if credential.valid_until is not None:
        fields["expirationYear"] = credential.valid_until.year
        fields["expirationMonth"] = credential.valid_until.month
    return "https://www.linkedin.com/profile/add?" + urlencode(fields)
