"""Verifiable credentials through the real app: claiming, the public page and
files, independent verification with only the served key set, tampering, a
wrong key, expiry, revocation through the status list, key rotation, privacy."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet, OKPKey

from skillgap import clock
from skillgap.models import Credential
from skillgap.roles import Role
from skillgap.rules import status_list
from tests import factories
from tests.conftest import csrf_token, login, post_form, reread


@pytest.fixture
def holder(db, content):
    person = factories.make_user(db, Role.LEARNER, email="holder@example.net", name="Hana Holder")
    factories.make_results(db, person, {"strategy-planning": 2, "platform-metrics": 0})
    db.commit()
    return person


def signed_in(app, person):
    client = app.test_client()
    assert login(client, person.email).status_code == 302
    return client


def claim(client, offer_key: str, public: bool = False):
    data = {"offer": offer_key, **({"public": "y"} if public else {})}
    return post_form(client, "/credentials/claim", data, page="/credentials")


def offer_keys(client) -> list[str]:
    page = client.get("/credentials").get_data(as_text=True)
    return re.findall(r'name="offer" value="([^"]+)"', page)


def issue(app, holder, public: bool = True) -> tuple[object, str, str]:
    """(client, credential id, token) of the holder's Strategy & planning credential."""
    client = signed_in(app, holder)
    [key] = offer_keys(client)
    response = claim(client, key, public)
    assert response.status_code == 302, response.get_data(as_text=True)
    credential_id = response.headers["Location"].rsplit("/", 1)[-1]
    token = client.get(f"/credentials/{credential_id}/credential.jwt").get_data(as_text=True)
    return client, credential_id, token


def payload(token: str) -> dict:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_only_a_level_at_or_above_entry_is_offered_and_why_others_are_not(app, holder) -> None:
    client = signed_in(app, holder)
    page = client.get("/credentials").get_data(as_text=True)
    assert offer_keys(client) and len(offer_keys(client)) == 1
    assert "Strategy &amp; planning: Intermediate" in page
    assert "Platform metrics: below Entry, the lowest level this organisation certifies" in page


def test_claimed_credential_verifies_with_only_the_served_key_set(app, holder) -> None:
    _client, credential_id, token = issue(app, holder)
    anonymous = app.test_client()
    jwks = anonymous.get("/credentials/jwks.json")
    assert jwks.status_code == 200 and jwks.mimetype == "application/jwk-set+json"
    # joserfc's own verify, given nothing but the published key set: it picks
    # the key by the header's kid.
    decoded = jwt.decode(token, KeySet.import_key_set(jwks.get_json()), algorithms=["EdDSA"])
    assert decoded.header["alg"] == "EdDSA" and decoded.header["typ"] == "vc+jwt"
    claims = decoded.claims
    assert claims["id"] == f"http://localhost/credentials/{credential_id}" == claims["jti"]
    assert claims["iss"] == claims["issuer"]["id"] == "http://localhost/credentials/issuer"
    assert "OpenBadgeCredential" in claims["type"]
    identity = claims["credentialSubject"]["identifier"][0]
    # The recipient is a salted hash of the lower-case email, never the address.
    import hashlib

    expected = hashlib.sha256(("holder@example.net" + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"
    assert "holder@example.net" not in token.lower()
    # The header's kid dereferences to that key.
    key = anonymous.get(urlparse(decoded.header["kid"]).path)
    assert key.status_code == 200 and key.get_json()["x"] in json.dumps(jwks.get_json())
    # The page, the JSON and the vc+jwt media type.
    page = anonymous.get(f"/credentials/{credential_id}").get_data(as_text=True)
    assert "Verified" in page and "Not revoked." in page
    as_jwt = anonymous.get(
        f"/credentials/{credential_id}", headers={"Accept": "application/vc+jwt"}
    )
    assert as_jwt.mimetype == "application/vc+jwt" and as_jwt.get_data(as_text=True) == token
    document = anonymous.get(f"/credentials/{credential_id}/credential.json").get_json()
    assert (
        document["credentialSubject"]["achievement"]["name"] == "Strategy & planning: Intermediate"
    )
    assert "iss" not in document and document["validFrom"]


def verify_cli(app, tmp_path, token: str):
    path = tmp_path / "credential.jwt"
    path.write_text(token)
    return app.test_cli_runner().invoke(args=["credentials", "verify", str(path)])


def test_tampered_payload_fails_with_a_clear_reason(app, holder, tmp_path) -> None:
    _client, _id, token = issue(app, holder)
    header, _body, signature = token.split(".")
    claims = payload(token)
    claims["credentialSubject"]["achievement"]["name"] = "Strategy & planning: Advanced"
    forged_body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    forged = f"{header}.{forged_body}.{signature}"
    jwks = KeySet.import_key_set(app.test_client().get("/credentials/jwks.json").get_json())
    with pytest.raises(BadSignatureError):
        jwt.decode(forged, jwks, algorithms=["EdDSA"])
    result = verify_cli(app, tmp_path, forged)
    assert result.exit_code == 1
    assert "Signature: FAILED: The signature does not match" in result.output
    page = post_form(
        app.test_client(), "/credentials/verify", {"token": forged}, "/credentials/verify"
    )
    text = page.get_data(as_text=True)
    assert "Not verified" in text and "The signature does not match" in text


def test_a_wrong_key_fails_whether_it_claims_a_known_kid_or_not(app, holder, tmp_path) -> None:
    _client, _id, token = issue(app, holder)
    claims = payload(token)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    stranger = OKPKey.generate_key("Ed25519", private=True)
    same_kid = jwt.encode(header, claims, stranger, algorithms=["EdDSA"])
    result = verify_cli(app, tmp_path, same_kid)
    assert result.exit_code == 1 and "The signature does not match" in result.output
    own_kid = jwt.encode({**header, "kid": stranger.thumbprint()}, claims, stranger, ["EdDSA"])
    result = verify_cli(app, tmp_path, own_kid)
    assert result.exit_code == 1
    assert "Signature: FAILED: Signed with a key the issuer never published." in result.output


def test_the_cli_verifies_a_good_file(app, holder, tmp_path) -> None:
    _client, _id, token = issue(app, holder)
    result = verify_cli(app, tmp_path, token)
    assert result.exit_code == 0, result.output
    for line in ("Signature: ok", "Issuer: ok: Issued by Skillgap.", "Status: ok: Not revoked."):
        assert line in result.output
    assert "Verified: Strategy & planning: Intermediate" in result.output
    missing = app.test_cli_runner().invoke(args=["credentials", "verify", str(tmp_path / "no")])
    assert missing.exit_code != 0 and "does not exist" in missing.output


def test_an_expired_credential_fails(app, holder, tmp_path, monkeypatch) -> None:
    app.config["CREDENTIAL_VALID_DAYS"] = 30
    _client, credential_id, token = issue(app, holder)
    assert payload(token)["validUntil"] and payload(token)["exp"] > payload(token)["nbf"]
    later = clock.now() + timedelta(days=31)
    monkeypatch.setattr(clock, "now", lambda: later)
    result = verify_cli(app, tmp_path, token)
    assert result.exit_code == 1 and "Dates: FAILED: Expired on" in result.output
    page = app.test_client().get(f"/credentials/{credential_id}").get_data(as_text=True)
    assert "Not verified" in page and "Expired on" in page


def test_revocation_is_published_in_the_status_list(app, db, holder, tmp_path) -> None:
    _client, credential_id, token = issue(app, holder)
    entry = payload(token)["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    index = int(entry["statusListIndex"])
    anonymous = app.test_client()

    def revoked_in_list() -> bool:
        served = anonymous.get(urlparse(entry["statusListCredential"]).path)
        assert served.mimetype == "application/vc+jwt"
        jwks = KeySet.import_key_set(anonymous.get("/credentials/jwks.json").get_json())
        listed = jwt.decode(served.get_data(as_text=True), jwks, algorithms=["EdDSA"]).claims
        assert "BitstringStatusListCredential" in listed["type"]
        return status_list.is_set(listed["credentialSubject"]["encodedList"], index)

    assert not revoked_in_list()
    admin = factories.make_user(db, Role.ADMIN, email="admin@example.net")
    db.commit()
    admin_client = signed_in(app, admin)
    url = f"/admin/credentials/{credential_id}/revoke"
    assert post_form(admin_client, url, {"reason": ""}, "/admin/credentials").status_code == 422
    assert not revoked_in_list()  # a bad form changes nothing
    done = post_form(
        admin_client, url, {"reason": "Issued to the wrong person"}, "/admin/credentials"
    )
    assert done.status_code == 302
    assert revoked_in_list()
    result = verify_cli(app, tmp_path, token)
    assert result.exit_code == 1 and "Status: FAILED: Revoked by the issuer." in result.output
    page = anonymous.get(f"/credentials/{credential_id}").get_data(as_text=True)
    assert "Revoked by the issuer." in page
    reread(db)
    assert db.get(Credential, credential_id).revoke_reason == "Issued to the wrong person"
    assert "wrong person" not in page  # the reason is not published


def test_after_key_rotation_old_credentials_verify_and_new_ones_use_the_new_key(
    app, holder, tmp_path
) -> None:
    app.config["CREDENTIAL_KEYS_FILE"] = str(tmp_path / "keys.json")
    client, old_id, old_token = issue(app, holder)
    old_kid = jwt.decode(
        old_token,
        KeySet.import_key_set(app.test_client().get("/credentials/jwks.json").get_json()),
        algorithms=["EdDSA"],
    ).header["kid"]
    rotated = app.test_cli_runner().invoke(args=["credentials", "rotate-key"])
    assert rotated.exit_code == 0, rotated.output
    saved = json.loads((tmp_path / "keys.json").read_text())["keys"]
    assert len(saved) == 2 and "d" in saved[0] and "d" not in saved[1]  # old key: public only
    # A second skill reaches a level: the new credential is signed by the new key.
    with app.app_context():
        from skillgap.db import get_session

        session = get_session()
        factories.make_results(session, session.merge(holder), {"platform-metrics": 3})
        session.commit()
    [key] = [k for k in offer_keys(client) if k.startswith("level:")]
    new_id = claim(client, key).headers["Location"].rsplit("/", 1)[-1]
    new_token = client.get(f"/credentials/{new_id}/credential.jwt").get_data(as_text=True)
    jwks = KeySet.import_key_set(app.test_client().get("/credentials/jwks.json").get_json())
    new_kid = jwt.decode(new_token, jwks, algorithms=["EdDSA"]).header["kid"]
    assert new_kid != old_kid
    assert jwt.decode(old_token, jwks, algorithms=["EdDSA"]).claims["id"].endswith(old_id)
    assert verify_cli(app, tmp_path, old_token).exit_code == 0
    assert verify_cli(app, tmp_path, new_token).exit_code == 0


def test_a_private_credential_is_404_to_everyone_but_its_holder_and_admins(app, db, holder) -> None:
    client, credential_id, _token = issue(app, holder, public=False)
    paths = [
        f"/credentials/{credential_id}",
        f"/credentials/{credential_id}/credential.jwt",
        f"/credentials/{credential_id}/credential.json",
    ]
    other = factories.make_user(db, Role.LEARNER, email="other@example.net")
    manager = factories.make_user(db, Role.MANAGER, email="boss@example.net")
    admin = factories.make_user(db, Role.ADMIN, email="root@example.net")
    db.commit()
    for viewer in (app.test_client(), signed_in(app, other), signed_in(app, manager)):
        for path in paths:
            assert viewer.get(path).status_code == 404, path
    for viewer in (client, signed_in(app, admin)):
        for path in paths:
            assert viewer.get(path).status_code == 200, path
    # Someone else cannot flip it public; the holder can.
    flip = {"public": "1", "csrf_token": csrf_token(signed_in(app, other), "/credentials")}
    assert signed_in(app, other).post(
        f"/credentials/{credential_id}/visibility", data=flip
    ).status_code in (400, 404)
    made_public = post_form(
        client, f"/credentials/{credential_id}/visibility", {"public": "1"}, "/credentials"
    )
    assert made_public.status_code == 302
    assert app.test_client().get(paths[0]).status_code == 200


def test_the_share_links_and_linkedin_fields(app, holder) -> None:
    client, credential_id, _token = issue(app, holder, public=True)
    page = client.get(f"/credentials/{credential_id}").get_data(as_text=True)
    link = re.search(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', page).group(1)
    fields = {k: v[0] for k, v in parse_qs(urlparse(link.replace("&amp;", "&")).query).items()}
    today = clock.now()
    assert fields["startTask"] == "CERTIFICATION_NAME"
    assert fields["name"] == "Strategy & planning: Intermediate"
    assert fields["organizationName"] == "Skillgap"
    assert fields["issueYear"] == str(today.year) and fields["issueMonth"] == str(today.month)
    assert fields["certUrl"] == f"http://localhost/credentials/{credential_id}"
    assert fields["certId"] == credential_id and "expirationYear" in fields
    download = client.get(f"/credentials/{credential_id}/credential.jwt")
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["Content-Disposition"].endswith('.jwt"')


def test_claiming_twice_or_someone_elses_result_is_refused(app, db, holder) -> None:
    client = signed_in(app, holder)
    [key] = offer_keys(client)
    assert claim(client, key).status_code == 302
    again = claim(client, key)
    assert again.status_code == 422 and "already hold it" in again.get_data(as_text=True)
    other = factories.make_user(db, Role.LEARNER, email="other@example.net")
    db.commit()
    assert claim(signed_in(app, other), key).status_code == 422
    reread(db)
    assert db.query(Credential).count() == 1


def test_a_closed_gap_is_offered_with_both_results_as_evidence(app, db, holder) -> None:
    from skillgap.services import paths

    factories.make_results(
        db, holder, {"platform-metrics": 1}, when=clock.now() + timedelta(seconds=5)
    )
    db.commit()
    client = signed_in(app, holder)
    keys = offer_keys(client)
    gap = [k for k in keys if k.startswith("gap-closed:")]
    assert gap, keys
    response = claim(client, gap[0])
    credential_id = response.headers["Location"].rsplit("/", 1)[-1]
    token = client.get(f"/credentials/{credential_id}/credential.jwt").get_data(as_text=True)
    claims = payload(token)
    assert claims["name"] == "Platform metrics: gap closed at Entry"
    assert [e["narrative"].split(":")[1].split(",")[0].strip() for e in claims["evidence"]] == [
        "Below entry",
        "Entry",
    ]
    assert paths  # imported for the rule it applies


def test_the_organisation_can_certify_from_a_higher_level_only(app, holder) -> None:
    app.config["CREDENTIAL_MIN_LEVEL"] = "advanced"
    assert offer_keys(signed_in(app, holder)) == []
    app.config["CREDENTIAL_MIN_LEVEL"] = "expert"
    page = signed_in(app, holder).get("/credentials").get_data(as_text=True)
    assert "SKILLGAP_CREDENTIAL_MIN_LEVEL is expert, which is no level of the framework" in page


def test_keys_are_made_at_the_first_start_and_bad_environment_keys_stop_it(
    database_url, tmp_path
) -> None:
    from skillgap import create_app
    from skillgap.config import ConfigError
    from tests.conftest import app_config

    key_file = tmp_path / "instance" / "credential-keys.json"
    create_app(app_config(database_url, CREDENTIAL_KEYS_FILE=str(key_file)))
    assert key_file.exists() and key_file.stat().st_mode & 0o077 == 0
    first = key_file.read_text()
    create_app(app_config(database_url, CREDENTIAL_KEYS_FILE=str(key_file)))
    assert key_file.read_text() == first  # a restart keeps the key

    public_only = json.dumps({"keys": [OKPKey.generate_key("Ed25519").as_dict(private=False)]})
    with pytest.raises(ConfigError, match="private part"):
        create_app(app_config(database_url, CREDENTIAL_KEYS=public_only))
