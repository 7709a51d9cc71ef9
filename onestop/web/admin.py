"""Administration (role admin): the working calendar's overrides and applying them."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import col, select

from onestop import db
from onestop.calendar import OverridesFileError, parse_overrides_text
from onestop.deadlines import services
from onestop.deadlines.models import CalendarOverride
from onestop.errors import Invalid
from onestop.web.access import page
from onestop.web.common import current_calendar, now

bp = Blueprint("admin", __name__, url_prefix="/admin")
EXAMPLE = """days_off:
  - {date: 2027-02-05, reason: Nghỉ Tết Nguyên đán, decision: Thông báo .../TB-BNV}
working_days:
  - {date: 2027-02-20, reason: Làm bù cho ngày 05/02/2027}
"""


def _page(status: int = 200, **context: Any) -> Any:
    session = db.session()
    rows = session.exec(select(CalendarOverride).order_by(col(CalendarOverride.day))).all()
    moves = services.moves(session, calendar=current_calendar())
    context.setdefault("text", "")
    return render_template(
        "admin/calendar.html", rows=rows, moves=moves, example=EXAMPLE, **context
    ), status


@bp.get("/lich")
@page("admin")
def calendar() -> Any:
    return _page()


@bp.post("/lich")
@page("admin")
def add_overrides() -> Any:
    """A year's official schedule in one go, in the format of the overrides file."""
    text = request.form.get("overrides", "")
    try:
        overrides = parse_overrides_text(text, filename="dòng")
        if not overrides:
            raise Invalid("Chưa nhập ngày nào.")
        count = services.set_overrides(
            db.session(), overrides=overrides, actor=current_user, now=now()
        )
    except OverridesFileError as exc:
        return _page(422, text=text, errors=[f"{line}: {m}" for _, line, m in exc.errors])
    except Invalid as exc:
        return _page(422, text=text, errors=[exc.message])
    flash(f"Đã lưu {count} ngày. Hạn trả của hồ sơ đang giải quyết chưa thay đổi: xem bên dưới.")
    return redirect(url_for("admin.calendar"))


@bp.post("/lich/<day>/xoa")
@page("admin")
def remove_override(day: str) -> Any:
    try:
        parsed = date.fromisoformat(day)
    except ValueError as exc:
        raise Invalid("Ngày không hợp lệ.") from exc
    services.remove_override(db.session(), day=parsed)
    flash(f"Đã xóa điều chỉnh ngày {parsed:%d/%m/%Y}.")
    return redirect(url_for("admin.calendar"))


@bp.post("/lich/ap-dung")
@page("admin")
def apply_moves() -> Any:
    """Move the due times of open dossiers to what the calendar in force gives."""
    done = services.apply_moves(
        db.session(), calendar=current_calendar(), actor=current_user, now=now()
    )
    flash(f"Đã điều chỉnh hạn trả của {len(done)} hồ sơ.")
    return redirect(url_for("admin.calendar"))
