"""The web layer: one blueprint per audience, kept thin; this module wires them together."""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, g, render_template, request, session
from flask.json.provider import DefaultJSONProvider
from flask_babel import Babel, get_locale, get_translations
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from onestop import db
from onestop.accounts import policy
from onestop.accounts.models import User
from onestop.errors import DomainError
from onestop.i18n import N_, translate
from onestop.web.limits import limiter

log = logging.getLogger("onestop.web")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LOCALES = ("vi", "en")
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()


def select_locale() -> str:
    """Vietnamese unless the visitor chose English (kept in the session)."""
    asked = request.args.get("lang")
    if asked in LOCALES:
        session["lang"] = asked
    lang: str = session.get("lang", "vi")  # only ever one of LOCALES (above)
    return lang


@login_manager.user_loader  # type: ignore[untyped-decorator]  # flask_login ships no types
def _load_user(session_id: str) -> User | None:
    """The cookie's `_user_id` is the id of a server-side session (onestop/web/auth.py)."""
    from onestop.web.auth import current_user_of  # auth imports the blueprints' helpers

    return current_user_of(db.session(), session_id)


def iso_vn(value: str | None) -> str:
    """An ISO 8601 instant of the API's shapes, shown as the pages show times."""
    return vn_datetime(datetime.fromisoformat(value)) if value else ""


TIMELINESS_NAMES = {"early": _l("Trước hạn"), "on_time": _l("Đúng hạn"), "late": _l("Quá hạn")}


def vn_datetime(value: datetime | None, fmt: str = "%H:%M %d/%m/%Y") -> str:
    """Show an instant in Vietnam time, dd/mm/yyyy."""
    if value is None:
        return ""
    return value.astimezone(VN_TZ).strftime(fmt)


ROLE_NAMES = {
    "officer": _l("Cán bộ tiếp nhận"),
    "handler": _l("Cán bộ xử lý"),
    "supervisor": _l("Giám sát"),
    "admin": _l("Quản trị"),
}
WEEKDAYS = (
    N_("Thứ Hai"),
    N_("Thứ Ba"),
    N_("Thứ Tư"),
    N_("Thứ Năm"),
    N_("Thứ Sáu"),
    N_("Thứ Bảy"),
    N_("Chủ Nhật"),
)


def weekday(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _log_error(status: int, code: str) -> None:
    # The route's pattern, not the path: a path may carry a QR token or a dossier code.
    rule = request.url_rule.rule if request.url_rule else "(no route)"
    log.info("%s %s -> %s %s", request.method, rule, status, code)


def _domain_error(exc: DomainError) -> Any:
    _log_error(exc.http_status, exc.code)
    if _wants_json():
        return exc.as_dict(), exc.http_status
    return render_template("error.html", message=exc.message, status=exc.http_status), (
        exc.http_status
    )


def _http_error(exc: HTTPException) -> Any:
    status = exc.code or 500
    code = (exc.name or "error").lower().replace(" ", "_")
    _log_error(status, code)
    if _wants_json():
        return {"error": {"code": code, "message": exc.description or exc.name}}, status
    return render_template("error.html", message=exc.description, status=status), status


def _csrf_error(exc: CSRFError) -> Any:
    message = N_("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang.")
    return render_template("error.html", message=message, status=400), 400


PRIVATE_TYPES = frozenset({"application/pdf", "application/json", XLSX})
# Scripts, styles and images from this site only: no inline script or style anywhere (the QR
# code on the public page is a data: image). A page injected with markup can run nothing.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
access_log = logging.getLogger("onestop.access")
# Paths whose last part is a secret: the QR page's token.
_SECRET_PATH = re.compile(r"^(/tra-cuu/)([^/]{4})[^/]*")


def _security_headers(response: Any) -> Any:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    # Staff pages, the forms, the exports and the API carry ID numbers and phones, and the QR
    # page's address is its secret: no browser or proxy may keep them. (A staff login is the
    # session's `_user_id`: no query needed.)
    if (
        "_user_id" in session
        or response.mimetype in PRIVATE_TYPES
        or request.path.startswith("/tra-cuu/")
    ):
        headers["Cache-Control"] = "no-store"
    return response


def shown_path(path: str) -> str:
    """`path` as logs may show it: the QR token cut to its first four characters."""
    return _SECRET_PATH.sub(r"\1\2…", path)


def _access_log(response: Any) -> Any:
    """One line per request, with the path's secrets cut: the server's own access log stays
    off (docs/operations.md), this one replaces it."""
    access_log.info(
        "%s %s %s %s",
        request.remote_addr,
        request.method,
        shown_path(request.path),
        response.status_code,
    )
    return response


def _translations() -> Any:
    """The request's translations, looked up once: flask-babel resolves them on every call."""
    cached = g.get("_translations")
    if cached is None:
        cached = g._translations = get_translations()
    return cached


@pass_context
def _gettext(context: Context, message: str, **variables: Any) -> str:
    """Jinja's new-style gettext in one call: `_()` is on every line of every page, and the
    extension's own wrappers cost three calls through the template runtime for each."""
    # A page rendered by `render_light` carries the request's translations in its context.
    translations = context.get("translations") or _translations()
    text: str = translate(translations, message) if message else message
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables if variables else text


@pass_context
def _ngettext(context: Context, singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    text: str = _translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


@pass_context
def _shown(context: Context, value: Any) -> Any:
    """Every `{{ value }}` a page prints, in the page's language: a status, an action, a
    channel, a service's message, as the services word them in Vietnamese (onestop.i18n).
    Data that is no message (a name, an address, a procedure) matches nothing and stays."""
    if type(value) is not str or not value:
        return value
    translations = context.get("translations") or _translations()
    if not getattr(translations, "_catalog", None):
        return value  # Vietnamese: the messages are already in it
    return translate(translations, value)


def _fast_gettext(app: Flask) -> None:
    env = app.jinja_env
    env.add_extension("jinja2.ext.i18n")
    env.newstyle_gettext = True  # type: ignore[attr-defined]  # set by the i18n extension
    env.globals.update(gettext=_gettext, ngettext=_ngettext, _=_gettext)
    env.finalize = _shown


# No request needs more: the largest intake the limits allow (onestop/fields.py) is under 50 kB.
# Online submissions with files set their own limit on their route.
MAX_BODY = 1024 * 1024


class StrictJSON(DefaultJSONProvider):
    """JSON as RFC 8259 defines it: no NaN or Infinity, and nesting deep enough to exhaust
    the parser's stack is malformed too, never a 500."""

    ensure_ascii = False  # Vietnamese stays readable

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = super().loads(s, parse_constant=_refuse_constant, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        if _has_lone_surrogate(value):
            # `"\ud800"` parses, but no database or answer can hold it.
            raise ValueError("lone surrogate in a JSON string")
        return value


def _has_lone_surrogate(value: Any) -> bool:
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode()
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def init_app(app: Flask) -> None:
    from onestop.web import admin, admin_users, api, auth, counter, desk, public, tools

    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).parent.parent / "translations")
    )
    app.json = StrictJSON(app)
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None: no limit
        app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["RATE_LIMIT_STORAGE"])
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # With the limit off (a proxy limits already, or a load measurement), skip the limiter.
    app.config.setdefault(
        "RATELIMIT_ENABLED", str(app.config["PUBLIC_RATE_LIMIT"]) not in ("0", "")
    )
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    _fast_gettext(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("Vui lòng đăng nhập để tiếp tục.")
    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(counter.bp)
    app.register_blueprint(desk.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(tools.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(admin_users.bp)
    csrf.exempt(api.bp)  # bearer tokens, no cookies: nothing for CSRF to protect
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.after_request(_security_headers)
    app.after_request(_access_log)
    app.jinja_env.filters["vn_datetime"] = vn_datetime
    app.jinja_env.filters["iso_vn"] = iso_vn
    app.jinja_env.globals.update(
        locales=LOCALES,
        get_locale=get_locale,
        weekday=weekday,
        role_names=ROLE_NAMES,
        timeliness_names=TIMELINESS_NAMES,
        may_open=policy.may_open,
        sees_every_agency=policy.sees_every_agency,
    )
