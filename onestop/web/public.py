"""Pages anyone may open without logging in: the catalogue and the dossier lookup."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from onestop import db
from onestop.errors import NotFound
from onestop.lookup import services as lookup
from onestop.web import _translations as request_translations
from onestop.web import limits, select_locale
from onestop.web.catalogue_views import detail_context, search_context, status
from onestop.web.common import now

bp = Blueprint("public", __name__)


def render_light(name: str, **context: Any) -> str:
    """A public template rendered straight from Jinja: what `render_template` adds (the staff
    login's `current_user`, `g`, `session`, signals) is not used by the citizen's layout, and
    the locale, its translations and the stylesheet's address are looked up once."""
    template = current_app.jinja_env.get_template(name)
    locale, translations = _light_locale()
    return template.render(
        context,
        locale=locale,
        translations=translations,
        stylesheet=url_for("static", filename="onestop.css"),
    )


# Per language, the Locale and its translations, found once per process (flask-babel looks
# both up again on every request).
_LIGHT: dict[str, tuple[Any, Any]] = {}


def _light_locale() -> tuple[Any, Any]:
    lang = select_locale()
    found = _LIGHT.get(lang)
    if found is None:
        found = _LIGHT[lang] = (get_locale(), request_translations())
    return found


limits.public(bp)


@bp.get("/")
def home() -> Any:
    return render_template("home.html")


@bp.get("/thu-tuc")
def catalogue() -> Any:
    context = search_context()
    return render_template("catalogue/list.html", staff=False, **context), status(context)


@bp.get("/thu-tuc/<code>")
def procedure(code: str) -> Any:
    return render_template("catalogue/detail.html", staff=False, **detail_context(code))


@bp.route("/tra-cuu", methods=["GET", "POST"])
def lookup_form() -> Any:
    """The code and the last 4 digits of the phone or ID number (POST: they stay out of logs).

    Every try is recorded for the per-code guessing limit, so the POST writes, and a miss
    (404) keeps its row."""
    code = lookup.clean_code(request.form.get("code", ""))
    if request.method == "GET":
        return _lookup_page(code="", errors={}, status=200)
    digits = request.form.get("digits", "").strip()
    errors = _lookup_input_errors(code, digits)
    if errors:
        # Malformed, so not a secret: it stays in the field to be corrected.
        return _lookup_page(code=code, digits=digits, errors=errors, status=422)
    db.keep_on_error()
    try:
        token = lookup.by_code_and_digits(
            db.session(),
            code=code,
            last_digits=digits,
            address=request.remote_addr or "?",
            now=now(),
        )
    except NotFound:
        # The same words and status for an unknown code, wrong digits and a blocked code.
        miss = _(
            "Không tìm thấy hồ sơ với mã và 4 số cuối đã nhập. Vui lòng kiểm tra lại, hoặc quét"
            " mã QR trên giấy tiếp nhận và hẹn trả kết quả, hoặc hỏi tại Bộ phận Một cửa."
        )
        return _lookup_page(code=code, errors={}, miss=miss, status=404)
    return redirect(url_for("public.dossier", token=token))


def _lookup_input_errors(code: str, digits: str) -> dict[str, str]:
    """What was typed wrong, beside its field: a typing mistake is not a guess."""
    errors: dict[str, str] = {}
    if not code:
        errors["code"] = _("Nhập mã hồ sơ in trên giấy tiếp nhận và hẹn trả kết quả.")
    elif not lookup.code_well_formed(code):
        errors["code"] = _(
            "Mã hồ sơ không đúng dạng: mã có dạng 000.01.31.H21-261125-0001, in trên giấy"
            " tiếp nhận và hẹn trả kết quả."
        )
    if not digits:
        errors["digits"] = _("Nhập 4 số cuối của số điện thoại hoặc số định danh cá nhân.")
    elif not lookup.digits_well_formed(digits):
        errors["digits"] = _("Nhập đúng 4 chữ số (0-9), ví dụ 5678.")
    return errors


def _lookup_page(
    *, code: str, errors: dict[str, str], status: int, digits: str = "", miss: str = ""
) -> Any:
    context = {"code": code, "digits": digits, "errors": errors, "miss": miss}
    return render_template("lookup/form.html", **context), status


@bp.get("/tra-cuu/<token>")
def dossier(token: str) -> Any:
    """What the QR code opens: the busiest page, so it reads through a plain connection (no
    session) and renders without the staff pages' context processors."""
    with db.reading() as conn:
        view = lookup.by_token(conn, token, now=now())
    response = render_light("lookup/dossier.html", d=view)
    # A shared phone's browser must not keep someone else's dossier.
    return response, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
