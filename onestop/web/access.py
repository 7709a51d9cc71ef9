"""Staff pages: login, then the permission policy decides who may open which page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from onestop.accounts import policy
from onestop.i18n import N_


def page(audience: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Staff only, and only the roles the policy lets open pages of `audience`."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required  # type: ignore[untyped-decorator]  # flask_login ships no types
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not policy.may_open(current_user, audience):
                abort(403, N_("Tài khoản của bạn không có quyền xem trang này."))
            return view(*args, **kwargs)

        return wrapped

    return decorator
