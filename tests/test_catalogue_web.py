"""Searching and reading the catalogue: web pages and the API."""

from __future__ import annotations

import pytest
from markupsafe import escape

from onestop.catalogue.files import read_catalogue
from onestop.catalogue.models import Procedure
from onestop.catalogue.queries import search_procedures
from onestop.config import ROOT
from onestop.text import fold
from onestop.web.catalogue_views import document_groups, fee_line, money


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
        "Luật 60/2014/QH13",  # Luật Hộ tịch, as the national record cites it
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
    form = next(d for d in p["documents"] if d["name"].startswith("Tờ khai đăng ký khai sinh"))
    assert (form["originals"], form["certified_copies"], form["photocopies"]) == (1, 0, 0)
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


# The procedure page: every component as published, with where it was read

CATALOGUE = read_catalogue(ROOT / "procedures")
RESIDENCE = "1.004222"  # imported, with the province's overlay: cases, fees, sources
LAND = "1.115354"  # imported land procedure: 35 papers in 8 cases


def procedure_page(client, code: str) -> str:
    response = client.get(f"/thu-tuc/{code}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def html(text: str) -> str:
    return str(escape(text))


def cases_of(code: str) -> list[str]:
    return list(dict.fromkeys(d.case for d in CATALOGUE.procedures[code].documents if d.case))


def test_papers_are_grouped_by_case_with_their_counts_in_words(client):
    procedure = CATALOGUE.procedures[RESIDENCE]
    page = procedure_page(client, RESIDENCE)
    cases = cases_of(RESIDENCE)
    assert len(cases) > 2
    assert page.count('<h3 class="case"><small>Trường hợp ') == len(cases)
    for n, case in enumerate(cases, start=1):
        assert f'<a href="#truong-hop-{n}">{html(case)}</a>' in page  # the index of cases
        heading = f'id="truong-hop-{n}">\n  <h3 class="case"><small>Trường hợp {n}</small> '
        assert heading + html(case) in page
    assert {(d.originals, d.certified_copies, d.photocopies) for d in procedure.documents} == {
        (1, 0, 0)
    }
    assert page.count('<p class="counts">1 bản chính') == len(procedure.documents)
    optional = [d for d in procedure.documents if not d.required]
    assert optional
    for d in optional:  # a paper only some dossiers need says so beside its name
        assert f'{html(d.name)} <span class="tag">nếu có, tùy trường hợp</span>' in page
    if procedure.document_notes:
        assert "Lưu ý của danh mục" in page


def test_counts_of_copies_read_as_words(client):
    procedure = CATALOGUE.procedures[LAND]
    page = procedure_page(client, LAND)
    copies = sum(1 for d in procedure.documents if (d.originals, d.photocopies) == (0, 1))
    assert copies and page.count('<p class="counts">1 bản photo') == copies
    assert '<p class="counts">1 bản chính<span class="paper-form"> · Mẫu số 01</span></p>' in page


def test_a_paper_shows_its_short_name_and_its_published_wording_on_demand(client):
    page = procedure_page(client, LAND)
    paper = next(d for d in CATALOGUE.procedures[LAND].documents if d.text and d.text != d.name)
    shown = page[page.index(f'<p class="paper-name">{html(paper.name)}') :]
    shown = shown[: shown.index("</li>")]
    assert '<details class="wording"><summary>Nguyên văn đã công bố</summary>' in shown
    assert f"<p>{html(paper.text)}</p></details>" in shown


def test_each_channel_shows_its_time_and_all_its_fees(client):
    page = procedure_page(client, RESIDENCE)
    in_person = page[page.index('data-channel="in_person"') :]
    in_person = in_person[: in_person.index("</ul>")]
    assert "Thời hạn:</span> 07 ngày làm việc" in in_person
    assert "<li>20.000 đồng/lần đăng ký" in in_person
    assert "amount" not in in_person  # the text says the amount: it is not said twice
    # An amount the fee's text does not state is written out beside it.
    code = "1.115490"
    page = procedure_page(client, code)
    fees = [f for c in CATALOGUE.procedures[code].channels for f in c.fees]
    assert any(f.amount == 1_100_000 for f in fees)
    assert '<strong class="amount">1.100.000 đồng</strong> Tra cứu tại Quyết định số' in page
    listed = page[page.index('<ul class="channels">') :]
    assert listed.count('<strong class="amount">') == len(fees)


def test_papers_to_show_are_listed_apart(client):
    code = "1.001695"
    page = procedure_page(client, code)
    section = page[page.index('id="to-show"') :]
    section = section[: section.index("</section>")]
    assert "Giấy tờ phải xuất trình" in section
    assert section.count('<li class="paper">') == len(CATALOGUE.procedures[code].to_show)


def test_a_procedure_without_a_sourced_list_says_so(client):
    code = "3.000182"
    assert not CATALOGUE.procedures[code].documents
    page = procedure_page(client, code)
    assert 'id="no-documents"' in page
    assert "Chưa có danh mục thành phần hồ sơ có nguồn cho thủ tục này." in page
    assert '<li class="paper">' not in page


def test_sources_are_cited_with_the_facts_read_there(client, session):
    row = session.get(Procedure, RESIDENCE)
    row.data = row.data | {
        "sources": {
            "record": "Cổng Dịch vụ công quốc gia, bản ghi 019d2bf7",
            "processing_time": "Quyết định 1523/QĐ-BCA-C06 của Bộ Công an",
            "fees": "Thông tư 75/2022/TT-BTC",
            "publication": "Quyết định 1523/QĐ-BCA-C06 của Bộ Công an",
        }
    }
    session.add(row)
    session.commit()
    page = procedure_page(client, RESIDENCE)
    sources = page[page.index('<h2 id="nguon">') :]
    assert (
        "<li><strong>Thời hạn giải quyết, Quyết định công bố</strong>: "
        "Quyết định 1523/QĐ-BCA-C06 của Bộ Công an</li>"
    ) in sources
    assert "<li><strong>Phí, lệ phí</strong>: Thông tư 75/2022/TT-BTC</li>" in sources
    assert "bản ghi 019d2bf7" not in sources  # the record is cited by its link instead
    assert "<dt>Cơ quan công bố</dt><dd>Bộ Công an</dd>" in page


def test_the_shipped_sources_are_on_the_page(client):
    procedure = CATALOGUE.procedures[RESIDENCE]
    page = procedure_page(client, RESIDENCE)
    sources = page[page.index('<h2 id="nguon">') :]
    for fact, text in procedure.sources.items():
        if fact != "record":
            assert html(text[:100]) in sources, fact


def test_an_imported_procedure_links_its_national_record_with_its_date(client, session):
    row = session.get(Procedure, RESIDENCE)
    record = {"id": "019d2bf7-7704", "updated_at": "2026-04-27T17:53:36+00:00", "state": "UPDATED"}
    row.data = row.data | {"record": record}
    session.add(row)
    session.commit()
    page = procedure_page(client, RESIDENCE)
    cited = page[page.index('<li id="national-record">') :]
    cited = cited[: cited.index("</li>")]
    assert 'href="https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bf7-7704"' in cited
    # Changed at 17:53 UTC on 27/04/2026: already the 28th in Vietnam.
    assert "cập nhật ngày 28/04/2026" in cited


def test_a_procedure_typed_by_hand_has_no_record_link(client):
    code = "2.002755"
    assert CATALOGUE.procedures[code].record is None
    page = procedure_page(client, code)
    assert 'id="national-record"' not in page
    assert "dichvucong.gov.vn/thu-tuc-hanh-chinh/" not in page


@pytest.mark.parametrize("path", ["/thu-tuc/{code}", "/counter/procedures/{code}"])
def test_notes_to_confirm_and_facts_not_found_are_never_shown(client, auth, make_user, path):
    user, password = make_user("officer")
    auth.login(user.username, password)
    page = client.get(path.format(code=RESIDENCE)).get_data(as_text=True)
    procedure = CATALOGUE.procedures[RESIDENCE]
    assert procedure.to_confirm
    for text in procedure.to_confirm:
        assert html(text) not in page and text not in page
    for marker in ("to_confirm", "unknown", "Cần xác nhận", "Chưa có thông tin"):
        assert marker not in page


def test_a_time_in_hours_shows_its_working_days(client):
    code = "2.002755"
    assert CATALOGUE.procedures[code].processing_time.value == 96
    page = procedure_page(client, code)
    assert '<dd id="processing-time"><strong>96 giờ (12 ngày làm việc)</strong>' in page
    assert "04 giờ (0,5 ngày làm việc)" in page  # a step of its routing plan


@pytest.fixture
def without_appointment(session):
    """2.000992 (a certification) as if the law set no appointment for it."""
    row = session.get(Procedure, "2.000992")
    data = dict(row.data)
    data["processing_time"] = None
    data["channels"] = [c | {"processing_time": None} for c in data["channels"]]
    data["no_appointment"] = "Chứng thực ngay khi tiếp nhận, người yêu cầu chờ nhận kết quả"
    row.data = data
    session.add(row)
    session.commit()
    return row


def test_no_appointment_by_law_is_said_with_its_reason(client, without_appointment):
    said = "Không hẹn ngày trả: Chứng thực ngay khi tiếp nhận, người yêu cầu chờ nhận kết quả"
    page = procedure_page(client, "2.000992")
    assert f'<dd id="processing-time"><strong>{said}</strong>' in page
    assert "Chưa công bố thời hạn" not in page
    listed = client.get("/thu-tuc?q=2.000992").get_data(as_text=True)
    assert f'<td data-label="Thời hạn">{said}</td>' in listed


def test_money_is_written_the_vietnamese_way():
    assert money(1_100_000) == "1.100.000"
    assert money(0) == "0"
    assert money(2500.5) == "2.500,5"


def test_a_fees_amount_is_not_repeated_when_its_text_says_it():
    assert fee_line({"amount": 20000, "text": "20.000 đồng/lần đăng ký"})["amount"] is None
    assert fee_line({"amount": 0, "text": "Tra cứu tại Quyết định số 2252/QĐ-VP"})["amount"] == "0"
    assert fee_line({"amount": None, "text": "Theo quy định của HĐND tỉnh"})["amount"] is None


def test_papers_of_every_dossier_come_before_the_cases():
    groups = document_groups(
        [{"name": "A", "case": "Một"}, {"name": "B", "case": None}, {"name": "C", "case": "Hai"}]
    )
    assert [(g["case"], g["number"], [d["name"] for d in g["documents"]]) for g in groups] == [
        (None, None, ["B"]),
        ("Một", 1, ["A"]),
        ("Hai", 2, ["C"]),
    ]
