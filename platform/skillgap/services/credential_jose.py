"""Signing a credential as a VC-JWT, and checking one: signature, issuer, dates
and revocation, each with a reason a person can act on.

The checks do not trust anything in the token to find its key: the key comes
from the issuer's key set by the header's ``kid`` (the last part of the key's
URL, its RFC 7638 thumbprint), and the token must name a trusted issuer.
Revocation is read from the issuer's Bitstring Status List credential, which
must itself verify under the same key set (rules/status_list.py).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _

from skillgap.rules import status_list
from skillgap.rules.open_badges import jwt_claims
from skillgap.services.credential_keys import ALGORITHM, Keyring

MEDIA_TYPE = "application/vc+jwt"
ACCEPTED_ALGORITHMS = (ALGORITHM, "Ed25519")  # RFC 9864's fully specified name, too
CREDENTIAL_TYPES = {"OpenBadgeCredential", "AchievementCredential"}
LEEWAY = timedelta(seconds=60)  # clocks of issuer and verifier may differ a little

# RFC 9864 deprecates the polymorphic "EdDSA" in favour of "Ed25519"; Open Badges
# 3.0 verifiers in use expect "EdDSA", so it signs, and joserfc's warning is noise.
warnings.filterwarnings("ignore", message="EdDSA is deprecated", module="joserfc")


def sign(document: dict[str, Any], keyring: Keyring, key_url: str) -> str:
    """``document`` as a compact JWS: header ``kid`` is the URL of the public key."""
    from joserfc import jwt  # on first use: start-up time (credential_keys.py)

    header = {"alg": ALGORITHM, "typ": "vc+jwt", "kid": key_url}
    return jwt.encode(header, jwt_claims(document), keyring.signing, algorithms=[ALGORITHM])


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    credential: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    def add(self, name: str, ok: bool, detail: str) -> bool:
        self.checks.append(Check(name, ok, detail))
        return ok


# Fetches a status list credential's token by its URL; None when it cannot be had.
StatusSource = Callable[[str], "str | None"]


def _signed_payload(
    token: str, keys: Mapping[str, dict[str, Any]], report: Report
) -> dict[str, Any] | None:
    """The payload once the signature holds, else None with the reason in ``report``."""
    from joserfc import jws, jwt
    from joserfc.errors import BadSignatureError, JoseError
    from joserfc.jwk import OKPKey

    try:
        header = jws.extract_compact(token.strip().encode("ascii")).protected
    except (JoseError, ValueError, UnicodeEncodeError):
        report.add(_("Format"), False, _("This is not a signed credential (a compact JWS)."))
        return None
    if header.get("alg") not in ACCEPTED_ALGORITHMS:
        algorithm = str(header.get("alg"))[:20]
        report.add(
            _("Signature"), False, _("Signed with %(alg)s; only EdDSA is accepted.", alg=algorithm)
        )
        return None
    kid = str(header.get("kid") or "").rstrip("/").rsplit("/", 1)[-1]
    if kid not in keys:
        report.add(_("Signature"), False, _("Signed with a key the issuer never published."))
        return None
    try:
        token_data = jwt.decode(
            token.strip(), OKPKey.import_key(keys[kid]), algorithms=ACCEPTED_ALGORITHMS
        )
    except BadSignatureError:
        report.add(
            _("Signature"),
            False,
            _("The signature does not match: the credential was changed after it was signed."),
        )
        return None
    except (JoseError, ValueError):
        report.add(_("Format"), False, _("The signed content is not a JSON credential."))
        return None
    report.add(_("Signature"), True, _("Signed by the issuer's key %(kid)s.", kid=kid[:12] + "…"))
    return dict(token_data.claims)


def _moment(value: object) -> datetime | None:
    try:
        return datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def _check_issuer(claims: dict[str, Any], trusted: Collection[str], report: Report) -> bool:
    issuer = claims.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    types = set(claims.get("type") or [])
    if "VerifiableCredential" not in types or not types & CREDENTIAL_TYPES:
        return report.add(_("Issuer"), False, _("This is not an Open Badges credential."))
    if issuer_id != claims.get("iss") or issuer_id not in trusted:
        return report.add(
            _("Issuer"),
            False,
            _(
                "Issued by %(issuer)s, which is not this site's issuer.",
                issuer=str(issuer_id)[:200],
            ),
        )
    name = issuer.get("name", issuer_id) if isinstance(issuer, dict) else issuer_id
    return report.add(_("Issuer"), True, _("Issued by %(name)s.", name=name))


def _check_dates(claims: dict[str, Any], now: datetime, report: Report) -> bool:
    valid_from = _moment(claims.get("validFrom"))
    valid_until = _moment(claims["validUntil"]) if "validUntil" in claims else None
    if valid_from is None or ("validUntil" in claims and valid_until is None):
        return report.add(_("Dates"), False, _("The credential's dates cannot be read."))
    if valid_from > now + LEEWAY:
        return report.add(
            _("Dates"), False, _("Not valid before %(day)s.", day=format_date(valid_from, "long"))
        )
    if valid_until is not None and valid_until <= now:
        return report.add(
            _("Dates"), False, _("Expired on %(day)s.", day=format_date(valid_until, "long"))
        )
    if valid_until is None:
        return report.add(
            _("Dates"), True, _("Valid since %(day)s.", day=format_date(valid_from, "long"))
        )
    return report.add(
        _("Dates"),
        True,
        _(
            "Valid from %(start)s until %(end)s.",
            start=format_date(valid_from, "long"),
            end=format_date(valid_until, "long"),
        ),
    )


def _status_bit(
    entry: dict[str, Any],
    keys: Mapping[str, dict[str, Any]],
    issuer_id: str,
    fetch: StatusSource,
) -> bool | str:
    """True when revoked, False when not; a string says why it cannot be told."""
    url = str(entry.get("statusListCredential", ""))
    token = fetch(url)
    if token is None:
        return _("The issuer's status list could not be read.")
    inner = Report()
    claims = _signed_payload(token, keys, inner)
    subject = (claims or {}).get("credentialSubject") or {}
    if claims is None or claims.get("issuer") != issuer_id or claims.get("id") != url:
        return _("The issuer's status list is not signed by the issuer.")
    if subject.get("statusPurpose") != "revocation":
        return _("The status list is not a revocation list.")
    try:
        return status_list.is_set(
            str(subject.get("encodedList", "")), int(entry["statusListIndex"])
        )
    except (status_list.StatusListError, KeyError, ValueError):
        return _("The credential's place in the status list cannot be read.")


def _check_status(
    claims: dict[str, Any], keys: Mapping[str, dict[str, Any]], fetch: StatusSource, report: Report
) -> bool:
    entry = claims.get("credentialStatus")
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        return report.add(_("Status"), False, _("The credential names no status list."))
    revoked = _status_bit(entry, keys, str(claims.get("iss")), fetch)
    if isinstance(revoked, str):
        return report.add(_("Status"), False, revoked)
    if revoked:
        return report.add(_("Status"), False, _("Revoked by the issuer."))
    return report.add(_("Status"), True, _("Not revoked."))


def verify(
    token: str,
    keys: list[dict[str, Any]],
    trusted_issuers: Collection[str],
    fetch_status: StatusSource,
    now: datetime,
) -> Report:
    report = Report()
    by_kid = {str(jwk["kid"]): jwk for jwk in keys}
    claims = _signed_payload(token, by_kid, report)
    if claims is None:
        return report
    report.credential = claims
    _check_issuer(claims, trusted_issuers, report)
    _check_dates(claims, now, report)
    _check_status(claims, by_kid, fetch_status, report)
    return report


def credential_json(claims: dict[str, Any]) -> str:
    """The credential without the JWT's registered claims, for people to read."""
    document = {k: v for k, v in claims.items() if k not in {"iss", "jti", "nbf", "exp", "sub"}}
    return json.dumps(document, indent=2, ensure_ascii=False)
