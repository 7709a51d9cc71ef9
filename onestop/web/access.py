"""Who may see what: role checks for staff pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required


def roles_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Staff only; with `roles`, only those roles (admins may do everything)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if roles and current_user.role not in (*roles, "admin"):
                abort(403, "Tài khoản của bạn không có quyền xem trang này.")
            return view(*args, **kwargs)

        return wrapped

    return decorator
