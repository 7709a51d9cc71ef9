"""Tables of staff accounts, their web sessions, API tokens and the login throttle."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from onestop.db import UTCDateTime


class Role(StrEnum):
    OFFICER = "officer"  # reception officer at a counter
    HANDLER = "handler"  # handling officer at a specialised agency
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True)  # stored lower case
    full_name: str = Field(max_length=200)
    role: str = Field(max_length=20)
    agency_code: str | None = Field(default=None, foreign_key="agency.code", max_length=20)
    password_hash: str = Field(max_length=300)
    active: bool = True
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    # Flask-Login's protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class UserSession(SQLModel, table=True):
    """A web login. The cookie carries a random id; only its SHA-256 is stored, so a copy of
    the database opens no session. Ending the row ends the login on every app server."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    # Written at most every few minutes (SESSION_TOUCH): a page view must not be a write.
    last_seen_at: datetime = Field(sa_type=UTCDateTime)
    # The earlier of the idle limit (from last_seen_at) and the absolute one (from created_at).
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    address: str | None = Field(default=None, max_length=64)


class ApiToken(SQLModel, table=True):
    """A bearer token; only its SHA-256 is stored, the token itself is shown once."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=12)  # lets an admin tell tokens apart without the secret
    name: str = Field(default="", max_length=100)  # what it is for: "cổng DVC", "máy quét"
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # to the day
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginThrottle(SQLModel, table=True):
    """Web logins counted for one scope and key, in the database so every app server sees them.

    Scopes: "pair" (name and address), "address", "name" count failures; "known" marks a name
    and address that logged in successfully, which the name's ceiling then spares. A row is
    locked while a login is checked, so parallel guesses cannot slip in under one count.
    """

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("scope", "username", "address"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=10)
    username: str = Field(default="", max_length=80)  # "" for the address scope
    address: str = Field(default="", max_length=64)  # "" for the name scope
    failures: int = 0  # since window_start
    window_start: datetime = Field(sa_type=UTCDateTime)
    last_at: datetime = Field(sa_type=UTCDateTime, index=True)  # last failure (or success)
    not_before: datetime = Field(sa_type=UTCDateTime)  # no attempt of this scope before then
