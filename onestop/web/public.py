"""Pages anyone may open without logging in: the catalogue and the dossier lookup."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale

from onestop import db
from onestop.errors import NotFound
from onestop.lookup import services as lookup
from onestop.web import _translations as request_translations
from onestop.web import limits, select_locale
from onestop.web.catalogue_views import detail_context, search_context
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
    return render_template("catalogue/list.html", staff=False, **search_context())


@bp.get("/thu-tuc/<code>")
def procedure(code: str) -> Any:
    return render_template("catalogue/detail.html", staff=False, **detail_context(code))


@bp.route("/tra-cuu", methods=["GET", "POST"])
@db.read_only
def lookup_form() -> Any:
    """The code and the last 4 digits of the phone or ID number (POST: they stay out of logs)."""
    error = None
    code = request.form.get("code", "").strip()
    if request.method == "POST":
        try:
            dossier = lookup.by_code_and_digits(
                db.session(), code=code, last_digits=request.form.get("digits", "")
            )
        except NotFound as exc:
            error = exc.message
        else:
            return redirect(url_for("public.dossier", token=dossier.public_token))
    status = 404 if error else 200
    return render_template("lookup/form.html", code=code, error=error), status


@bp.get("/tra-cuu/<token>")
def dossier(token: str) -> Any:
    """What the QR code opens: the busiest page, so it reads through a plain connection (no
    session) and renders without the staff pages' context processors."""
    with db.reading() as conn:
        view = lookup.by_token(conn, token, now=now())
    response = render_light("lookup/dossier.html", d=view)
    # A shared phone's browser must not keep someone else's dossier.
    return response, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
