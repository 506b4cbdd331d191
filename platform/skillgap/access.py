"""Who may open which route: the one decorator every view carries.

``@requires(Role.LEARNER)`` means any signed-in person, ``Role.MANAGER``
managers and admins, ``Role.ADMIN`` admins only. ``@public`` marks the few
routes that need no sign-in. A test walks ``app.url_map`` and fails when a
view has neither, so no route is open by accident.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort
from flask_login import current_user

from skillgap.extensions import login_manager
from skillgap.roles import Role

F = TypeVar("F", bound=Callable[..., object])


def requires(role: Role) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        wrapper.required_role = role  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    view.required_role = None  # type: ignore[attr-defined]
    return view
