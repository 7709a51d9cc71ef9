"""The log book (Mẫu 07 Sổ theo dõi hồ sơ): a view over dossiers, exportable to Excel."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet
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
HEADER_ROW = 3  # under the title and the day


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


# What an .xlsx file (XML 1.0) cannot hold, or a stored name should not carry into it: the C0
# controls but tab, newline and carriage return, DEL and the C1 controls, lone surrogates and
# the two non-characters. openpyxl refuses the first ones with an error, for the whole export.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# What a spreadsheet reads as the start of a formula when the cell is typed again.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
DATE_FORMAT = "dd/mm/yyyy hh:mm"


def _text(cell: Cell, value: str) -> None:
    """Text that stays text: typed as a string whatever it starts with (openpyxl would make
    "=..." a formula and "#N/A" an error), marked with the quote prefix when it looks like a
    formula, so that editing the cell in Excel or LibreOffice does not turn it into one."""
    text = _UNWRITABLE.sub("", value)
    if not text:
        return  # an empty cell, rather than an empty string
    cell.value = text
    cell.data_type = "s"
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True


def _when(cell: Cell, value: datetime | None) -> None:
    """A real date and time (Vietnam time: a spreadsheet knows no time zones), or nothing."""
    if value is None:
        return
    cell.value = value.astimezone(VN_TZ).replace(tzinfo=None)
    cell.number_format = DATE_FORMAT


def _put(sheet: Worksheet, row: int, values: Sequence[str | int | datetime | None]) -> None:
    for column, value in enumerate(values, 1):
        cell = sheet.cell(row=row, column=column)
        assert isinstance(cell, Cell), "nothing is merged in the log book"
        if isinstance(value, str):
            _text(cell, value)
        elif isinstance(value, datetime) or value is None:
            _when(cell, value)
        else:
            cell.value = value


def logbook_workbook(rows: list[LogbookRow], *, agency: Agency, day: date) -> bytes:
    """The day's page of the log book as an .xlsx workbook, ready to print."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{day:%d-%m-%Y}"
    _put(sheet, 1, [f"SỔ THEO DÕI HỒ SƠ - {agency.name.upper()}"])
    _put(sheet, 2, [f"Ngày {day:%d/%m/%Y}"])
    _put(sheet, HEADER_ROW, COLUMNS)
    for line, r in enumerate(rows, HEADER_ROW + 1):
        _put(
            sheet,
            line,
            [
                r.number,
                r.code,
                r.content,
                r.sets,
                r.owner_name,
                r.address,
                r.phone,
                r.submitted_at,
                r.due_at,
                r.result_at,
                r.returned_at,
                r.note,
            ],
        )
    sheet["A1"].font = Font(bold=True, size=13)
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for letter, width in zip(
        "ABCDEFGHIJKL", (5, 28, 45, 8, 24, 30, 14, 17, 17, 17, 17, 20), strict=True
    ):
        sheet.column_dimensions[letter].width = width
    _print_setup(sheet)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _print_setup(sheet: Worksheet) -> None:
    """Landscape A4, every column on the page's width, the column headings on every page."""
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    assert sheet.sheet_properties.pageSetUpPr is not None
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
