"""Rate limits on the public pages and the public API, per client address."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar, overload

from flask import Blueprint, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

P = ParamSpec("P")
R = TypeVar("R")

# Behind a proxy, deployments wrap the app in ProxyFix so that this is the client's address.
limiter = Limiter(get_remote_address)


def public_limit() -> str:
    """ONESTOP_PUBLIC_RATE_LIMIT, e.g. "60/minute"."""
    return str(current_app.config["PUBLIC_RATE_LIMIT"])


def limit_off() -> bool:
    """`0` turns the limit off: for a proxy that limits already, and for load measurements."""
    return public_limit() in ("0", "")


@overload
def public(target: Blueprint) -> None: ...
@overload
def public(target: Callable[P, R]) -> Callable[P, R]: ...
def public(target: Blueprint | Callable[P, R]) -> Callable[P, R] | None:
    """Apply the public limit to a blueprint or a view, once, at import time."""
    return limiter.limit(public_limit, exempt_when=limit_off)(target)
