"""Staff login and logout, on server-side sessions.

Flask-Login keeps the *session's* random id in the signed cookie (under its usual `_user_id`
key), not the user's: the user loader (onestop/web/__init__.py) finds the live `user_session`
row and its active user. Logging out, a new password or disabling the user ends the row, so a
copy of the cookie opens nothing afterwards. There is no remember-me cookie.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from sqlmodel import Session
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from onestop import db
from onestop.accounts import services as accounts
from onestop.accounts.models import Role, User
from onestop.web.common import now

bp = Blueprint("auth", __name__)
SESSION_KEY = "_user_id"  # Flask-Login's key; _security_headers also reads it


class LoginForm(FlaskForm):  # type: ignore[misc]  # flask_wtf ships no types: FlaskForm is Any
    username = StringField(
        _l("Tên đăng nhập"), validators=[InputRequired(_l("Nhập tên đăng nhập.")), Length(max=80)]
    )
    password = PasswordField(
        _l("Mật khẩu"), validators=[InputRequired(_l("Nhập mật khẩu.")), Length(max=200)]
    )


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never redirect a login to another host. Browsers read
    `//host`, `/\\host` and `////host` as another host, and drop tabs and newlines."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        parts = urlsplit(target)
        unsafe = any(c in target for c in "\\\t\r\n") or parts.scheme or parts.netloc
        if not unsafe:
            return target
    return url_for("public.home")


# Where each role lands after login (a `next` address wins).
HOMES = {
    Role.OFFICER: "counter.index",
    Role.HANDLER: "desk.index",
    Role.SUPERVISOR: "counter.logbook",  # until the supervisors' dashboard exists
    Role.ADMIN: "admin.index",
}


def _home(user: User) -> str:
    try:
        return url_for(HOMES[Role(user.role)])
    except (KeyError, ValueError):
        return url_for("public.home")


def session_limits() -> accounts.SessionLimits:
    config = current_app.config
    return accounts.SessionLimits(
        idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        absolute=timedelta(hours=config["SESSION_HOURS"]),
    )


def current_user_of(db_session: Session, secret: str) -> User | None:
    """The user of the session whose id the cookie carries; its activity is written down
    after the response, at most every few minutes, so that a page view stays a read."""
    when = now()
    found = accounts.session_user(db_session, secret, limits=session_limits(), now=when)
    if found is None:
        return None
    if found.extend_to is not None:
        touch = partial(
            accounts.touch_session, session_id=found.session_id, extend_to=found.extend_to
        )
        db.later(partial(touch, now=when))
    return found.user


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 200
    try:
        user = _check(form)
    except accounts.LoginThrottled as exc:
        form.password.errors = [exc.message]
        page = render_template("auth/login.html", form=form)
        return page, 429, {"Retry-After": str(exc.retry_after)}
    if user is None:
        # The same words for an unknown name and a wrong password.
        form.password.errors = [_("Tên đăng nhập hoặc mật khẩu không đúng.")]
        return render_template("auth/login.html", form=form), 401
    _start(user)
    asked = request.args.get("next")
    return redirect(_safe_next(asked) if asked else _home(user))


def _check(form: LoginForm) -> User | None:
    user = accounts.authenticate(
        db.session(),
        username=form.username.data or "",
        password=form.password.data or "",
        address=request.remote_addr or "?",
        now=now(),
    )
    # The failure's count must be kept even though the login is refused.
    db.keep_on_error()
    return user


def _start(user: User) -> None:
    secret = accounts.start_session(
        db.session(), user=user, address=request.remote_addr, limits=session_limits(), now=now()
    )
    # A new cookie for the new login: nothing of the visitor's session before it carries over
    # but the chosen language.
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)
    session[SESSION_KEY] = secret


@bp.post("/dang-xuat")
def logout() -> Any:
    secret = session.get(SESSION_KEY)
    if isinstance(secret, str):
        accounts.end_session(db.session(), secret, now=now())
    logout_user()
    flash(_("Bạn đã đăng xuất."))
    return redirect(url_for("public.home"))
