"""OpenID Connect sign-in through Authlib: one registered client per provider
in ``OIDC_PROVIDERS`` (config.OidcProvider, from SKILLGAP_OIDC_* settings).

The flow is the authorization code flow with PKCE (S256), ``state`` and
``nonce``, all kept in the signed session cookie by Authlib until the callback
uses them once. Authlib verifies the ID token (``parse_id_token``): the
signature against the provider's JWKS (fetched again once when the key id is
unknown, so a key rotation works), ``iss`` against the discovered issuer,
``aud`` against our client id, ``exp`` / ``iat`` within ``OIDC_LEEWAY``
seconds, and ``nonce`` against the one sent. We also refuse a discovery
document whose issuer is not the configured one (OpenID Connect Discovery 4.3).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from skillgap.config import OidcProvider

EXTENSION = "skillgap.oidc"
log = logging.getLogger(__name__)


class SignInFailed(Exception):
    """A sign-in that cannot go on; ``kind`` is for the log, ``message`` for the person."""

    def __init__(self, kind: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status


def init_app(app: Flask) -> None:
    """Nothing is registered yet: Authlib (and requests under it) is a tenth of
    start-up time, so the clients are made by the first sign-in that needs them."""
    app.extensions[EXTENSION] = None


_registering = threading.Lock()


def _oauth(app: Flask) -> Any:
    with _registering:
        if app.extensions.get(EXTENSION) is None:
            from authlib.integrations.flask_client import OAuth

            oauth = OAuth(app)
            for provider in app.config["OIDC_PROVIDERS"]:
                oauth.register(
                    provider.name,
                    client_id=provider.client_id,
                    client_secret=provider.client_secret,
                    server_metadata_url=provider.metadata_url,
                    client_kwargs={
                        "scope": provider.scopes,
                        "code_challenge_method": "S256",
                        "default_timeout": 10,
                    },
                )
            app.extensions[EXTENSION] = oauth
        return app.extensions[EXTENSION]


def providers() -> tuple[OidcProvider, ...]:
    return current_app.config["OIDC_PROVIDERS"]


def provider_named(name: str) -> OidcProvider | None:
    return next((p for p in providers() if p.name == name), None)


def client_for(provider: OidcProvider) -> Any:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return _oauth(app).create_client(provider.name)


def metadata(provider: OidcProvider) -> Mapping[str, Any]:
    """The provider's discovery document (fetched once per process)."""
    from requests import RequestException

    client = client_for(provider)
    try:
        document = client.load_server_metadata()
    except (RequestException, ValueError) as error:
        raise SignInFailed("provider_down", down(provider), status=502) from error
    if document.get("issuer", "").rstrip("/") != provider.issuer.rstrip("/"):
        raise SignInFailed(
            "issuer_mismatch",
            _(
                "%(provider)s is not set up correctly (its issuer is not the one configured). "
                "Tell your admin.",
                provider=provider.label,
            ),
            status=502,
        )
    return document


def end_session_link(name: str | None) -> tuple[str, str] | None:
    """(label, URL) to sign out at the provider too, when it has an end-session
    endpoint (RP-initiated logout); None if not, or if it cannot be reached."""
    provider = provider_named(name) if name else None
    if provider is None:
        return None
    try:
        endpoint = metadata(provider).get("end_session_endpoint")
    except SignInFailed:
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "client_id": provider.client_id,
            "post_logout_redirect_uri": url_for("auth.login", _external=True),
        }
    )
    return provider.label, f"{endpoint}?{query}"


def verify_id_token(provider: OidcProvider, token: Mapping[str, Any], nonce: str) -> dict:
    """The verified claims of ``token["id_token"]`` (module docstring); raises SignInFailed.
    The same call the callback makes, so tests can hand it forged tokens."""
    from authlib.common.errors import AuthlibBaseError
    from joserfc.errors import JoseError
    from requests import RequestException

    metadata(provider)
    try:
        claims = client_for(provider).parse_id_token(
            dict(token), nonce=nonce, leeway=current_app.config["OIDC_LEEWAY"]
        )
    except (JoseError, AuthlibBaseError, ValueError, KeyError) as error:
        raise SignInFailed("token_invalid", str(INVALID), status=400) from error
    except RequestException as error:
        raise SignInFailed("provider_down", down(provider), status=502) from error
    if claims is None:
        raise SignInFailed("token_invalid", str(INVALID))
    return dict(claims)


INVALID = _l(
    "The sign-in could not be checked (the provider's answer was not valid for Skillgap). "
    "Nothing was changed. Try again; if it happens again, tell your admin."
)


def down(provider: OidcProvider) -> str:
    """The message for a provider that cannot be reached, in the reader's language."""
    return _(
        "%(provider)s is not answering just now. Try again in a few minutes.",
        provider=provider.label,
    )
