"""Small things several blueprints need: the calendar in force, the clock, the actor."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, abort, current_app, url_for
from sqlmodel import Session

from onestop import db
from onestop.calendar import WorkingCalendar
from onestop.deadlines.services import calendar_for
from onestop.dossiers.models import Dossier
from onestop.i18n import N_
from onestop.receipts import build


def current_calendar() -> WorkingCalendar:
    config = current_app.config
    return calendar_for(
        db.session(), catalogue_dir=config["CATALOGUE_DIR"], extra=config.get("CALENDAR")
    )


def now() -> datetime:
    """The request's clock; tests may pin it with the NOW setting."""
    pinned = current_app.config.get("NOW")
    return pinned if pinned is not None else db.utcnow()


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link built on ONESTOP_BASE_URL, never on the request's `Host:` header (a
    client could make the answer point anywhere)."""
    base: str = current_app.config["BASE_URL"]
    return base.rstrip("/") + url_for(endpoint, **values)


def pdf_response(session: Session, row: Dossier, form: str) -> Response:
    """One of the dossier's printed forms, for the counter pages and the API alike."""
    if form not in build.available_forms(row):
        abort(404, N_("Hồ sơ này không có biểu mẫu đó."))
    pdf = build.render(session, row, form, now=now())
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{row.code}-{form}.pdf"'
    return response
