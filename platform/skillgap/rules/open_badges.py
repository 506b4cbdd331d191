"""Open Badges 3.0 documents, as plain dicts: the issuer ``Profile``, an
``Achievement`` per skill and level, the ``OpenBadgeCredential`` that awards one
to a person, and the ``BitstringStatusListCredential`` that says which are revoked.

Property names and required members follow the 1EdTech Open Badges
Specification v3.0 (appendix B.1, "Credential Data Models") on the W3C
Verifiable Credentials Data Model 2.0; tests/unit/test_open_badges.py lists the
required ones by section. Signing is services/credential_signing.py: the VC-JWT
payload is this credential with the registered claims of ``jwt_claims`` beside it
(section 8.2, "JSON Web Token Proof Format").

The documents are written in English whatever the reader's language: a
credential travels to reviews and profiles outside the organisation (docs/credentials.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
CREDENTIAL_TYPES = ("VerifiableCredential", "OpenBadgeCredential")


def timestamp(moment: datetime) -> str:
    """XML Schema dateTime in UTC, to the second, as the data model's examples write it."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def email_hash(email: str, salt: str) -> str:
    """An ``IdentityObject`` hash: ``sha256$`` and the hex SHA-256 of the
    lower-case address followed by the salt (B.1 IdentityObject)."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


@dataclass(frozen=True)
class Issuer:
    id: str  # the profile's URL, e.g. https://skillgap.example.com/credentials/issuer
    name: str
    url: str  # the site's home page
    description: str = ""


def issuer_profile(issuer: Issuer) -> dict[str, object]:
    profile: dict[str, object] = {
        "id": issuer.id,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.url,
    }
    if issuer.description:
        profile["description"] = issuer.description
    return profile


@dataclass(frozen=True)
class LevelStep:
    """One level of the skill framework, as a rubric level of the achievement."""

    id: str
    name: str
    min_percent: float


@dataclass(frozen=True)
class AchievementFacts:
    id: str  # URL: /credentials/achievements/<skill>/<level>[/gap-closed]
    skill_name: str
    skill_description: str
    level: LevelStep
    levels: Sequence[LevelStep]  # the framework's, lowest first
    gap_closed: bool = False

    @property
    def name(self) -> str:
        if self.gap_closed:
            return f"{self.skill_name}: gap closed at {self.level.name}"
        return f"{self.skill_name}: {self.level.name}"


def _level_rubric(facts: AchievementFacts) -> dict[str, object]:
    return {
        "id": f"{facts.id}#level",
        "type": ["ResultDescription"],
        "name": "Tested level",
        "resultType": "RubricCriterionLevel",
        "rubricCriterionLevel": [
            {
                "id": f"{facts.id}#level-{step.id}",
                "type": ["RubricCriterionLevel"],
                "name": step.name,
                "description": f"A score of at least {step.min_percent:g}%.",
                "level": step.id,
            }
            for step in facts.levels
        ],
    }


def achievement(facts: AchievementFacts) -> dict[str, object]:
    level = facts.level
    criteria = (
        f"Reached {level.name} (a score of at least {level.min_percent:g}%) in "
        f"{facts.skill_name} on the organisation's social marketing diagnostic: the percent "
        "correct of a fixed form, or the domain score of the adaptive test, reported only "
        "when that level is at least 80% probable. Self-ratings and module checks do not count."
    )
    if facts.gap_closed:
        criteria += (
            " Awarded for closing a gap: an earlier diagnostic result was below the target "
            "level the person's role asks for, and a later one reached it."
        )
    return {
        "id": facts.id,
        "type": ["Achievement"],
        "achievementType": "Competency",
        "name": facts.name,
        "description": f"{facts.skill_description} Tested at {level.name}.".strip(),
        "criteria": {"narrative": criteria},
        "tag": ["social media marketing", facts.skill_name],
        "inLanguage": "en",
        "resultDescription": [
            _level_rubric(facts),
            {
                "id": f"{facts.id}#score",
                "type": ["ResultDescription"],
                "name": "Score in this skill",
                "resultType": "Percent",
                "valueMin": "0",
                "valueMax": "100",
            },
            {
                "id": f"{facts.id}#certainty",
                "type": ["ResultDescription"],
                "name": "Probability of the tested level (adaptive test)",
                "resultType": "Percent",
                "valueMin": "0",
                "valueMax": "100",
            },
        ],
    }


@dataclass(frozen=True)
class Measurement:
    """One diagnostic result behind a credential."""

    assessment: str  # the quiz's title
    taken_at: datetime
    level_name: str
    percent: float | None
    questions: int
    certainty: float | None = None  # the level's posterior probability, 0..1
    interval: tuple[float, float] | None = None  # 90% interval of the domain score

    def narrative(self) -> str:
        score = "no score" if self.percent is None else f"{self.percent:.0f}%"
        words = [
            f"{self.assessment}, submitted {timestamp(self.taken_at)[:10]}: "
            f"{self.level_name}, {score} over {self.questions} questions in this skill"
        ]
        if self.interval is not None:
            low, high = self.interval
            words.append(f"90% interval of the domain score {low:.0f} to {high:.0f}%")
        if self.certainty is not None:
            words.append(f"probability of this level {self.certainty * 100:.0f}%")
        return "; ".join(words) + "."


def _evidence(measurements: Sequence[Measurement]) -> list[dict[str, object]]:
    return [
        {
            "type": ["Evidence"],
            "name": m.assessment,
            "description": f"Diagnostic result of {timestamp(m.taken_at)[:10]}",
            "narrative": m.narrative(),
            "genre": "Assessment",
        }
        for m in measurements
    ]


def _results(facts: AchievementFacts, reached: Measurement) -> list[dict[str, object]]:
    results: list[dict[str, object]] = [
        {
            "type": ["Result"],
            "resultDescription": f"{facts.id}#level",
            "achievedLevel": f"{facts.id}#level-{facts.level.id}",
        }
    ]
    if reached.percent is not None:
        results.append(
            {
                "type": ["Result"],
                "resultDescription": f"{facts.id}#score",
                "value": f"{reached.percent:.1f}",
            }
        )
    if reached.certainty is not None:
        results.append(
            {
                "type": ["Result"],
                "resultDescription": f"{facts.id}#certainty",
                "value": f"{reached.certainty * 100:.1f}",
            }
        )
    return results


@dataclass(frozen=True)
class Award:
    """Everything one credential states."""

    id: str  # URL: /credentials/<uuid>
    issuer: Issuer
    achievement: AchievementFacts
    email: str
    salt: str
    valid_from: datetime
    valid_until: datetime | None
    measurements: Sequence[Measurement]  # oldest first; the last reached the level
    status_list_url: str
    status_index: int


def credential(award: Award) -> dict[str, object]:
    facts = award.achievement
    reached = award.measurements[-1]
    document: dict[str, object] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": award.id,
        "type": list(CREDENTIAL_TYPES),
        "name": facts.name,
        "description": (
            f"{award.issuer.name} states that the holder of this credential reached "
            f"{facts.level.name} in {facts.skill_name}, measured by a diagnostic test."
        ),
        "issuer": issuer_profile(award.issuer),
        "validFrom": timestamp(award.valid_from),
        "awardedDate": timestamp(reached.taken_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": email_hash(award.email, award.salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": award.salt,
                }
            ],
            "achievement": achievement(facts),
            "result": _results(facts, reached),
        },
        "evidence": _evidence(award.measurements),
        "credentialStatus": {
            "id": f"{award.status_list_url}#{award.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(award.status_index),
            "statusListCredential": award.status_list_url,
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if award.valid_until is not None:
        document["validUntil"] = timestamp(award.valid_until)
    return document


def status_list_credential(
    issuer: Issuer, url: str, encoded_list: str, valid_from: datetime
) -> dict[str, object]:
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.id,
        "validFrom": timestamp(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list,
        },
    }


def _epoch(text: str) -> int:
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())


def jwt_claims(document: dict[str, object]) -> dict[str, object]:
    """The VC-JWT payload: the credential itself, with ``iss``, ``jti``, ``nbf``
    (and ``exp``) repeating its issuer, id and validity, so that a JOSE library's
    own claim checks apply (Open Badges 3.0 section 8.2)."""
    issuer = document["issuer"]
    claims = dict(document)
    claims["iss"] = issuer["id"] if isinstance(issuer, dict) else issuer
    claims["jti"] = document["id"]
    claims["nbf"] = _epoch(str(document["validFrom"]))
    if "validUntil" in document:
        claims["exp"] = _epoch(str(document["validUntil"]))
    return claims
