"""The reception counter (role officer): the catalogue at hand, and later the intake."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from onestop.web.access import roles_required
from onestop.web.catalogue_views import detail_context, search_context

bp = Blueprint("counter", __name__, url_prefix="/counter")


@bp.get("/procedures")
@roles_required()
def catalogue() -> Any:
    """The staff catalogue: any staff member may search it."""
    return render_template("catalogue/list.html", staff=True, **search_context())


@bp.get("/procedures/<code>")
@roles_required()
def procedure(code: str) -> Any:
    return render_template("catalogue/detail.html", staff=True, **detail_context(code))
