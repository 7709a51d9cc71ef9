"""The log book (Mẫu 07 Sổ theo dõi hồ sơ): a view over dossiers, exportable to Excel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlmodel import Session, col, select

from onestop.calendar import VN_TZ
from onestop.catalogue.models import Agency
from onestop.dossiers.models import Dossier
from onestop.dossiers.states import STATUS_NAMES, Status

COLUMNS = (
    "STT",
    "Mã hồ sơ",
    "Nội dung",
    "Số lượng (bộ)",
    "Họ tên chủ hồ sơ",
    "Địa chỉ",
    "Số điện thoại",
    "Nhận hồ sơ",
    "Hẹn trả kết quả",
    "Ngày nhận kết quả",
    "Trả kết quả",
    "Ghi chú",
)


@dataclass(frozen=True)
class LogbookRow:
    number: int
    code: str
    content: str
    sets: int
    owner_name: str
    address: str
    phone: str
    submitted_at: datetime
    due_at: datetime | None
    result_at: datetime | None  # when the result was ready (done)
    returned_at: datetime | None
    note: str  # the status, for what did not go the usual way


def logbook_rows(session: Session, *, agency_code: str, day: date) -> list[LogbookRow]:
    start = datetime(day.year, day.month, day.day, tzinfo=VN_TZ)
    rows = session.exec(
        select(Dossier)
        .where(Dossier.receiving_agency_code == agency_code)
        .where(Dossier.submitted_at >= start, Dossier.submitted_at < start + timedelta(days=1))
        .order_by(col(Dossier.submitted_at), col(Dossier.id))
    ).all()
    return [_row(i, d) for i, d in enumerate(rows, 1)]


def _row(number: int, d: Dossier) -> LogbookRow:
    status = Status(d.status)
    usual = status in (Status.RECEIVED, Status.PROCESSING, Status.DONE, Status.RETURNED)
    return LogbookRow(
        number=number,
        code=d.code,
        content=f"{d.procedure_code} - {d.procedure_name}",
        sets=d.sets,
        owner_name=d.owner_name,
        address=d.owner_address or "",
        phone=d.owner_phone,
        submitted_at=d.submitted_at,
        due_at=d.due_at,
        result_at=d.ended_at if status in (Status.DONE, Status.RETURNED) else None,
        returned_at=d.ended_at if status is Status.RETURNED else None,
        note="" if usual else STATUS_NAMES[status],
    )


def _when(value: datetime | None) -> str:
    return value.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y") if value else ""


def logbook_workbook(rows: list[LogbookRow], *, agency: Agency, day: date) -> bytes:
    """The day's page of the log book as an .xlsx workbook."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{day:%d-%m-%Y}"
    sheet.append([f"SỔ THEO DÕI HỒ SƠ - {agency.name.upper()}"])
    sheet.append([f"Ngày {day:%d/%m/%Y}"])
    sheet.append(list(COLUMNS))
    for r in rows:
        sheet.append(
            [
                r.number,
                r.code,
                r.content,
                r.sets,
                r.owner_name,
                r.address,
                r.phone,
                _when(r.submitted_at),
                _when(r.due_at),
                _when(r.result_at),
                _when(r.returned_at),
                r.note,
            ]
        )
    sheet["A1"].font = Font(bold=True, size=13)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for letter, width in zip(
        "ABCDEFGHIJKL", (5, 28, 45, 8, 24, 30, 14, 17, 17, 17, 17, 20), strict=True
    ):
        sheet.column_dimensions[letter].width = width
    out = BytesIO()
    book.save(out)
    return out.getvalue()
