"""The counter in the web: find, fill, receive / ask / refuse, print, log book."""

from __future__ import annotations

import html
import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlmodel import func, select

from onestop.dossiers.models import Dossier
from tests.factories import OFFICE


@pytest.fixture
def officer(auth, make_user):
    user, password = make_user("officer", agency_code=OFFICE, full_name="Nguyễn Thị Lan")
    auth.login(user.username, password)
    return user


def papers(page: str) -> dict[str, str]:
    """The checklist's papers by the number of their fields: {"3": "Giấy chứng sinh ..."}."""
    found = re.findall(r'<label for="doc-(\d+)-received">(.*?)</label>', page)
    return {number: html.unescape(name) for number, name in found}


def form_for(client, procedure: str = "1.001193") -> dict[str, str]:
    """The form filled in, with the required papers of the checklist ticked (the counter
    receives only a complete dossier)."""
    page = client.get(f"/counter/tiep-nhan/{procedure}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    key = re.search(r'name="form_key" type="hidden" value="([^"]+)"', page).group(1)
    needed = re.findall(r'data-required="1">\s*<td><input type="checkbox" id="doc-(\d+)-', page)
    assert needed, "the checklist has required papers"
    ticks = {f"doc-{i}-{field}": "1" for i in needed for field in ("received", "originals")}
    return {
        "csrf_token": csrf,
        "form_key": key,
        "applicant.full_name": "Nguyễn Văn Ánh",
        "applicant.id_number": "052090001234",
        "applicant.phone": "0905123456",
        "applicant.address": "45 Lê Lợi, phường Quy Nhơn",
        "submitter_is_owner": "1",
        **ticks,
        "sets": "1",
        "channel": "in_person",
        "outcome": "receive",
    }


def count(session) -> int:
    return session.exec(select(func.count()).select_from(Dossier)).one()


def test_search_without_diacritics(client, officer):
    page = client.get("/counter/?q=dang+ky+khai+sinh").get_data(as_text=True)
    assert "/counter/tiep-nhan/1.001193" in page


def test_intake_page_shows_the_checklist_and_the_appointment(client, officer):
    page = client.get("/counter/tiep-nhan/1.001193").get_data(as_text=True)
    assert "Tờ khai đăng ký khai sinh" in page
    assert "Giấy chứng sinh" in page
    # Same day, received at 09:00 on Wednesday 25/11/2026: due 17:00 the same day.
    assert "17:00, 25/11/2026" in page


def test_live_appointment_follows_the_channel(client, officer):
    body = client.get("/counter/han-tra?procedure=1.004222&channel=online").json
    assert body["time_text"] == "07 ngày làm việc"
    assert body["due_text"] == "09:00, 04/12/2026"


def test_receive_redirects_to_the_dossier_with_its_forms(client, officer, session):
    response = client.post("/counter/tiep-nhan/1.001193", data=form_for(client))
    assert response.status_code == 302
    code = response.headers["Location"].rsplit("/", 1)[-1]
    assert code == f"{OFFICE}-261125-0001"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Được tiếp nhận" in page and f"/counter/ho-so/{code}/receipt.pdf" in page


def test_a_resent_form_records_one_dossier(client, officer, session):
    data = form_for(client)
    first = client.post("/counter/tiep-nhan/1.001193", data=data)
    second = client.post("/counter/tiep-nhan/1.001193", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert count(session) == 1


def test_bad_fields_are_shown_beside_them_and_nothing_is_written(client, officer, session):
    data = form_for(client) | {"applicant.id_number": "12ab", "applicant.full_name": ""}
    response = client.post("/counter/tiep-nhan/1.001193", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Số định danh cá nhân gồm đúng 12 chữ số." in page
    assert "Nhập họ và tên." in page
    assert 'value="0905123456"' in page  # what was typed is kept
    assert count(session) == 0


def test_supplement_lists_unchecked_documents(client, officer, session):
    data = form_for(client) | {"outcome": "request_supplement", "reason": "Thiếu giấy chứng sinh"}
    listed = papers(client.get("/counter/tiep-nhan/1.001193").get_data(as_text=True))
    number, name = next((i, n) for i, n in listed.items() if n.startswith("Giấy chứng sinh"))
    del data[f"doc-{number}-received"]
    response = client.post("/counter/tiep-nhan/1.001193", data=data)
    assert response.status_code == 302
    dossier = session.exec(select(Dossier)).one()
    assert dossier.status == 5
    assert [m["name"] for m in dossier.missing_documents] == [name]


def test_refusal_needs_a_reason(client, officer, session):
    data = form_for(client) | {"outcome": "refuse"}
    response = client.post("/counter/tiep-nhan/1.001193", data=data)
    assert response.status_code == 422
    assert "Nêu lý do từ chối." in response.get_data(as_text=True)
    assert count(session) == 0


def test_handlers_do_not_receive(client, auth, make_user):
    user, password = make_user("handler", agency_code="000.00.31.H21")
    auth.login(user.username, password)
    assert client.get("/counter/tiep-nhan/1.001193").status_code == 403


def test_logbook_page_and_excel_export(client, officer):
    client.post("/counter/tiep-nhan/1.001193", data=form_for(client))
    page = client.get("/counter/so-theo-doi?date=2026-11-25").get_data(as_text=True)
    assert f"{OFFICE}-261125-0001" in page and "Nguyễn Văn Ánh" in page
    export = client.get("/counter/so-theo-doi.xlsx?date=2026-11-25")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:3] == ("STT", "Mã hồ sơ", "Nội dung")
    assert rows[3][1] == f"{OFFICE}-261125-0001"
    assert rows[3][4] == "Nguyễn Văn Ánh"
    assert rows[3][7] == datetime(2026, 11, 25, 9, 0)  # a real date, shown dd/mm/yyyy hh:mm


def test_logbook_rejects_a_bad_date(client, officer):
    assert client.get("/counter/so-theo-doi?date=25-11").status_code == 422
