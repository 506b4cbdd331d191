"""The Ed25519 keys that sign credentials.

Private keys never enter the database or the repository. They come from
``SKILLGAP_CREDENTIAL_KEYS`` (a JWK Set, for production and several instances)
or else from ``instance/credential-keys.json``, generated on first start. Both
hold the same JWK Set: the first key signs; later keys are earlier signing keys,
kept as public keys only, so that what they signed still verifies.

The public half of every key is also recorded in ``credential_keys`` the first
time it is loaded: a key set replaced by hand, or a lost key file, still leaves
old credentials verifiable (``all_public_keys``). Rotation (``rotate``) puts a
new key first and keeps the old ones' public halves (README "Credentials").
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap import clock
from skillgap.config import ConfigError
from skillgap.models import CredentialKey

if TYPE_CHECKING:
    from joserfc.jwk import KeySet, OKPKey

# joserfc (and cryptography under it) is imported where keys are used: a
# restart with a key file already written does not need it (start-up time).

CURVE: Final = "Ed25519"
ALGORITHM = "EdDSA"  # the JOSE name Open Badges 3.0 verifiers know (docs/credentials.md)


class CredentialKeyError(ConfigError):
    """A key set that cannot be used; the message says where it came from."""


@dataclass(frozen=True)
class Keyring:
    signing: OKPKey  # private
    public: tuple[dict[str, Any], ...]  # every key of the set, public half, signing first
    source: str  # "SKILLGAP_CREDENTIAL_KEYS" or the file's path

    @property
    def kid(self) -> str:
        return str(self.signing.thumbprint())


def public_jwk(key: OKPKey) -> dict[str, Any]:
    data = dict(key.as_dict(private=False))
    data.pop("kid", None)
    return {**data, "kid": key.thumbprint(), "alg": ALGORITHM, "use": "sig"}


def _parse(text: str, source: str) -> Keyring:
    from joserfc.errors import JoseError
    from joserfc.jwk import OKPKey

    try:
        data = json.loads(text)
        entries = data["keys"]
        keys = [OKPKey.import_key(entry) for entry in entries]
    except (ValueError, KeyError, TypeError, JoseError) as error:
        raise CredentialKeyError(f"{source}: not a JWK Set of Ed25519 keys ({error})") from error
    if not keys or any(key.as_dict().get("crv") != CURVE for key in keys):
        raise CredentialKeyError(
            f"{source}: every key must be an Ed25519 (OKP) key, and one at least"
        )
    if not keys[0].is_private:
        raise CredentialKeyError(
            f"{source}: the first key signs, so it must include its private part"
        )
    return Keyring(keys[0], tuple(public_jwk(key) for key in keys), source)


def check_shape(text: str, source: str) -> None:
    """What ``_parse`` refuses, as far as JSON alone can tell (no joserfc): for the
    start-up check of a key file that is read in full on first use."""
    try:
        entries = json.loads(text)["keys"]
        shapes = [(e["kty"], e["crv"], bool(e["x"]), "d" in e) for e in entries]
    except (ValueError, KeyError, TypeError) as error:
        raise CredentialKeyError(f"{source}: not a JWK Set of Ed25519 keys ({error})") from error
    if not shapes or any(shape[:3] != ("OKP", CURVE, True) for shape in shapes):
        raise CredentialKeyError(
            f"{source}: every key must be an Ed25519 (OKP) key, and one at least"
        )
    if not shapes[0][3]:
        raise CredentialKeyError(
            f"{source}: the first key signs, so it must include its private part"
        )


def _key_set_text(signing: OKPKey, older: list[dict[str, Any]]) -> str:
    first = {**signing.as_dict(private=True), "kid": signing.thumbprint()}
    return json.dumps({"keys": [first, *older]}, indent=2) + "\n"


def new_key_set(current: Keyring | None = None) -> str:
    """A JWK Set with a new signing key first and the current set's public keys after."""
    older = list(current.public) if current else []
    from joserfc.jwk import OKPKey

    return _key_set_text(OKPKey.generate_key(CURVE, private=True), older)


def _write_new(path: Path, text: str) -> bool:
    """Create ``path`` with ``text`` (owner-only) unless it exists: two workers
    starting at once end up with the one key that was written first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    return True


def load(config: dict[str, Any] | Any) -> Keyring:
    """The key set from the environment, else the key file (created if missing)."""
    from_env = (config.get("CREDENTIAL_KEYS") or "").strip()
    if from_env:
        return _parse(from_env, "SKILLGAP_CREDENTIAL_KEYS")
    path = Path(config["CREDENTIAL_KEYS_FILE"])
    if not path.exists():
        _write_new(path, new_key_set())
    return _parse(path.read_text(encoding="utf-8"), str(path))


def rotate(config: dict[str, Any] | Any) -> tuple[Keyring, Keyring]:
    """A new signing key in the key file; (before, after). With keys from the
    environment there is no file to write: the caller prints ``new_key_set``."""
    if (config.get("CREDENTIAL_KEYS") or "").strip():
        raise CredentialKeyError(
            "the keys come from SKILLGAP_CREDENTIAL_KEYS: put the output of "
            "`flask --app run credentials new-key-set` there instead"
        )
    before = load(config)
    path = Path(config["CREDENTIAL_KEYS_FILE"])
    temporary = path.with_name(path.name + ".new")
    temporary.unlink(missing_ok=True)
    _write_new(temporary, new_key_set(before))
    os.replace(temporary, path)  # atomic: a reader sees the old set or the new one
    return before, load(config)


def record(session: Session, keyring: Keyring) -> None:
    """Keep the public half of every key of ``keyring``; mark all but the signing
    key as retired. Idempotent; the caller commits."""
    known = {row.kid: row for row in session.scalars(select(CredentialKey))}
    now = clock.now()
    for jwk in keyring.public:
        row = known.get(jwk["kid"])
        if row is None:
            session.add(CredentialKey(kid=jwk["kid"], jwk=jwk, created_at=now))
    for kid, row in known.items():
        if kid != keyring.kid and row.retired_at is None:
            row.retired_at = now
        elif kid == keyring.kid and row.retired_at is not None:
            row.retired_at = None
    session.flush()


def all_public_keys(session: Session, keyring: Keyring) -> list[dict[str, Any]]:
    """Every public key that ever signed here: the key set's and the recorded ones,
    the signing key first, each once."""
    keys = {jwk["kid"]: jwk for jwk in keyring.public}
    for row in session.scalars(select(CredentialKey).order_by(CredentialKey.created_at.desc())):
        keys.setdefault(row.kid, dict(row.jwk))
    return list(keys.values())


def key_set(keys: list[dict[str, Any]]) -> KeySet:
    from joserfc.jwk import KeySet

    return KeySet.import_key_set({"keys": keys})
