"""The blueprint, and the two things every credential view needs: this site's
credential URLs and the signing keys."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, current_app, request

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


def init_app(app: Flask) -> None:
    """Make or read the keys when the app starts, as with the secret key: the key
    file exists from the first start (README, "Credentials"), and a bad
    SKILLGAP_CREDENTIAL_KEYS stops the start with its reason instead of failing
    the first claim. A key file already written is read by the first request that
    signs or verifies (reading it needs joserfc, a tenth of start-up time)."""
    path = Path(app.config["CREDENTIAL_KEYS_FILE"])
    if app.config.get("CREDENTIAL_KEYS") or not path.exists():
        with app.app_context():
            keyring()
    else:
        credential_keys.check_shape(path.read_text(encoding="utf-8"), str(path))
