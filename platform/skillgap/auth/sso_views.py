"""Single sign-on pages: start a provider's sign-in, and its callback.

Every failure (provider down, state mismatch, refused or invalid token,
unverified email, domain not allowed, deactivated account) is a page that says
what happened and what to do, with a log line; nothing is changed and nobody is
signed in.
"""

from __future__ import annotations

import logging
import secrets

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user

from skillgap import clock
from skillgap.access import public
from skillgap.auth import oidc
from skillgap.auth.oidc import SignInFailed
from skillgap.auth.views import bp
from skillgap.config import OidcProvider
from skillgap.db import get_session
from skillgap.security import safe_next_url
from skillgap.services import sso

log = logging.getLogger(__name__)
NEXT = "sso_next"
SIGNED_IN_WITH = "sso_provider"  # kept in the session for the provider's sign-out


@bp.route("/login/sso/<name>")
@public
def sso_start(name: str):
    provider = oidc.provider_named(name) or abort(404)
    try:
        oidc.metadata(provider)
        session[NEXT] = safe_next_url(request.args.get("next"))
        return oidc.client_for(provider).authorize_redirect(
            url_for("auth.sso_callback", name=name, _external=True),
            nonce=secrets.token_urlsafe(24),
        )
    except SignInFailed as failure:
        return _failed(provider, failure)


@bp.route("/login/sso/<name>/callback")
@public
def sso_callback(name: str):
    provider = oidc.provider_named(name) or abort(404)
    db = get_session()
    try:
        claims = _verified_claims(provider)
        result = sso.sign_in(
            db, provider, claims, clock.now(), current_app.config["BREAK_GLASS_ADMIN"]
        )
    except SignInFailed as failure:
        return _failed(provider, failure)
    except sso.SsoError as error:
        db.rollback()
        return _failed(provider, SignInFailed(error.kind, error.message, status=403))
    db.commit()
    target = session.get(NEXT)
    session.clear()
    session.permanent = True
    login_user(result.user)
    session[SIGNED_IN_WITH] = provider.name
    log.info(
        "sso sign-in: provider=%s user=%s%s",
        provider.name,
        result.user.id,
        " (account created)" if result.created else " (account linked)" if result.linked else "",
    )
    return redirect(safe_next_url(target) or url_for("learn.dashboard"))


def _verified_claims(provider: OidcProvider) -> dict:
    """The code exchanged and the ID token verified (auth/oidc.py), or SignInFailed."""
    if request.args.get("error"):
        reason = request.args.get("error_description") or request.args["error"]
        raise SignInFailed(
            "provider_refused",
            _(
                "%(provider)s did not sign you in: %(reason)s",
                provider=provider.label,
                reason=reason,
            ),
        )
    # Authlib and requests: imported by the sign-in that uses them (start-up time).
    from authlib.common.errors import AuthlibBaseError
    from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
    from joserfc.errors import JoseError
    from requests import RequestException

    oidc.metadata(provider)
    try:
        token = oidc.client_for(provider).authorize_access_token(
            leeway=current_app.config["OIDC_LEEWAY"]
        )
    except MismatchingStateError as error:
        raise SignInFailed("state_mismatch", str(STATE_MISMATCH)) from error
    except OAuthError as error:
        refused = _(
            "%(provider)s refused to complete the sign-in (the code may have been used "
            "already). Start again from the sign-in page.",
            provider=provider.label,
        )
        raise SignInFailed("token_refused", refused) from error
    except (JoseError, AuthlibBaseError, ValueError, KeyError) as error:
        raise SignInFailed("token_invalid", str(oidc.INVALID)) from error
    except RequestException as error:
        raise SignInFailed("provider_down", oidc.down(provider), 502) from error
    claims = token.get("userinfo")
    if not claims:
        raise SignInFailed("token_invalid", str(oidc.INVALID))
    return dict(claims)


def _failed(provider: OidcProvider, failure: SignInFailed):
    cause = failure.__cause__
    log.warning(
        "sso sign-in failed: provider=%s kind=%s%s",
        provider.name,
        failure.kind,
        f" ({type(cause).__name__}: {cause})" if cause else "",
    )
    return render_template("auth/sso_failed.html", provider=provider, failure=failure), (
        failure.status
    )


STATE_MISMATCH = _l(
    "This sign-in link has already been used or has expired (for example after going back "
    "in the browser, or signing in in another tab). Start again from the sign-in page."
)
