"""Staff login and logout."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from onestop import db
from onestop.accounts.models import Role, User
from onestop.accounts.services import authenticate
from onestop.errors import TooManyRequests

bp = Blueprint("auth", __name__)


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
    Role.ADMIN: "admin.calendar",
}


def _home(user: User) -> str:
    try:
        return url_for(HOMES[Role(user.role)])
    except (KeyError, ValueError):
        return url_for("public.home")


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = _check(form)
        except TooManyRequests as exc:
            form.password.errors = [exc.message]
            status = 429
        else:
            if user is not None:
                login_user(user)
                asked = request.args.get("next")
                return redirect(_safe_next(asked) if asked else _home(user))
            # The same words for an unknown name and a wrong password.
            form.password.errors = [_("Tên đăng nhập hoặc mật khẩu không đúng.")]
            status = 401
    return render_template("auth/login.html", form=form), status


def _check(form: LoginForm) -> Any:
    session = db.session()
    config = current_app.config
    user = authenticate(
        session,
        username=form.username.data or "",
        password=form.password.data or "",
        address=request.remote_addr or "?",
        now=db.utcnow(),
        max_failures=config["LOGIN_MAX_FAILURES"],
        window=timedelta(minutes=config["LOGIN_WINDOW_MINUTES"]),
    )
    # The failure record must be kept even though the login is refused.
    db.keep_on_error()
    return user


@bp.post("/dang-xuat")
def logout() -> Any:
    logout_user()
    flash(_("Bạn đã đăng xuất."))
    return redirect(url_for("public.home"))
