"""A real OpenID provider for the tests: tests/oidc/provider.mjs (the npm
package ``oidc-provider``, installed by ``npm ci``) in a Node process on a free
port, and a browserless sign-in at it.

Without Node or the package these tests skip, unless REQUIRE_OIDC=1 (set by
.ci/run), when they fail.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "oidc" / "provider.mjs"
PACKAGE = ROOT / "node_modules" / "oidc-provider"
REQUIRE = os.environ.get("REQUIRE_OIDC") == "1"
CLIENT_ID = "skillgap"
CLIENT_SECRET = "test-secret-for-the-test-provider"


@dataclass(frozen=True)
class Provider:
    issuer: str

    @property
    def authorize(self) -> str:
        return f"{self.issuer}/auth"

    @property
    def token_endpoint(self) -> str:
        return f"{self.issuer}/token"


def client_config(client_id: str, redirect_base: str) -> dict:
    return {
        "client_id": client_id,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{redirect_base}/login/sso/test/callback"],
        "post_logout_redirect_uris": [f"{redirect_base}/login"],
    }


def missing() -> str | None:
    if shutil.which("node") is None:
        return "Node.js is not installed (apt-get install nodejs)"
    if not PACKAGE.exists():
        return "oidc-provider is not installed (npm ci)"
    return None


@contextmanager
def running_provider(
    clients: list[dict], accounts: dict | None = None, id_token_ttl: int = 3600
) -> Iterator[Provider]:
    problem = missing()
    if problem and REQUIRE:
        pytest.fail(f"REQUIRE_OIDC=1 but {problem}")
    if problem:
        pytest.skip(problem)
    port = free_port()
    process = subprocess.Popen(
        ["node", str(SCRIPT)],
        cwd=ROOT,
        env={
            **os.environ,
            "PORT": str(port),
            "CLIENTS": json.dumps(clients),
            "ACCOUNTS": json.dumps(accounts or {}),
            "ID_TOKEN_TTL": str(id_token_ttl),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        if not line.startswith("ready "):
            raise RuntimeError(f"the OpenID provider did not start (exit {process.poll()})")
        yield Provider(line.split()[1])
    finally:
        process.terminate()
        process.wait(timeout=10)


def sign_in_at(authorize_url: str, login: str, stop_at: str) -> str:
    """Follow ``authorize_url`` through the provider's sign-in form as ``login``;
    returns the URL it finally sends the browser to (starting with ``stop_at``,
    which is not fetched)."""
    browser = requests.Session()
    url = authorize_url
    for _ in range(10):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and 'name="login"' in response.text:
            action = unescape(re.search(r'<form[^>]*action="([^"]+)"', response.text)[1])
            response = browser.post(
                urljoin(url, action),
                data={"prompt": "login", "login": login, "password": "any"},
                allow_redirects=False,
                timeout=10,
            )
        if response.status_code not in (302, 303):
            raise AssertionError(f"provider answered {response.status_code}: {response.text[:300]}")
        url = urljoin(url, response.headers["Location"])
        if url.startswith(stop_at):
            return url
    raise AssertionError("too many redirects at the provider")


def tokens_for(
    provider: Provider, login: str, nonce: str, client_id: str = CLIENT_ID, base: str = ""
) -> dict:
    """Tokens the provider issues to ``client_id`` for ``login`` (a flow of our
    own, with PKCE): what a forged-token test starts from."""
    base = base or "http://localhost"
    redirect_uri = f"{base}/login/sso/test/callback"
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = {
        "client_id": client_id,
        "response_type": "code",
        "scope": "openid email profile",
        "redirect_uri": redirect_uri,
        "state": secrets.token_urlsafe(8),
        "nonce": nonce,
        "code_challenge": challenge.rstrip(b"=").decode(),
        "code_challenge_method": "S256",
    }
    landed = sign_in_at(f"{provider.authorize}?{urlencode(query)}", login, redirect_uri)
    code = parse_qs(urlsplit(landed).query)["code"][0]
    response = requests.post(
        provider.token_endpoint,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        auth=(client_id, CLIENT_SECRET),
        timeout=10,
    )
    response.raise_for_status()
    return response.json()
