"""The catalogue for administrators (/admin/thu-tuc): the catalogue check and the editors'
internal notes, which no officer's or public page shows."""

from __future__ import annotations

import re
import shutil

import pytest
from markupsafe import escape

from onestop.catalogue.files import read_catalogue
from onestop.config import ROOT
from tests.factories import OFFICE

PAGE = "/admin/thu-tuc"
CATALOGUE = read_catalogue(ROOT / "procedures")
# A procedure with every kind of note: facts not found, one to confirm, sources.
NOTED = next(
    p for _, p in sorted(CATALOGUE.procedures.items()) if p.unknown and p.to_confirm and p.sources
)
NOTED_FILE = CATALOGUE.files[NOTED.code]
# What no page but the admin's may show: the notes' headings.
INTERNAL_MARKERS = ("Chưa có thông tin", "Cần xác nhận")
# The public pages checked: every procedure the province wrote or completed, and every tenth
# of those imported as they are (they are built alike).
OVERLAID = {p.stem.removesuffix(".local") for p in (ROOT / "procedures").rglob("*.local.yaml")}
PAGES = [
    code
    for i, (code, p) in enumerate(sorted(CATALOGUE.procedures.items()))
    if p.record is None or code in OVERLAID or i % 10 == 0
]


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
    assert NOTED.name in listed and NOTED_FILE in listed
    assert "Đạt" in listed
    assert "Chưa có thông tin" in listed
    assert all(f"({fact})" in listed for fact in NOTED.unknown)
    assert "Cần xác nhận" in listed
    assert html_text(NOTED.to_confirm[0]) in listed
    source = next(iter(NOTED.sources.values()))
    assert html_text(source.split("(")[0].strip()) in listed
    assert html.count('<tr data-code="') == count


def html_text(text: str) -> str:
    return str(escape(text))


def test_the_check_names_each_problem_with_its_file_and_line(app, client, admin, tmp_path):
    directory = tmp_path / "procedures"
    shutil.copytree(ROOT / "procedures", directory)
    wrong_field = directory / "ho_tich" / "1.000593.yaml"
    text = wrong_field.read_text(encoding="utf-8")
    line = text.splitlines().index("field: ho_tich") + 1
    wrong_field.write_text(text.replace("field: ho_tich", "field: ho_tich_cu"), encoding="utf-8")
    broken = directory / "ho_tich" / "1.004837.yaml"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("name:", "ten:", 1), encoding="utf-8"
    )
    app.config["CATALOGUE_DIR"] = str(directory)
    html = client.get(PAGE).get_data(as_text=True)
    assert "Kiểm tra danh mục: " in html and " lỗi." in html
    assert "không có lỗi" not in html
    wrong = f"procedures/ho_tich/1.000593.yaml:{line}: field: &#39;ho_tich_cu&#39; is not a field"
    assert wrong in html
    assert "procedures/ho_tich/1.004837.yaml:" in html
    listed = procedure_row(html, "1.000593")
    assert "1 lỗi" in listed and "Đạt" not in listed
    assert '<tr data-code="1.004837">' not in html  # a file that does not read is no procedure
    assert "Đạt" in procedure_row(html, "1.001193")


@pytest.mark.parametrize("code", PAGES)
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
        assert not {"unknown", "to_confirm"} & set(body)
        assert body["sources"] == procedure.sources  # where each fact was read is public
    assert client.get(PAGE).status_code == 403
