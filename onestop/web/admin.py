"""Administration (role admin): the admin's home, the working calendar's days off and make-up
working days with their layers and the due times they would move, and the catalogue as its
check and its editors' notes."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from onestop import db
from onestop.calendar import VN_TZ, WorkingCalendar
from onestop.catalogue.files import overlay_path, read_catalogue
from onestop.catalogue.schema import catalogue_counts
from onestop.deadlines import entries, services
from onestop.deadlines.entries import ScheduleInvalid
from onestop.dossiers.validation import ValidationFailed
from onestop.errors import DomainError, NotFound
from onestop.fields import FIRST_YEAR, LAST_YEAR
from onestop.lookup import attempts
from onestop.web.access import page
from onestop.web.common import current_calendar, now

bp = Blueprint("admin", __name__, url_prefix="/admin")

# The admin pages, by endpoint; a page of a blueprint not registered (yet) is left out.
PAGES = (
    ("admin.calendar", _l("Lịch làm việc"), _l("Ngày nghỉ, ngày làm việc bù và hạn trả hồ sơ.")),
    ("admin.catalogue", _l("Danh mục thủ tục"), _l("Kết quả kiểm tra và ghi chú nội bộ.")),
    ("admin_users.index", _l("Tài khoản cán bộ"), _l("Thêm, khóa tài khoản và phân quyền.")),
    ("admin.lookups", _l("Tra cứu hồ sơ"), _l("Các lần tra cứu bằng mã và 4 chữ số, mã bị khóa.")),
)
LAYER_NAMES = {
    services.Layer.PACKAGE: _l("Ngày lễ theo Bộ luật Lao động (gói holidays)"),
    services.Layer.SHIPPED: _l("Tệp lịch kèm phần mềm (procedures/calendar.yaml)"),
    services.Layer.LOCAL: _l("Tệp lịch của đơn vị (ONESTOP_CALENDAR)"),
    services.Layer.ADMIN: _l("Quản trị viên nhập"),
}
EXAMPLE = """days_off:
  - {date: 2027-02-11, reason: Nghỉ Tết Nguyên đán, decision: Thông báo .../TB-BNV}
working_days:
  - {date: 2027-02-20, reason: Làm bù cho ngày 11/02/2027}
"""
# Labels of the catalogue's facts, for its editors' notes (onestop/catalogue/schema.py).
FACT_NAMES = {
    "code_name": _l("Mã và tên thủ tục"),
    "processing_time": _l("Thời hạn giải quyết"),
    "documents": _l("Thành phần hồ sơ"),
    "fees": _l("Phí, lệ phí"),
    "legal_basis": _l("Căn cứ pháp lý"),
    "result": _l("Kết quả"),
    "applicants": _l("Đối tượng thực hiện"),
    "online_level": _l("Mức độ dịch vụ công trực tuyến"),
    "any_counter": _l("Tiếp nhận không phụ thuộc địa giới hành chính"),
    "publication": _l("Quyết định công bố"),
    "steps": _l("Trình tự thực hiện"),
    "sets": _l("Số lượng hồ sơ"),
    "level": _l("Cấp thực hiện"),
    "level_agency": _l("Cấp và cơ quan thực hiện"),
    "channels": _l("Cách thức thực hiện"),
    "routing": _l("Quy trình liên thông"),
    "interconnection": _l("Liên thông"),
    "variants": _l("Trường hợp"),
    "forms": _l("Mẫu đơn, tờ khai"),
    "conditions": _l("Yêu cầu, điều kiện"),
}


@bp.get("/")
@page("admin")
def index() -> Any:
    pages = [p for p in PAGES if p[0] in current_app.view_functions]
    return render_template("admin/index.html", pages=pages)


@bp.get("/tra-cuu")
@page("admin")
def lookups() -> Any:
    """The public lookup by code and 4 digits over the last day: the tries and the codes that
    were blocked after too many wrong ones (someone guessing, or a citizen who mistyped)."""
    session, when = db.session(), now()
    return render_template(
        "admin/lookups.html",
        counts=attempts.attempt_counts(session, now=when),
        blocked=attempts.recent_blocks(session, now=when),
    )


# The working calendar


def _base() -> WorkingCalendar:
    config = current_app.config
    return services.file_calendar(config["CATALOGUE_DIR"], config.get("CALENDAR"))


def _year() -> tuple[int, str | None]:
    """The year asked for (?nam=2027), the current one in Vietnam by default."""
    this_year = now().astimezone(VN_TZ).year
    raw = request.args.get("nam", "").strip()
    if not raw:
        return this_year, None
    if raw.isascii() and raw.isdigit() and FIRST_YEAR <= int(raw) <= LAST_YEAR:
        return int(raw), None
    message = gettext(
        "Năm phải là một số từ %(first)s đến %(last)s.", first=FIRST_YEAR, last=LAST_YEAR
    )
    return this_year, str(message)


def _calendar_page(status: int = 200, **context: Any) -> Any:
    session, config = db.session(), current_app.config
    year, year_error = _year()
    calendar = current_calendar()
    days = services.year_days(
        session,
        year=year,
        catalogue_dir=config["CATALOGUE_DIR"],
        extra=config.get("CALENDAR"),
        calendar=calendar,
    )
    context.setdefault("form", MultiDict())
    context.setdefault("errors", {})
    page_ = render_template(
        "admin/calendar.html",
        year=year,
        year_error=year_error,
        days=days,
        moves=services.moves(session, calendar=calendar),
        layer_names=LAYER_NAMES,
        kind_name=entries.kind_name,
        example=EXAMPLE,
        first_year=FIRST_YEAR,
        last_year=LAST_YEAR,
        **context,
    )
    return page_, 422 if year_error and status == 200 else status


@bp.get("/lich")
@page("admin")
def calendar() -> Any:
    return _calendar_page()


@bp.post("/lich")
@page("admin")
def add_override() -> Any:
    """One day off or make-up working day, from the form."""
    form = request.form
    try:
        override = entries.read_entry(
            day=form.get("day", ""),
            kind=form.get("kind", ""),
            reason=form.get("reason", ""),
            decision=form.get("decision", ""),
        )
        services.add_override(
            db.session(), override=override, base=_base(), actor=current_user, now=now()
        )
    except ValidationFailed as exc:
        return _calendar_page(exc.http_status, form=form, errors=exc.errors)
    except DomainError as exc:
        return _calendar_page(exc.http_status, form=form, errors={exc.field or "day": exc.message})
    flash(
        gettext(
            "Đã thêm %(kind)s %(day)s. Hạn trả của hồ sơ đang giải quyết chưa thay đổi: "
            "xem danh sách bên dưới.",
            kind=entries.kind_name(override.kind),
            day=entries.dmy(override.day),
        )
    )
    return redirect(url_for("admin.calendar", nam=override.day.year))


@bp.post("/lich/nhap")
@page("admin")
def import_schedule() -> Any:
    """A year's official schedule in one go, in the format of the overrides file."""
    text = request.form.get("overrides", "")
    try:
        count = services.import_schedule(
            db.session(), text=text, base=_base(), actor=current_user, now=now()
        )
    except ScheduleInvalid as exc:
        return _calendar_page(exc.http_status, text=text, schedule_errors=exc.lines)
    flash(
        gettext(
            "Đã lưu %(n)s ngày. Hạn trả của hồ sơ đang giải quyết chưa thay đổi: "
            "xem danh sách bên dưới.",
            n=count,
        )
    )
    return redirect(url_for("admin.calendar"))


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise NotFound(gettext("Ngày không hợp lệ."), code="override_not_found") from exc


@bp.get("/lich/<day>/xoa")
@page("admin")
def confirm_removal(day: str) -> Any:
    """What deleting an entry does, and the button that does it."""
    row = services.get_override(db.session(), day=_day(day))
    return render_template(
        "admin/calendar_delete.html",
        row=row,
        kind_name=entries.kind_name,
        after=_base().day_info(row.day),
    )


@bp.post("/lich/<day>/xoa")
@page("admin")
def remove_override(day: str) -> Any:
    parsed = _day(day)
    if request.form.get("confirm") != "yes":  # only the confirmation page's button deletes
        return redirect(url_for("admin.confirm_removal", day=parsed.isoformat()), 303)
    services.remove_override(db.session(), day=parsed)
    flash(
        gettext(
            "Đã xóa điều chỉnh ngày %(day)s. Hạn trả của hồ sơ đang giải quyết chưa thay đổi: "
            "xem danh sách bên dưới.",
            day=entries.dmy(parsed),
        )
    )
    return redirect(url_for("admin.calendar", nam=parsed.year))


@bp.post("/lich/ap-dung")
@page("admin")
def apply_moves() -> Any:
    """Move the due times of open dossiers to what the calendar in force gives."""
    done = services.apply_moves(
        db.session(), calendar=current_calendar(), actor=current_user, now=now()
    )
    flash(gettext("Đã điều chỉnh hạn trả của %(n)s hồ sơ.", n=len(done)))
    return redirect(url_for("admin.calendar"))


# The catalogue


@bp.get("/thu-tuc")
@page("admin")
def catalogue() -> Any:
    """The catalogue's files as `onestop catalogue check` reads them, with the editors' notes
    (sources, facts not found, facts to confirm) that no other page shows."""
    checked = read_catalogue(Path(current_app.config["CATALOGUE_DIR"]))
    problems = defaultdict(list)
    for problem in checked.problems:
        problems[problem.file].append(problem)
    fields = {f.code: f.name for f in checked.directory.fields} if checked.directory else {}
    root = Path(current_app.config["CATALOGUE_DIR"]).resolve()
    rows = [
        {
            "p": p,
            "file": checked.files[code],
            "overlay": overlay_path(root.parent / checked.files[code]).exists(),
            "problems": problems.get(checked.files[code], []),
        }
        for code, p in sorted(checked.procedures.items(), key=lambda i: (i[1].field, i[0]))
    ]
    return render_template(
        "admin/catalogue.html",
        checked=checked,
        rows=rows,
        counts=catalogue_counts(checked.procedures.values()),
        fields=fields,
        fact_names=FACT_NAMES,
    )
