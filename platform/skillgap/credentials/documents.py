"""The machine-readable side: a credential as VC-JWT or JSON, the issuer's
profile, its key set and single keys, the revocation status list and the
achievements. All public: a verifier has no account here."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Response, abort

from skillgap.access import public
from skillgap.credentials.blueprint import bp, keyring, site
from skillgap.curriculum.snapshot import snapshot_of
from skillgap.db import get_session
from skillgap.models import Credential
from skillgap.rules import open_badges
from skillgap.services import credential_keys, credentials
from skillgap.services.credential_jose import MEDIA_TYPE, credential_json

# Verifiers elsewhere fetch these: a short cache, and no cookie needed.
CACHE = "public, max-age=300"


def json_response(document: Any, mimetype: str = "application/json") -> Response:
    response = Response(json.dumps(document, indent=2, ensure_ascii=False), mimetype=mimetype)
    response.headers["Cache-Control"] = CACHE
    response.headers["Access-Control-Allow-Origin"] = "*"  # wallets verify from the browser
    return response


def token_response(token: str, download_name: str | None = None) -> Response:
    response = Response(token, mimetype=MEDIA_TYPE)
    response.headers["Access-Control-Allow-Origin"] = "*"
    if download_name:
        response.headers["Content-Disposition"] = f'attachment; filename="{download_name}"'
    return response


def visible_credential(credential_id: Any) -> Credential:
    from flask_login import current_user

    credential = get_session().get(Credential, str(credential_id))
    if credential is None or not credentials.visible_to(credential, current_user):
        abort(404)  # a private credential does not exist for anyone else
    return credential


def file_name(credential: Credential, suffix: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", f"{credential.skill_id} {credential.level_id}".lower())
    return f"skillgap-{slug.strip('-')}-{credential.id[:8]}.{suffix}"


@bp.get("/<uuid:credential_id>/credential.jwt")
@public
def credential_jwt(credential_id):
    credential = visible_credential(credential_id)
    return token_response(credential.token, file_name(credential, "jwt"))


@bp.get("/<uuid:credential_id>/credential.json")
@public
def credential_document(credential_id):
    credential = visible_credential(credential_id)
    from joserfc import jws

    claims = json.loads(jws.extract_compact(credential.token.encode()).payload)
    return json_response(json.loads(credential_json(claims)), "application/ld+json")


@bp.get("/issuer")
@public
def issuer():
    profile = open_badges.issuer_profile(site().issuer)
    return json_response({"@context": [open_badges.VC_CONTEXT, open_badges.OB_CONTEXT], **profile})


def _served_keys() -> list[dict[str, Any]]:
    """Every public key, each named by its URL (the ``kid`` a credential's header
    carries), so that a JOSE library finds it in the set by itself."""
    here = site()
    keys = credential_keys.all_public_keys(get_session(), keyring())
    return [{**jwk, "kid": here.key_url(jwk["kid"])} for jwk in keys]


@bp.get("/jwks.json")
@public
def jwks():
    return json_response({"keys": _served_keys()}, "application/jwk-set+json")


@bp.get("/keys/<kid>")
@public
def key(kid: str):
    wanted = site().key_url(kid)
    found = next((jwk for jwk in _served_keys() if jwk["kid"] == wanted), None)
    if found is None:
        abort(404)
    return json_response(found, "application/jwk+json")


@bp.get("/status/<int:number>")
@public
def status(number: int):
    if number != credentials.STATUS_LIST:
        abort(404)
    token = credentials.status_list_token(get_session(), site(), keyring())
    response = token_response(token)
    response.headers["Cache-Control"] = "no-cache"  # a revocation counts at once
    return response


@bp.get("/achievements/<skill_id>/<level_id>", defaults={"closed": ""})
@bp.get("/achievements/<skill_id>/<level_id>/<any('gap-closed'):closed>")
@public
def achievement(skill_id: str, level_id: str, closed: str):
    snapshot = snapshot_of(get_session(), localized=False)
    skill = snapshot.skill_by_id.get(skill_id)
    level = snapshot.level_by_id.get(level_id)
    if skill is None or level is None:
        abort(404)
    steps = [open_badges.LevelStep(lv.id, lv.name, lv.min_percent) for lv in snapshot.levels]
    facts = open_badges.AchievementFacts(
        id=site().achievement_url(skill.id, level.id, bool(closed)),
        skill_name=skill.name,
        skill_description=skill.description,
        level=next(step for step in steps if step.id == level.id),
        levels=steps,
        gap_closed=bool(closed),
    )
    document = open_badges.achievement(facts)
    return json_response({"@context": [open_badges.VC_CONTEXT, open_badges.OB_CONTEXT], **document})
