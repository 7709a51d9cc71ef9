"""Pages anyone may open without logging in."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from onestop.web.catalogue_views import detail_context, search_context

bp = Blueprint("public", __name__)


@bp.get("/")
def home() -> Any:
    return render_template("home.html")


@bp.get("/thu-tuc")
def catalogue() -> Any:
    return render_template("catalogue/list.html", staff=False, **search_context())


@bp.get("/thu-tuc/<code>")
def procedure(code: str) -> Any:
    return render_template("catalogue/detail.html", staff=False, **detail_context(code))
