"""The blueprint, and the two things every credential view needs: this site's
credential URLs and the signing keys."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, request

from skillgap.services import credential_keys, credentials
from skillgap.services.credential_keys import Keyring

bp = Blueprint("credentials", __name__, url_prefix="/credentials")
EXTENSION = "skillgap.credential_keys"


def site() -> credentials.Site:
    """URLs start at SKILLGAP_BASE_URL when it is set (it should be, before the
    first credential is issued: the URLs are inside every credential), else at
    the address this request came to."""
    base = current_app.config.get("SKILLGAP_BASE_URL") or request.url_root
    return credentials.Site(base.rstrip("/"), current_app.config["ISSUER_NAME"])


def keyring() -> Keyring:
    """The key set, read again when the key file changes (after a rotation)."""
    config = current_app.config
    path = Path(config["CREDENTIAL_KEYS_FILE"])

    def stamp() -> tuple[str, int | None]:
        return config.get(
            "CREDENTIAL_KEYS"
        ) or "", path.stat().st_mtime_ns if path.exists() else None

    cached = current_app.extensions.get(EXTENSION)
    if cached is not None and cached[0] == stamp():
        return cached[1]
    ring = credential_keys.load(config)
    current_app.extensions[EXTENSION] = (stamp(), ring)
    return ring
