"""Users, their web sessions and API tokens, and the check of logins with its throttle."""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import and_, func, or_, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from onestop.accounts.models import ApiToken, LoginThrottle, Role, User, UserSession
from onestop.calendar import VN_TZ
from onestop.catalogue.queries import get_agency
from onestop.errors import Conflict, Forbidden, Invalid, NotFound, TooManyRequests
from onestop.i18n import N_

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
MIN_PASSWORD = 10
TOKEN_PREFIX = "os_"
TOKEN_DAYS = 365
MAX_TOKEN_DAYS = 5 * 365
# Checked when the user does not exist, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("onestop-dummy-password")


def _sha256(secret: str) -> str:
    # Session ids and tokens carry 256 random bits, so a fast hash is enough: nothing to
    # brute-force, and a copy of the database opens nothing.
    return hashlib.sha256(secret.encode()).hexdigest()


# --- users -------------------------------------------------------------------------------


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(
            N_("Mật khẩu cần ít nhất {limit} ký tự.").format(limit=MIN_PASSWORD), field="password"
        )


def _checked_agency(session: Session, role: str, agency_code: str | None) -> str | None:
    if role not in {r.value for r in Role}:
        raise Invalid(N_("Vai trò không hợp lệ: {role}.").format(role=role), field="role")
    if role != Role.ADMIN and not agency_code:
        raise Invalid(N_("Mọi vai trò trừ quản trị phải thuộc một cơ quan."), field="agency")
    if not agency_code:
        return None
    try:
        return get_agency(session, agency_code).code
    except NotFound as exc:  # a wrong choice in a form: bad input, beside the field
        raise Invalid(exc.message, code=exc.code, field="agency") from exc


def new_password() -> str:
    """A generated password, shown once."""
    return secrets.token_urlsafe(12)


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
            N_(
                "Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch ngang (2-80 ký tự)."
            ),
            field="username",
        )
    agency_code = _checked_agency(session, role, agency_code)
    if session.exec(select(User).where(User.username == username)).first():
        raise Conflict(
            N_("Tên đăng nhập {username} đã có.").format(username=username),
            code="user_exists",
            field="username",
        )
    password = password or new_password()
    _check_password(password)
    user = User(
        username=username,
        full_name=(full_name or "").strip() or username,
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
        raise NotFound(
            N_("Không có người dùng {username}.").format(username=username), code="user_not_found"
        )
    return user


@dataclass(frozen=True)
class UserRow:
    """A line of the users' list."""

    user: User
    live_tokens: int


def list_users(session: Session, *, now: datetime) -> list[UserRow]:
    """Every user by name, with the number of tokens that still work."""
    live = (
        select(ApiToken.user_id, func.count().label("n"))
        .where(col(ApiToken.revoked_at).is_(None), col(ApiToken.expires_at) > now)
        .group_by(col(ApiToken.user_id))
        .subquery()
    )
    rows = session.exec(
        select(User, func.coalesce(live.c.n, 0))
        .outerjoin(live, live.c.user_id == User.id)
        .order_by(col(User.username))
    ).all()
    return [UserRow(user, int(n)) for user, n in rows]


def _lock_admins(session: Session) -> list[User]:
    """The active admins, locked: two admins demoting each other at once must not leave none
    (on PostgreSQL the second waits, then sees the first's change; SQLite serialises writers)."""
    query = (
        select(User)
        .where(User.role == Role.ADMIN.value, col(User.active))
        .order_by(col(User.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(session.exec(query))


def _keep_an_admin(session: Session, user: User) -> None:
    admins = _lock_admins(session)
    if [a.id for a in admins] == [user.id]:
        raise Conflict(
            N_(
                "Đây là tài khoản quản trị cuối cùng: hãy tạo hoặc mở khóa một quản trị khác trước."
            ),
            code="last_admin",
        )


def update_user(
    session: Session,
    *,
    user: User,
    role: str,
    agency_code: str | None,
    full_name: str,
    actor: User | None,
    now: datetime,
) -> User:
    """Change a user's role, agency and name. An admin keeps their own role, and the last
    active admin stays one."""
    agency_code = _checked_agency(session, role, agency_code or None)
    if role != user.role:
        if actor is not None and actor.id == user.id:
            raise Forbidden(N_("Không thể tự đổi vai trò của mình."), code="own_role", field="role")
        if user.role == Role.ADMIN and user.active:
            _keep_an_admin(session, user)
    user.role = role
    user.agency_code = agency_code
    user.full_name = full_name.strip() or user.full_name
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, *, user: User, password: str | None, now: datetime) -> str:
    """A new password (generated when none is given); every session of the user ends."""
    password = password or new_password()
    _check_password(password)
    user.password_hash = generate_password_hash(password)
    session.add(user)
    end_sessions(session, user=user, now=now)
    session.flush()
    return password


def set_active(
    session: Session, *, user: User, active: bool, actor: User | None, now: datetime
) -> None:
    """Disable or enable a user. Disabling ends their sessions at once, and their tokens stop
    working while they are disabled."""
    if not active:
        if actor is not None and actor.id == user.id:
            raise Forbidden(N_("Không thể tự khóa tài khoản của mình."), code="own_account")
        if user.role == Role.ADMIN and user.active:
            _keep_an_admin(session, user)
        end_sessions(session, user=user, now=now)
    user.active = active
    session.add(user)
    session.flush()


# --- web sessions --------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionLimits:
    """How long a web session lasts: idle, and at most from the login."""

    idle: timedelta = timedelta(hours=2)
    absolute: timedelta = timedelta(hours=12)


# A session's last activity is written at most this often: a page view must not be a write.
SESSION_TOUCH = timedelta(minutes=5)
# Ended sessions are kept this long for an admin's questions, then deleted.
SESSION_KEEP = timedelta(days=30)


def start_session(
    session: Session, *, user: User, address: str | None, limits: SessionLimits, now: datetime
) -> str:
    """A new web session for `user` after a successful login; returns the id for the cookie."""
    assert user.id is not None
    secret = secrets.token_urlsafe(32)
    session.exec(delete(UserSession).where(col(UserSession.expires_at) < now - SESSION_KEEP))
    session.add(
        UserSession(
            token_hash=_sha256(secret),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + min(limits.idle, limits.absolute),
            address=(address or "")[:64] or None,
        )
    )
    user.last_login_at = now
    session.add(user)
    session.flush()
    return secret


@dataclass(frozen=True)
class SessionUse:
    """The user of a live web session, and the new expiry if its activity is due to be
    written down (None otherwise)."""

    user: User
    session_id: int
    extend_to: datetime | None


Secret = TypeVar("Secret", UserSession, ApiToken)


def _live(
    session: Session, kind: type[Secret], secret: str, *, now: datetime
) -> tuple[Secret, User] | None:
    """The unrevoked, unexpired session or token whose hash `secret` has, with its user, if
    that user is active: sessions and tokens are looked up the same way."""
    row = session.exec(
        select(kind, User)
        .join(User, col(User.id) == kind.user_id)
        .where(
            kind.token_hash == _sha256(secret),
            col(kind.revoked_at).is_(None),
            col(kind.expires_at) > now,
            col(User.active),
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


def session_user(
    session: Session, secret: str, *, limits: SessionLimits, now: datetime
) -> SessionUse | None:
    """The active user of a live session; reads only (the caller writes the activity later)."""
    row = _live(session, UserSession, secret, now=now)
    if row is None:
        return None
    found, user = row
    assert found.id is not None
    extend_to = None
    if now - found.last_seen_at >= SESSION_TOUCH:
        extend_to = min(now + limits.idle, found.created_at + limits.absolute)
    return SessionUse(user, found.id, extend_to)


def touch_session(session: Session, *, session_id: int, extend_to: datetime, now: datetime) -> None:
    """Write down a session's activity, unless another request did within SESSION_TOUCH."""
    session.execute(
        update(UserSession)
        .where(col(UserSession.id) == session_id, col(UserSession.revoked_at).is_(None))
        .where(col(UserSession.last_seen_at) <= now - SESSION_TOUCH)
        .values(last_seen_at=now, expires_at=extend_to)
    )


def end_session(session: Session, secret: str, *, now: datetime) -> None:
    """Logout: the session's id stops opening pages, wherever the cookie was copied."""
    session.execute(
        update(UserSession)
        .where(col(UserSession.token_hash) == _sha256(secret))
        .where(col(UserSession.revoked_at).is_(None))
        .values(revoked_at=now)
    )


def end_sessions(session: Session, *, user: User, now: datetime) -> int:
    """End every live session of `user` (password change, disabling)."""
    result = session.execute(
        update(UserSession)
        .where(col(UserSession.user_id) == user.id, col(UserSession.revoked_at).is_(None))
        .where(col(UserSession.expires_at) > now)
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def live_sessions(session: Session, *, user: User, now: datetime) -> int:
    return session.exec(
        select(func.count())
        .select_from(UserSession)
        .where(UserSession.user_id == user.id, col(UserSession.revoked_at).is_(None))
        .where(col(UserSession.expires_at) > now)
    ).one()


# --- API tokens --------------------------------------------------------------------------


def create_token(
    session: Session, *, user: User, now: datetime, name: str = "", days: int = TOKEN_DAYS
) -> str:
    """A new API token for `user`, valid `days` days; only its hash is kept."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise Invalid(
            N_("Thời hạn của mã truy cập: từ 1 đến {limit} ngày.").format(limit=MAX_TOKEN_DAYS),
            field="days",
        )
    if len(name) > 100:
        raise Invalid(N_("Tên của mã truy cập tối đa 100 ký tự."), field="name")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    assert user.id is not None
    session.add(
        ApiToken(
            user_id=user.id,
            token_hash=_sha256(token),
            prefix=token[:10],
            name=name.strip(),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    session.flush()
    return token


def _vn_day_start(now: datetime) -> datetime:
    """Midnight of `now`'s day in Vietnam: a token's last use is kept to that day."""
    return now.astimezone(VN_TZ).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class TokenUse:
    """Who a bearer token belongs to, and whether its last use is due to be written down."""

    user: User
    token_id: int
    stale: bool


def user_for_token(session: Session, token: str, *, now: datetime) -> TokenUse | None:
    """The active user of a valid, unexpired, unrevoked token; reads only."""
    row = _live(session, ApiToken, token, now=now)
    if row is None:
        return None
    found, user = row
    assert found.id is not None
    last = found.last_used_at
    return TokenUse(user, found.id, stale=last is None or last < _vn_day_start(now))


def record_token_use(session: Session, *, token_id: int, now: datetime) -> None:
    """Write down a token's last use, unless another request already did today."""
    session.execute(
        update(ApiToken)
        .where(col(ApiToken.id) == token_id)
        .where(
            col(ApiToken.last_used_at).is_(None) | (col(ApiToken.last_used_at) < _vn_day_start(now))
        )
        .values(last_used_at=now)
    )


def list_tokens(session: Session, *, user: User) -> list[ApiToken]:
    """A user's tokens, newest first (revoked and expired ones too)."""
    return list(
        session.exec(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
        )
    )


def revoke_token(session: Session, *, user: User, token_id: int, now: datetime) -> None:
    """Revoke one token of `user`."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound(N_("Không có mã truy cập này."), code="token_not_found")
    if row.revoked_at is None:
        row.revoked_at = now
        session.add(row)
        session.flush()


def revoke_tokens(session: Session, *, user: User, now: datetime) -> int:
    """Revoke every token of `user` that is not revoked yet; returns how many."""
    result = session.execute(
        update(ApiToken)
        .where(col(ApiToken.user_id) == user.id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# --- login throttle ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Failures of one scope: `free` are let through; from then on each failure makes the next
    attempt wait twice as long as the one before (1, 2, 4 ... seconds), up to `cap`. The count
    starts again `window` after its first failure."""

    free: int
    window: timedelta
    cap: timedelta

    def delay(self, failures: int) -> timedelta:
        if failures < self.free:
            return timedelta(0)
        doublings = min(failures - self.free, 40)  # 2**40 s is past any cap
        return min(self.cap, timedelta(seconds=2**doublings))


@dataclass(frozen=True)
class Throttle:
    # One name from one address: someone guessing that user's password there.
    pair: Rule = Rule(free=3, window=timedelta(hours=24), cap=timedelta(minutes=15))
    # A counter's staff share one address behind the office's NAT: more room per address.
    address: Rule = Rule(free=20, window=timedelta(hours=1), cap=timedelta(minutes=15))
    # One name from many addresses: slowed a little, never locked out for minutes, and not at
    # all from an address the user has logged in from before.
    name: Rule = Rule(free=50, window=timedelta(hours=1), cap=timedelta(seconds=30))
    # How long a successful address stays known.
    known: timedelta = timedelta(days=30)


THROTTLE = Throttle()


def _keys(username: str, address: str) -> dict[str, tuple[str, str]]:
    return {
        "pair": (username, address),
        "address": ("", address),
        "name": (username, ""),
        "known": (username, address),
    }


def _wait_message(seconds: int) -> str:
    # One template per unit, so that the wait translates with the sentence around it.
    if seconds < 60:
        return N_("Đăng nhập sai nhiều lần. Vui lòng chờ {seconds} giây rồi thử lại.").format(
            seconds=seconds
        )
    return N_("Đăng nhập sai nhiều lần. Vui lòng chờ {minutes} phút rồi thử lại.").format(
        minutes=math.ceil(seconds / 60)
    )


class LoginThrottled(TooManyRequests):
    """An attempt inside the delay; `retry_after` is in whole seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(_wait_message(retry_after), code="too_many_failures")
        self.retry_after = retry_after


def _locked_rows(session: Session, keys: dict[str, tuple[str, str]]) -> dict[str, LoginThrottle]:
    """This attempt's rows, locked in id order so that two logins never wait on each other."""
    wanted = [(scope, name, address) for scope, (name, address) in keys.items()]
    rows = session.exec(
        select(LoginThrottle)
        .where(
            tuple_(
                col(LoginThrottle.scope), col(LoginThrottle.username), col(LoginThrottle.address)
            ).in_(wanted)
        )
        .order_by(col(LoginThrottle.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {row.scope: row for row in rows}


def _check_delays(rows: dict[str, LoginThrottle], now: datetime) -> None:
    known = "known" in rows and rows["known"].last_at >= now - THROTTLE.known
    scopes = ["pair", "address"] + ([] if known else ["name"])
    waits = [rows[s].not_before - now for s in scopes if s in rows and rows[s].not_before > now]
    if waits:
        raise LoginThrottled(math.ceil(max(waits).total_seconds()))


def _upsert(session: Session, values: dict[str, Any], changes: dict[str, Any]) -> None:
    """Insert a throttle row; if a concurrent login inserted it first, apply `changes`."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(LoginThrottle).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["scope", "username", "address"], set_=changes
        )
    )


def _count_failure(
    session: Session,
    rows: dict[str, LoginThrottle],
    keys: dict[str, tuple[str, str]],
    now: datetime,
) -> None:
    for scope in ("pair", "address", "name"):
        rule: Rule = getattr(THROTTLE, scope)
        row = rows.get(scope)
        if row is None:
            name, address = keys[scope]
            values: dict[str, Any] = {"scope": scope, "username": name, "address": address}
            values["failures"] = 1
            values |= {"window_start": now, "last_at": now, "not_before": now + rule.delay(1)}
            failures = LoginThrottle.__table__.c.failures  # type: ignore[attr-defined]
            _upsert(session, values, {"failures": failures + 1, "last_at": now})
            continue
        if row.window_start <= now - rule.window:
            row.failures, row.window_start = 0, now
        row.failures += 1
        row.last_at = now
        row.not_before = now + rule.delay(row.failures)
        session.add(row)


def _count_success(
    session: Session,
    rows: dict[str, LoginThrottle],
    keys: dict[str, tuple[str, str]],
    now: datetime,
) -> None:
    if "pair" in rows:
        session.delete(rows["pair"])
    name, address = keys["known"]
    values: dict[str, Any] = {"scope": "known", "username": name, "address": address}
    values["failures"] = 0
    values |= {"window_start": now, "last_at": now, "not_before": now}
    _upsert(session, values, {"last_at": now})


def _prune(session: Session, now: datetime) -> None:
    """Rows whose count has run out and whose delay has passed say nothing any more."""
    t = THROTTLE
    stale = or_(
        and_(col(LoginThrottle.scope) == "pair", col(LoginThrottle.last_at) < now - t.pair.window),
        and_(
            col(LoginThrottle.scope) == "address",
            col(LoginThrottle.last_at) < now - t.address.window,
        ),
        and_(col(LoginThrottle.scope) == "name", col(LoginThrottle.last_at) < now - t.name.window),
        and_(col(LoginThrottle.scope) == "known", col(LoginThrottle.last_at) < now - t.known),
    )
    session.exec(delete(LoginThrottle).where(stale, col(LoginThrottle.not_before) < now))


def authenticate(
    session: Session, *, username: str, password: str, address: str, now: datetime
) -> User | None:
    """The user if the password is right; None otherwise, with the failure counted.

    An attempt while its name and address, or its address, must wait is refused with
    LoginThrottled (429) without looking at the password; so is one while the name must wait,
    unless the user has logged in from this address before. An unknown name and a wrong
    password cost the same and are counted the same.
    """
    username = username.strip().lower()[:80]
    address = address[:64]
    keys = _keys(username, address)
    rows = _locked_rows(session, keys)
    _check_delays(rows, now)
    user = session.exec(select(User).where(User.username == username)).first()
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is not None and valid and user.active:
        _count_success(session, rows, keys, now)
        session.flush()
        return user
    _count_failure(session, rows, keys, now)
    session.flush()
    _prune(session, now)  # after counting: this attempt's rows are fresh now
    return None
