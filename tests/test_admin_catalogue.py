"""The catalogue for administrators (/admin/thu-tuc): the catalogue check and the editors'
internal notes, which no officer's or public page shows."""

from __future__ import annotations

import re
import shutil

import pytest

from onestop.catalogue.files import read_catalogue
from onestop.config import ROOT
from tests.factories import OFFICE

PAGE = "/admin/thu-tuc"
CATALOGUE = read_catalogue(ROOT / "procedures")
# A procedure with every kind of note: facts not found, one to confirm, sources.
NOTED = CATALOGUE.procedures["1.000593"]
# What no page but the admin's may show: the notes' headings and their raw keys.
INTERNAL_MARKERS = ("Chưa có thông tin", "Cần xác nhận", "Nguồn và điểm cần kiểm tra", "code_name")


@pytest.fixture
def admin(auth, make_user):
    user, password = make_user("admin")
    auth.login(user.username, password)
    return user


def procedure_row(html: str, code: str) -> str:
    found = re.search(rf'<tr data-code="{re.escape(code)}">(.*?)</tr>', html, re.S)
    assert found, f"{code} is not listed"
    return found.group(1)


def test_admins_read_the_check_and_every_procedures_notes(client, admin):
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    count = len(CATALOGUE.procedures)
    assert f"Kiểm tra danh mục: {count} thủ tục, không có lỗi." in html
    assert html.count('<tr data-code="') == count
    listed = procedure_row(html, NOTED.code)
    assert NOTED.name in listed and "procedures/ho_tich/1.000593.yaml" in listed
    assert "Đạt" in listed
    assert "Chưa có thông tin" in listed
    assert "Tiếp nhận không phụ thuộc địa giới hành chính" in listed and "(any_counter)" in listed
    assert "Cần xác nhận" in listed
    assert NOTED.to_confirm[0] in listed
    assert "Mã và tên thủ tục" in listed
    assert NOTED.sources["code_name"].split("(")[0].strip() in listed


def test_the_check_names_each_problem_with_its_file_and_line(app, client, admin, tmp_path):
    directory = tmp_path / "procedures"
    shutil.copytree(ROOT / "procedures", directory)
    wrong_field = directory / "ho_tich" / "1.000593.yaml"
    wrong_field.write_text(
        wrong_field.read_text(encoding="utf-8").replace("field: ho_tich", "field: ho_tich_cu"),
        encoding="utf-8",
    )
    broken = directory / "ho_tich" / "1.004837.yaml"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("name:", "ten:", 1), encoding="utf-8"
    )
    app.config["CATALOGUE_DIR"] = str(directory)
    html = client.get(PAGE).get_data(as_text=True)
    assert "Kiểm tra danh mục: " in html and " lỗi." in html
    assert "không có lỗi" not in html
    assert "procedures/ho_tich/1.000593.yaml:5: field: &#39;ho_tich_cu&#39; is not a field" in html
    assert "procedures/ho_tich/1.004837.yaml:" in html
    listed = procedure_row(html, "1.000593")
    assert "1 lỗi" in listed and "Đạt" not in listed
    assert '<tr data-code="1.004837">' not in html  # a file that does not read is no procedure
    assert "Đạt" in procedure_row(html, "1.001193")


@pytest.mark.parametrize("code", sorted(CATALOGUE.procedures))
def test_public_pages_carry_no_internal_note(client, code):
    html = client.get(f"/thu-tuc/{code}").get_data(as_text=True)
    procedure = CATALOGUE.procedures[code]
    assert procedure.name in html
    for marker in INTERNAL_MARKERS:
        assert marker not in html, (code, marker)
    for text in procedure.to_confirm:
        assert text not in html, (code, text)


def test_officers_pages_and_the_api_carry_no_internal_note(client, auth, make_user, token):
    officer, password = make_user("officer", agency_code=OFFICE)
    auth.login(officer.username, password)
    for code in ("1.000593", "1.001193", "2.000986"):
        html = client.get(f"/counter/procedures/{code}").get_data(as_text=True)
        procedure = CATALOGUE.procedures[code]
        assert procedure.name in html
        for marker in INTERNAL_MARKERS:
            assert marker not in html, (code, marker)
        for text in procedure.to_confirm:
            assert text not in html, (code, text)
        body = client.get(
            f"/api/v1/procedures/{code}", headers={"Authorization": f"Bearer {token()}"}
        ).json
        assert body["code"] == code
        assert not {"sources", "unknown", "to_confirm"} & set(body)
    assert client.get(PAGE).status_code == 403
