"""Configuration: defaults, then `ONESTOP_*` environment variables, then the mapping given."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

# Settings read from the environment as ONESTOP_<NAME>.
ENV_SETTINGS = (
    "INSTANCE_PATH",
    "DATABASE_URL",
    "SECRET_KEY",
    "BASE_URL",
    "CALENDAR",
    "CATALOGUE_DIR",
    "PUBLIC_RATE_LIMIT",
    "RATE_LIMIT_STORAGE",
    "TRUSTED_PROXIES",
    "SESSION_IDLE_MINUTES",
    "SESSION_HOURS",
)
# Settings that are whole numbers, whether they come from the environment or the mapping.
INT_SETTINGS = ("TRUSTED_PROXIES", "SESSION_IDLE_MINUTES", "SESSION_HOURS")


def normalise_database_url(url: str) -> str:
    """Accept the plain URLs of README.md#configuration; use psycopg 3 for PostgreSQL."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _secret_key(instance: Path) -> str:
    """A key kept in the instance folder, so one server's sessions survive a restart.

    Deployments with several app servers must set ONESTOP_SECRET_KEY for all of them.
    """
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The effective configuration."""
    config: dict[str, Any] = {
        "INSTANCE_PATH": str(INSTANCE),
        "CATALOGUE_DIR": str(ROOT / "procedures"),
        "CALENDAR": None,
        "PUBLIC_RATE_LIMIT": "60/minute",
        # memory:// counts per process; several app servers share redis://HOST:6379 instead.
        "RATE_LIMIT_STORAGE": "memory://",
        # How many proxies in front of the app set X-Forwarded-For and -Proto; 0 ignores them,
        # so a client cannot choose the address that rate limits and login throttling see.
        "TRUSTED_PROXIES": 0,
        # A staff login ends after this long without a page, and at the latest this long after.
        "SESSION_IDLE_MINUTES": 120,
        "SESSION_HOURS": 12,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
    }
    for name in ENV_SETTINGS:
        value = os.environ.get(f"ONESTOP_{name}")
        if value:
            config[name] = value
    config.update(overrides or {})
    for name in INT_SETTINGS:
        try:
            config[name] = int(config[name])
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"ONESTOP_{name} must be a whole number, not {config[name]!r}"
            ) from exc
    # Unset, links and QR codes carry the address `onestop serve` listens on (onestop/server.py).
    config["BASE_URL_IS_DEFAULT"] = not config.get("BASE_URL")
    config["BASE_URL"] = config.get("BASE_URL") or "http://127.0.0.1:5000"
    instance = Path(config["INSTANCE_PATH"])
    config.setdefault("DATABASE_URL", f"sqlite:///{instance / 'onestop.db'}")
    config["DATABASE_URL"] = normalise_database_url(config["DATABASE_URL"])
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _secret_key(instance)
    config.setdefault("SESSION_COOKIE_SECURE", str(config["BASE_URL"]).startswith("https://"))
    return config
