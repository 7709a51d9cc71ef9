"""Small things several blueprints need: the calendar in force, the clock, the actor."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from onestop import db
from onestop.calendar import WorkingCalendar
from onestop.deadlines.services import calendar_for


def current_calendar() -> WorkingCalendar:
    config = current_app.config
    return calendar_for(
        db.session(), catalogue_dir=config["CATALOGUE_DIR"], extra=config.get("CALENDAR")
    )


def now() -> datetime:
    """The request's clock; tests may pin it with the NOW setting."""
    pinned = current_app.config.get("NOW")
    return pinned if pinned is not None else db.utcnow()
