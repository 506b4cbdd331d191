"""The documents carry every property Open Badges 3.0 requires (1EdTech Open
Badges Specification v3.0, appendix B.1 "Credential Data Models", multiplicity
[1] or [1..*]), and the status list encodes bits where the specification puts them."""

from __future__ import annotations

import base64
import gzip
from datetime import UTC, datetime

import pytest

from skillgap.rules import open_badges, status_list

# Section name -> (path to the object in the credential, required properties).
REQUIRED = {
    "B.1 AchievementCredential": (
        (),
        ["@context", "id", "type", "name", "credentialSubject", "issuer", "validFrom"],
    ),
    "B.1 AchievementSubject": (("credentialSubject",), ["type", "achievement", "identifier"]),
    "B.1 Achievement": (
        ("credentialSubject", "achievement"),
        ["id", "type", "criteria", "description", "name"],
    ),
    "B.1 Criteria": (("credentialSubject", "achievement", "criteria"), ["narrative"]),
    "B.1 Profile": (("issuer",), ["id", "type"]),
    "B.1 IdentityObject": (
        ("credentialSubject", "identifier", 0),
        ["type", "hashed", "identityHash", "identityType"],
    ),
    "B.1 Evidence": (("evidence", 0), ["type"]),
    "B.1 ResultDescription": (
        ("credentialSubject", "achievement", "resultDescription", 0),
        ["id", "type", "name", "resultType"],
    ),
    "B.1 RubricCriterionLevel": (
        ("credentialSubject", "achievement", "resultDescription", 0, "rubricCriterionLevel", 0),
        ["id", "type", "name"],
    ),
    "B.1 Result": (("credentialSubject", "result", 0), ["type"]),
    "BitstringStatusListEntry": (
        ("credentialStatus",),
        ["type", "statusPurpose", "statusListIndex", "statusListCredential"],
    ),
}
TYPES = {
    "B.1 AchievementCredential": {"VerifiableCredential", "OpenBadgeCredential"},
    "B.1 AchievementSubject": {"AchievementSubject"},
    "B.1 Achievement": {"Achievement"},
    "B.1 Profile": {"Profile"},
    "B.1 Evidence": {"Evidence"},
    "B.1 Result": {"Result"},
}


def sample() -> dict:
    levels = [
        open_badges.LevelStep("entry", "Entry", 60),
        open_badges.LevelStep("advanced", "Advanced", 90),
    ]
    when = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    return open_badges.credential(
        open_badges.Award(
            id="https://x.example/credentials/1",
            issuer=open_badges.Issuer(
                "https://x.example/credentials/issuer", "Acme", "https://x.example/"
            ),
            achievement=open_badges.AchievementFacts(
                "https://x.example/a", "Paid social", "Buys reach.", levels[1], levels
            ),
            email="A@Example.com",
            salt="abc",
            valid_from=when,
            valid_until=None,
            measurements=[
                open_badges.Measurement(
                    "Diagnostic", when, "Advanced", 93.0, 12, 0.91, (88.0, 96.0)
                )
            ],
            status_list_url="https://x.example/credentials/status/1",
            status_index=7,
        )
    )


def dig(document, path):
    for step in path:
        document = document[step]
    return document


@pytest.mark.parametrize("section", list(REQUIRED))
def test_every_required_property_is_present(section: str) -> None:
    path, names = REQUIRED[section]
    found = dig(sample(), path)
    missing = [name for name in names if name not in found or found[name] in (None, "", [])]
    assert not missing, f"{section}: missing {missing}"
    if section in TYPES:
        kinds = found["type"] if isinstance(found["type"], list) else [found["type"]]
        assert TYPES[section] <= set(kinds)


def test_contexts_hash_and_jwt_claims() -> None:
    document = sample()
    assert document["@context"][:2] == [open_badges.VC_CONTEXT, open_badges.OB_CONTEXT]
    identity = document["credentialSubject"]["identifier"][0]
    import hashlib

    assert identity["identityHash"] == "sha256$" + hashlib.sha256(b"a@example.comabc").hexdigest()
    claims = open_badges.jwt_claims(document)
    assert claims["iss"] == document["issuer"]["id"] and claims["jti"] == document["id"]
    assert claims["nbf"] == int(datetime(2026, 12, 2, 10, 0, tzinfo=UTC).timestamp())
    assert "exp" not in claims


def test_status_list_bits_are_most_significant_first() -> None:
    encoded = status_list.encode([0, 9, 131_071])
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(raw) == 16_384 and raw[0] == 0x80 and raw[1] == 0x40 and raw[-1] == 0x01
    assert [status_list.is_set(encoded, i) for i in (0, 1, 9, 131_071)] == [True, False, True, True]
    with pytest.raises(status_list.StatusListError):
        status_list.encode([131_072])
    with pytest.raises(status_list.StatusListError):
        status_list.is_set("xnot-multibase", 0)
