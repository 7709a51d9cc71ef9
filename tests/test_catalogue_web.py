"""Searching and reading the catalogue: web pages and the API."""

from __future__ import annotations

import pytest

from onestop.catalogue.queries import search_procedures
from onestop.text import fold


def test_fold_strips_vietnamese_diacritics():
    assert fold("Đăng ký KHAI SINH") == "dang ky khai sinh"
    assert fold("Chứng thực bản sao  từ bản chính") == "chung thuc ban sao tu ban chinh"


@pytest.mark.parametrize("q", ["dang ky khai sinh", "Đăng ký khai sinh", "KHAI   SINH", "1.001193"])
def test_search_ignores_diacritics_and_case(session, q):
    rows, total = search_procedures(session, q=q)
    assert "1.001193" in [p.code for p in rows]
    assert total == len(rows)


def test_search_words_must_all_match(session):
    rows, _ = search_procedures(session, q="khai sinh ket hon")
    assert rows == []


def test_search_treats_like_wildcards_as_text(session):
    assert search_procedures(session, q="%")[0] == []
    assert search_procedures(session, q="_")[0] == []


def test_public_catalogue_page_finds_without_diacritics(client):
    page = client.get("/thu-tuc?q=dang+ky+khai+sinh").get_data(as_text=True)
    assert "Thủ tục đăng ký khai sinh" in page
    assert "Đăng ký kết hôn" not in page


def test_public_procedure_page_shows_the_components(client):
    page = client.get("/thu-tuc/1.001193").get_data(as_text=True)
    for text in (
        "Thành phần hồ sơ",
        "Tờ khai đăng ký khai sinh",
        "Căn cứ pháp lý",
        "Luật Hộ tịch năm 2014",
        "Trong ngày",
        "Cách thức thực hiện",
    ):
        assert text in page


def test_staff_catalogue_needs_login(client, auth, make_user):
    assert client.get("/counter/procedures").status_code == 302
    user, password = make_user("officer")
    auth.login(user.username, password)
    page = client.get("/counter/procedures?q=dang+ky+khai+sinh")
    assert page.status_code == 200
    assert "1.001193" in page.get_data(as_text=True)


def test_interconnected_procedure_shows_its_plan(client):
    page = client.get("/thu-tuc/2.000986").get_data(as_text=True)
    assert "Quy trình liên thông" in page


# API


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_api_needs_a_token(client):
    response = client.get("/api/v1/procedures")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    bad = client.get("/api/v1/procedures", headers=bearer("os_wrong"))
    assert bad.status_code == 401


def test_api_agencies(client, token):
    body = client.get("/api/v1/agencies", headers=bearer(token())).json
    by_code = {a["code"]: a for a in body["items"]}
    ward = by_code["000.00.31.H21"]
    assert ward["name"] == "Ủy ban nhân dân phường Quy Nhơn"
    assert ward["level"] == "commune"
    assert by_code["000.01.31.H21"]["parent"] == "000.00.31.H21"
    assert body["total"] == len(body["items"])


def test_api_procedure_search(client, token):
    body = client.get("/api/v1/procedures?q=dang+ky+khai+sinh", headers=bearer(token())).json
    assert "1.001193" in [p["code"] for p in body["items"]]
    assert set(body) == {"items", "total", "page", "per_page"}


def test_api_procedure_detail_shape(client, token):
    p = client.get("/api/v1/procedures/2.000986", headers=bearer(token())).json
    assert p["code"] == "2.000986"
    assert p["interconnected"] is True
    assert p["processing_time"]["unit"] in {"working_days", "days", "hours", "same_day"}
    assert isinstance(p["processing_time"]["value"], int | float)
    step = p["routing"][0]
    assert {"agency", "agency_name", "allowance"} <= set(step)


def test_api_procedure_documents_carry_counts(client, token):
    p = client.get("/api/v1/procedures/1.001193", headers=bearer(token())).json
    first = p["documents"][0]
    assert first["name"].startswith("Tờ khai đăng ký khai sinh")
    assert (first["originals"], first["certified_copies"], first["photocopies"]) == (1, 0, 0)
    assert p["agency"]["role"] == "ubnd_xa"


def test_api_unknown_procedure_is_404(client, token):
    response = client.get("/api/v1/procedures/9.999999", headers=bearer(token()))
    assert response.status_code == 404
    assert response.json == {
        "error": {"code": "procedure_not_found", "message": "Không có thủ tục mã 9.999999."}
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=abc", "per_page"),
        ("per_page=0", "per_page"),
        ("page=99999999999999999999", "page"),
        ("q=a%00b", "q"),
    ],
)
def test_api_bad_query_is_422_beside_the_parameter(client, token, query, field):
    response = client.get(f"/api/v1/procedures?{query}", headers=bearer(token()))
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_failed" and field in error["fields"]


def test_api_unknown_route_is_json_404(client, token):
    response = client.get("/api/v1/khong-co", headers=bearer(token()))
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
