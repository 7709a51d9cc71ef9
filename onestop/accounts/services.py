"""Creating users and tokens, and checking logins."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from onestop.accounts.models import ApiToken, LoginFailure, Role, User
from onestop.catalogue.queries import get_agency
from onestop.errors import Conflict, Invalid, NotFound, TooManyRequests

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
MIN_PASSWORD = 10
TOKEN_PREFIX = "os_"
ADDRESS_FACTOR = 4
# Checked when the user does not exist, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("onestop-dummy-password")


def create_user(
    session: Session,
    *,
    username: str,
    role: str,
    now: datetime,
    password: str | None = None,
    agency_code: str | None = None,
    full_name: str | None = None,
) -> tuple[User, str]:
    """Create a user; returns it with its password (generated when none is given)."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise Invalid(
            "Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch ngang (2-80 ký tự).",
            field="username",
        )
    if role not in {r.value for r in Role}:
        raise Invalid(f"Vai trò không hợp lệ: {role}.", field="role")
    if role != Role.ADMIN and not agency_code:
        raise Invalid("Mọi vai trò trừ admin phải thuộc một cơ quan (--agency).", field="agency")
    if agency_code:
        agency_code = get_agency(session, agency_code).code
    if session.exec(select(User).where(User.username == username)).first():
        raise Conflict(f"Tên đăng nhập {username} đã có.", code="user_exists")
    password = password or secrets.token_urlsafe(12)
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.", field="password")
    user = User(
        username=username,
        full_name=full_name or username,
        role=role,
        agency_code=agency_code,
        password_hash=generate_password_hash(password),
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user, password


def get_user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    if user is None:
        raise NotFound(f"Không có người dùng {username}.", code="user_not_found")
    return user


def _hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, *, user: User, now: datetime) -> str:
    """A new API token for `user`; only its hash is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    assert user.id is not None
    session.add(
        ApiToken(user_id=user.id, token_hash=_hash_token(token), prefix=token[:10], created_at=now)
    )
    session.flush()
    return token


# A token's last use is kept to the hour: writing it on every call would make every read a write.
TOKEN_USE_PRECISION = timedelta(hours=1)


@dataclass(frozen=True)
class TokenUse:
    """Who a bearer token belongs to, and whether its last use is due to be written down."""

    user: User
    token_id: int
    stale: bool


def user_for_token(session: Session, token: str, *, now: datetime) -> TokenUse | None:
    """The active user of a valid, unrevoked token; reads only."""
    row = session.exec(
        select(ApiToken).where(
            ApiToken.token_hash == _hash_token(token), col(ApiToken.revoked_at).is_(None)
        )
    ).first()
    if row is None or row.id is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    last = row.last_used_at
    return TokenUse(user, row.id, stale=last is None or now - last >= TOKEN_USE_PRECISION)


def record_token_use(session: Session, *, token_id: int, now: datetime) -> None:
    """Write down a token's last use, unless another request already did within the hour."""
    session.execute(
        update(ApiToken)
        .where(col(ApiToken.id) == token_id)
        .where(
            col(ApiToken.last_used_at).is_(None)
            | (col(ApiToken.last_used_at) <= now - TOKEN_USE_PRECISION)
        )
        .values(last_used_at=now)
    )


def authenticate(
    session: Session,
    *,
    username: str,
    password: str,
    address: str,
    now: datetime,
    max_failures: int = 5,
    window: timedelta = timedelta(minutes=15),
) -> User | None:
    """The user if the password is right; None otherwise, with the failure recorded.

    After `max_failures` failures in `window` for the name (four times as many for the
    address), every attempt is refused until the window passes, whether the name exists or not.
    """
    username = username.strip().lower()
    since = now - window
    session.exec(delete(LoginFailure).where(col(LoginFailure.at) < now - 2 * window))
    recent = select(func.count()).select_from(LoginFailure).where(LoginFailure.at >= since)
    by_name = session.exec(recent.where(LoginFailure.username == username)).one()
    # A counter's staff share one address behind the office's NAT: allow more per address.
    by_address = session.exec(recent.where(LoginFailure.address == address)).one()
    if by_name >= max_failures or by_address >= ADDRESS_FACTOR * max_failures:
        raise TooManyRequests(
            f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {int(window.total_seconds() // 60)}"
            " phút.",
            code="too_many_failures",
        )
    user = session.exec(select(User).where(User.username == username)).first()
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is not None and valid and user.active:
        return user
    session.add(LoginFailure(username=username[:80], address=address[:64], at=now))
    session.flush()
    return None
