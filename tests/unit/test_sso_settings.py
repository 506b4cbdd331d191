"""SKILLGAP_OIDC_* settings: read into providers, and a bad one stops start-up
with a message that names it."""

from __future__ import annotations

import pytest

from skillgap.config import ConfigError, GroupRule, oidc_providers_from_environment
from skillgap.roles import Role

ENTRA = {
    "SKILLGAP_OIDC_PROVIDERS": "entra",
    "SKILLGAP_OIDC_ENTRA_ISSUER": "https://login.microsoftonline.com/tenant-id/v2.0",
    "SKILLGAP_OIDC_ENTRA_CLIENT_ID": "client-id",
    "SKILLGAP_OIDC_ENTRA_CLIENT_SECRET": "client-secret",
}


def providers(monkeypatch, **env: str):
    for key, value in {**ENTRA, **env}.items():
        monkeypatch.setenv(key, value)
    return oidc_providers_from_environment()


def test_a_provider_with_its_defaults(monkeypatch) -> None:
    (entra,) = providers(monkeypatch)
    assert entra.metadata_url == (
        "https://login.microsoftonline.com/tenant-id/v2.0/.well-known/openid-configuration"
    )
    assert (entra.label, entra.scopes, entra.default_role) == (
        "Sign in with Entra",
        "openid email profile",
        Role.LEARNER,
    )
    assert entra.allowed_domains == frozenset() and entra.group_rules == ()


def test_domains_and_group_map(monkeypatch) -> None:
    (entra,) = providers(
        monkeypatch,
        SKILLGAP_OIDC_ENTRA_ALLOWED_DOMAINS="Example.com, @example.org",
        SKILLGAP_OIDC_ENTRA_GROUP_MAP="aa-11=manager:Social team; bb-22=admin",
    )
    assert entra.allowed_domains == {"example.com", "example.org"}
    assert entra.group_rules == (
        GroupRule("aa-11", Role.MANAGER, "Social team"),
        GroupRule("bb-22", Role.ADMIN, None),
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SKILLGAP_OIDC_ENTRA_CLIENT_ID": ""}, "SKILLGAP_OIDC_ENTRA_CLIENT_ID"),
        ({"SKILLGAP_OIDC_ENTRA_ISSUER": "http://idp.example"}, "SKILLGAP_OIDC_ENTRA_ISSUER"),
        ({"SKILLGAP_OIDC_ENTRA_GROUP_MAP": "aa=boss"}, "SKILLGAP_OIDC_ENTRA_GROUP_MAP"),
        ({"SKILLGAP_OIDC_ENTRA_DEFAULT_ROLE": "owner"}, "SKILLGAP_OIDC_ENTRA_DEFAULT_ROLE"),
        ({"SKILLGAP_OIDC_PROVIDERS": "Entra!"}, "SKILLGAP_OIDC_PROVIDERS"),
    ],
)
def test_a_bad_setting_names_itself(monkeypatch, env: dict, named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        providers(monkeypatch, **env)
