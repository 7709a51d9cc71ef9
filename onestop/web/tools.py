"""Staff tools: the due-date calculator (tính ngày hẹn trả)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, render_template, request

from onestop import db, fields
from onestop.calendar import VN_TZ, Unit
from onestop.catalogue.queries import get_procedure
from onestop.deadlines.cli import parse_amount
from onestop.dossiers.services import processing_time, time_text
from onestop.errors import DomainError, Invalid
from onestop.i18n import N_
from onestop.web.access import page
from onestop.web.common import current_calendar, now

bp = Blueprint("tools", __name__, url_prefix="/cong-cu")
UNITS = {
    "working_days": N_("ngày làm việc"),
    "days": N_("ngày (theo lịch)"),
    "hours": N_("giờ làm việc"),
    "same_day": N_("trong ngày"),
}
# A duration as the page says it, and its upper bound: one template per unit, so that each
# translates as a whole.
DURATIONS = {
    "working_days": N_("{value} ngày làm việc"),
    "days": N_("{value} ngày (theo lịch)"),
    "hours": N_("{value} giờ làm việc"),
    "same_day": N_("{value} trong ngày"),
}
TOO_LONG = {
    "working_days": N_("Tối đa {limit} ngày làm việc."),
    "days": N_("Tối đa {limit} ngày (theo lịch)."),
    "hours": N_("Tối đa {limit} giờ làm việc."),
    "same_day": N_("Tối đa {limit} trong ngày."),
}


# The longest time a procedure gives is well under a year; these bound what the calculator
# (and the day-by-day explanation it prints) may be asked to count.
MAX_AMOUNT = {"working_days": 500, "days": 730, "hours": 4000, "same_day": 0}


def _received(raw: str) -> datetime:
    if not raw:
        return now()
    try:
        when = datetime.fromisoformat(raw[:40]).replace(tzinfo=VN_TZ)
    except ValueError as exc:
        raise Invalid(N_("Thời điểm tiếp nhận không hợp lệ."), field="received") from exc
    if not fields.in_years(when.date()):
        raise Invalid(
            N_("Thời điểm tiếp nhận phải trong khoảng {first}-{last}.").format(
                first=fields.FIRST_YEAR, last=fields.LAST_YEAR
            ),
            field="received",
        )
    return when


def _duration(args: Any) -> tuple[str, str, str]:
    """(value, unit, label) from a procedure's own time or from the typed duration."""
    code = args.get("procedure", "").strip()
    if code:
        procedure = get_procedure(db.session(), code)
        time = processing_time(procedure, args.get("channel", "in_person"))
        if time is None:
            reason = procedure.data.get("no_appointment")
            if reason is not None:  # no appointment by law: say why, as its page does
                raise Invalid(time_text(None, no_appointment=reason), field="procedure")
            raise Invalid(N_("Thủ tục này chưa công bố thời hạn giải quyết."), field="procedure")
        return (
            str(time["value"]),
            time["unit"],
            f"{procedure.code} {procedure.name}: {time_text(time)}",
        )
    unit = args.get("unit", "working_days")
    if unit not in UNITS:
        raise Invalid(N_("Đơn vị thời gian không hợp lệ."), field="unit")
    value = "0" if unit == Unit.SAME_DAY else parse_amount(args.get("value", "")[:20] or "-")
    if float(value) > MAX_AMOUNT[unit]:
        raise Invalid(TOO_LONG[unit].format(limit=MAX_AMOUNT[unit]), field="value")
    return value, unit, DURATIONS[unit].format(value=value.replace(".", ","))


@bp.get("/ngay-hen")
@page("staff")
def due_date() -> Any:
    """Pick a procedure or a duration and a reception time; see the due time and why."""
    context: dict[str, Any] = {"args": request.args, "units": UNITS, "errors": {}}
    if request.args.get("procedure") or request.args.get("value") or request.args.get("unit"):
        try:
            received = _received(request.args.get("received", ""))
            value, unit, label = _duration(request.args)
            context["explanation"] = current_calendar().explain(received, value, unit)
            context["label"] = label
        except DomainError as exc:
            context["errors"][exc.field or "value"] = exc.message
        except ValueError as exc:  # a whole number of calendar days, a too-far date
            context["errors"]["value"] = N_("Không tính được: {reason}").format(reason=exc)
    context["default_received"] = now().astimezone(VN_TZ).strftime("%Y-%m-%dT%H:%M")
    return render_template("tools/due_date.html", **context), 422 if context["errors"] else 200
