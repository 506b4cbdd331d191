"""Pure rules: roles, password policy, redirects after sign-in."""

from __future__ import annotations

import pytest

from skillgap.passwords import password_problem
from skillgap.roles import Role
from skillgap.security import safe_next_url


@pytest.mark.parametrize(
    ("holder", "needed", "allowed"),
    [
        (Role.LEARNER, Role.LEARNER, True),
        (Role.LEARNER, Role.MANAGER, False),
        (Role.LEARNER, Role.ADMIN, False),
        (Role.MANAGER, Role.LEARNER, True),
        (Role.MANAGER, Role.MANAGER, True),
        (Role.MANAGER, Role.ADMIN, False),
        (Role.ADMIN, Role.MANAGER, True),
        (Role.ADMIN, Role.ADMIN, True),
    ],
)
def test_role_ranking(holder: Role, needed: Role, allowed: bool) -> None:
    assert holder.includes(needed) is allowed


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("a" * 11, False),
        ("a" * 12, True),
        ("é" * 12, True),  # characters, not bytes
        ("   spaces   ", True),
        ("🔑" * 128, True),
        ("a" * 129, False),
        ("", False),
    ],
)
def test_password_length_rules(password: str, ok: bool) -> None:
    assert (password_problem(password) is None) is ok


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/team", "/team"),
        ("/admin/users?q=x", "/admin/users?q=x"),
        (None, None),
        ("", None),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example", None),
        ("javascript:alert(1)", None),
    ],
)
def test_next_url_only_follows_local_paths(target: str | None, expected: str | None) -> None:
    assert safe_next_url(target) == expected
