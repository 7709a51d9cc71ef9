"""What `onestop due` computes, apart from reading its options."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask import Flask

from onestop import db
from onestop.calendar import WorkingCalendar, as_vietnam
from onestop.catalogue.queries import get_procedure
from onestop.deadlines import services
from onestop.dossiers.services import processing_time
from onestop.errors import Invalid
from onestop.i18n import N_


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant; without an offset it is Vietnam time."""
    try:
        return as_vietnam(datetime.fromisoformat(text.strip()))
    except ValueError as exc:
        raise Invalid(f"Thời điểm không đọc được: '{text}' (ví dụ 2026-11-25T09:00).") from exc


def parse_amount(text: str) -> str:
    # The due-date calculator page shows these messages too: marked for translation there.
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation as exc:
        raise Invalid(N_("Thời hạn không phải là số: '{text}'.").format(text=text)) from exc
    if not value.is_finite() or value < 0:
        raise Invalid(N_("Thời hạn không được âm: '{text}'.").format(text=text))
    return str(value)


def app_calendar(app: Flask) -> WorkingCalendar:
    """The calendar in force: the override files, then the database's overrides if any."""
    with db.database(app).session_scope(write=False) as session:
        if services.has_override_table(session):
            return services.calendar_for(
                session, catalogue_dir=app.config["CATALOGUE_DIR"], extra=app.config["CALENDAR"]
            )
    return WorkingCalendar(
        overrides=services.file_overrides(app.config["CATALOGUE_DIR"], app.config["CALENDAR"])
    )


def compute_due(
    app: Flask,
    *,
    received: str,
    procedure_code: str | None,
    channel: str,
    duration: tuple[str, str] | None,
) -> str:
    instant = parse_instant(received)
    if procedure_code:
        with db.database(app).session_scope(write=False) as session:
            time = processing_time(get_procedure(session, procedure_code), channel)
        if time is None:
            raise Invalid(f"Thủ tục {procedure_code} chưa công bố thời hạn giải quyết.")
        unit, value = time["unit"], str(time["value"])
    else:
        assert duration is not None
        unit, value = duration[0], parse_amount(duration[1])
    due = app_calendar(app).due(instant, value, unit)
    return due.isoformat(timespec="seconds")
