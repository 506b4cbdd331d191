"""Links in emails: absolute URLs from ``SKILLGAP_BASE_URL``, and the signed
unsubscribe link that works without signing in.

The unsubscribe token is the person's id and the email's kind, signed with the
app's SECRET_KEY (itsdangerous, salt "email-unsubscribe"). It does not expire: a
link in a months-old email should still stop the emails. It grants nothing but
turning one kind of email off, so a leaked link costs at most that. The sender
(the send-digests command) and the site must share SECRET_KEY.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from itsdangerous import BadData, URLSafeSerializer
from werkzeug.routing import Map

from skillgap.services.digests import EmailKind

UNSUBSCRIBE_SALT = "email-unsubscribe"


def unsubscribe_token(secret_key: str, user_id: int, kind: EmailKind) -> str:
    return URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).dumps([user_id, kind.value])


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    kind: EmailKind


def read_unsubscribe_token(secret_key: str, token: str) -> Unsubscribe | None:
    """The token's person and kind, or None for a forged, damaged or odd token."""
    try:
        payload = URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).loads(token)
    except BadData:
        return None
    if not (isinstance(payload, list) and len(payload) == 2):
        return None
    user_id, kind = payload
    if type(user_id) is not int or kind not in {k.value for k in EmailKind}:
        return None
    return Unsubscribe(user_id, EmailKind(kind))


class Links:
    """Absolute URLs of the site's routes under ``base_url`` (no request needed)."""

    def __init__(self, base_url: str, url_map: Map, secret_key: str) -> None:
        parts = urlsplit(base_url.rstrip("/"))
        self._adapter = url_map.bind(
            parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
        )
        self._secret_key = secret_key

    def to(self, endpoint: str, _anchor: str = "", **values: object) -> str:
        url = self._adapter.build(endpoint, values, force_external=True)
        return f"{url}#{_anchor}" if _anchor else url

    def unsubscribe(self, user_id: int, kind: EmailKind) -> str:
        token = unsubscribe_token(self._secret_key, user_id, kind)
        return self.to("auth.email_unsubscribe", token=token)
