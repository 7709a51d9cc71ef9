"""The users' administration (role admin): list, create, change, reset, disable, tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import Field, SelectField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs: 3.2
from wtforms.validators import InputRequired, Length, Optional

from onestop import db
from onestop.accounts import services as accounts
from onestop.accounts.models import Role, User
from onestop.catalogue.queries import list_agencies
from onestop.errors import DomainError
from onestop.web.access import page
from onestop.web.common import now

bp = Blueprint("admin_users", __name__, url_prefix="/admin/nguoi-dung")
ROLES = [
    SelectChoice(Role.OFFICER.value, _l("Cán bộ tiếp nhận")),
    SelectChoice(Role.HANDLER.value, _l("Cán bộ xử lý")),
    SelectChoice(Role.SUPERVISOR.value, _l("Giám sát")),
    SelectChoice(Role.ADMIN.value, _l("Quản trị")),
]
PASSWORD_HINT = _l("Để trống để hệ thống sinh mật khẩu ngẫu nhiên.")


class _Form(FlaskForm):  # type: ignore[misc]  # flask_wtf ships no types: FlaskForm is Any
    """Choices are checked by the service, so that its Vietnamese message shows."""

    full_name = StringField(
        _l("Họ và tên"), validators=[InputRequired(_l("Nhập họ và tên.")), Length(max=200)]
    )
    role = SelectField(_l("Vai trò"), choices=ROLES, validate_choice=False)
    agency = SelectField(_l("Cơ quan"), validate_choice=False)


class CreateForm(_Form):
    username = StringField(
        _l("Tên đăng nhập"),
        validators=[InputRequired(_l("Nhập tên đăng nhập.")), Length(max=80)],
    )
    password = StringField(
        _l("Mật khẩu"), validators=[Optional(), Length(max=200)], description=PASSWORD_HINT
    )


class EditForm(_Form):
    pass


class PasswordForm(FlaskForm):  # type: ignore[misc]  # as above
    password = StringField(
        _l("Mật khẩu mới"), validators=[Optional(), Length(max=200)], description=PASSWORD_HINT
    )


def _with_agencies(form: Any) -> Any:
    choices = [SelectChoice("", _("(không thuộc cơ quan nào: chỉ cho quản trị)"))]
    choices += [SelectChoice(a.code, f"{a.name} ({a.code})") for a in list_agencies(db.session())]
    form.agency.choices = choices
    return form


def _show_error(form: Any, exc: DomainError) -> None:
    """The service's message beside its field, or above the form."""
    target: Field | None = getattr(form, exc.field, None) if exc.field else None
    if target is None:
        form.form_errors.append(exc.message)
    else:
        target.errors = [*target.errors, exc.message]


def _list(form: CreateForm, status: int = 200) -> Any:
    session = db.session()
    rows = accounts.list_users(session, now=now())
    names = {a.code: a.name for a in list_agencies(session)}
    return render_template("admin/users.html", rows=rows, names=names, form=form), status


@bp.get("")
@page("admin")
def index() -> Any:
    return _list(_with_agencies(CreateForm(role=Role.OFFICER.value)))


@bp.post("")
@page("admin")
def create() -> Any:
    form = _with_agencies(CreateForm())
    if not form.validate_on_submit():
        return _list(form, 422)
    try:
        user, password = accounts.create_user(
            db.session(),
            username=form.username.data,
            full_name=form.full_name.data,
            role=form.role.data,
            agency_code=form.agency.data or None,
            password=form.password.data or None,
            now=now(),
        )
    except DomainError as exc:
        _show_error(form, exc)
        return _list(form, exc.http_status)
    return render_template("admin/users_password.html", user=user, password=password, new=True)


def _detail(user: User, status: int = 200, **forms: Any) -> Any:
    session = db.session()
    edit = forms.pop("edit", None) or _with_agencies(
        EditForm(
            formdata=None, full_name=user.full_name, role=user.role, agency=user.agency_code or ""
        )
    )
    context = {
        "user": user,
        "edit": edit,
        "reset": forms.pop("reset", None) or PasswordForm(formdata=None),
        "tokens": accounts.list_tokens(session, user=user),
        "sessions": accounts.live_sessions(session, user=user, now=now()),
        "now": now(),
        "errors": forms,
    }
    return render_template("admin/users_detail.html", **context), status


@bp.get("/<username>")
@page("admin")
def detail(username: str) -> Any:
    return _detail(accounts.get_user(db.session(), username))


@bp.post("/<username>")
@page("admin")
def update(username: str) -> Any:
    user = accounts.get_user(db.session(), username)
    form = _with_agencies(EditForm())
    if not form.validate_on_submit():
        return _detail(user, 422, edit=form)
    try:
        accounts.update_user(
            db.session(),
            user=user,
            full_name=form.full_name.data,
            role=form.role.data,
            agency_code=form.agency.data or None,
            actor=current_user,
            now=now(),
        )
    except DomainError as exc:  # refused before anything changed
        _show_error(form, exc)
        return _detail(user, exc.http_status, edit=form)
    flash(_("Đã lưu thay đổi của %(name)s.", name=user.username))
    return redirect(url_for("admin_users.detail", username=user.username))


@bp.post("/<username>/mat-khau")
@page("admin")
def reset_password(username: str) -> Any:
    user = accounts.get_user(db.session(), username)
    form = PasswordForm()
    if not form.validate_on_submit():
        return _detail(user, 422, reset=form)
    try:
        password = accounts.set_password(
            db.session(), user=user, password=form.password.data or None, now=now()
        )
    except DomainError as exc:
        _show_error(form, exc)
        return _detail(user, exc.http_status, reset=form)
    return render_template("admin/users_password.html", user=user, password=password, new=False)


def _act(username: str, key: str, work: Callable[[User], str]) -> Any:
    """A button of the detail page: its message is flashed, or shown beside it (`key`)."""
    user = accounts.get_user(db.session(), username)
    try:
        message = work(user)
    except DomainError as exc:
        return _detail(user, exc.http_status, **{key: exc.message})
    flash(message)
    return redirect(url_for("admin_users.detail", username=user.username))


@bp.post("/<username>/khoa")
@page("admin")
def disable(username: str) -> Any:
    def work(user: User) -> str:
        accounts.set_active(db.session(), user=user, active=False, actor=current_user, now=now())
        return str(
            _(
                "Đã khóa tài khoản %(name)s: các phiên đăng nhập và mã truy cập ngừng hoạt động.",
                name=user.username,
            )
        )

    return _act(username, "active", work)


@bp.post("/<username>/mo-khoa")
@page("admin")
def enable(username: str) -> Any:
    def work(user: User) -> str:
        accounts.set_active(db.session(), user=user, active=True, actor=current_user, now=now())
        return str(_("Đã mở khóa tài khoản %(name)s.", name=user.username))

    return _act(username, "active", work)


@bp.post("/<username>/ma-truy-cap/thu-hoi")
@page("admin")
def revoke_tokens(username: str) -> Any:
    def work(user: User) -> str:
        count = accounts.revoke_tokens(db.session(), user=user, now=now())
        return str(_("Đã thu hồi %(n)s mã truy cập của %(name)s.", n=count, name=user.username))

    return _act(username, "tokens", work)


@bp.post("/<username>/ma-truy-cap/<int:token_id>/thu-hoi")
@page("admin")
def revoke_token(username: str, token_id: int) -> Any:
    def work(user: User) -> str:
        accounts.revoke_token(db.session(), user=user, token_id=token_id, now=now())
        return str(_("Đã thu hồi mã truy cập."))

    return _act(username, "tokens", work)
