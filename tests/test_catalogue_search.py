"""The catalogue search as people use it: what citizens and officers type, and the rank of the
procedure they mean, on the shipped catalogue and on both databases.

The shipped catalogue grows (the national records are being imported), so each row names one
procedure of the catalogue as it stood before that import (72 procedures) and the worst rank
allowed, never a whole list of results: new procedures may join a list, the one meant must stay
near its top.
"""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from onestop.catalogue import search
from onestop.catalogue.models import Procedure
from onestop.catalogue.queries import search_procedures

# (what is typed, the procedure meant, the worst rank allowed)
QUERIES: list[tuple[str, str, int]] = [
    # Civil status: births, deaths, marriages, with and without diacritics, spacing, y/i.
    ("dang ky khai sinh", "1.001193", 1),
    ("Thủ tục đăng ký khai sinh", "1.001193", 1),
    ("khai sinh", "1.001193", 1),
    ("đăng kí khai sinh", "1.001193", 1),
    ("DANG KY  KHAI   SINH", "1.001193", 1),
    ("dangky khaisinh", "1.001193", 1),
    ("dang ky khai s", "1.001193", 1),
    ("khai sinh luu dong", "1.003583", 1),
    ("khai sinh ket hop nhan cha me con", "1.000689", 1),
    ("khai tu", "1.000656", 1),
    ("Đăng ký khai tử", "1.000656", 1),
    ("ket hon", "1.000894", 1),
    ("dang ki ket hon", "1.000894", 1),
    ("ket hon nuoc ngoai", "2.000806", 1),
    ("dang ky lai ket hon", "1.004746", 1),
    ("xac nhan tinh trang hon nhan", "1.004873", 1),
    ("giam ho", "1.004837", 1),
    ("trich luc ho tich", "2.000635", 1),
    ("ban sao giay khai sinh", "2.000635", 1),
    ("cai chinh ho tich", "1.004859", 1),
    ("bao hiem y te tre em", "2.001023", 2),
    # Codes, whole, spaced or only begun.
    ("1.001193", "1.001193", 1),
    (" 1.004222 ", "1.004222", 1),
    ("1.000603.h21", "1.000603.H21", 1),
    ("001193", "1.001193", 1),
    ("1.00119", "1.001193", 1),
    # Residence.
    ("thuong tru", "1.004222", 1),
    ("dang ky thuong tru", "1.004222", 1),
    ("xoa thuong tru", "1.003197", 1),
    ("tam tru", "1.004194", 3),
    ("gia han tam tru", "1.002755", 1),
    ("tach ho", "1.010038", 1),
    ("Tách Hộ", "1.010038", 1),
    # Construction: six permit procedures share "giấy phép xây dựng" at the same place.
    ("giay phep xay dung", "1.013236", 3),
    ("cap giay phep xay dung moi", "1.013225", 2),
    ("giay phep xay dung moi nha o", "1.013225", 1),
    ("xin giay phep xay dung moi", "1.013225", 2),
    ("gia han giay phep xay dung", "1.013227", 2),
    ("sua chua cai tao nha o", "1.013229", 1),
    # Business households, enterprises, investment.
    ("ho kinh doanh", "1.001612", 3),
    ("thanh lap ho kinh doanh", "1.001612", 1),
    ("dang ky ho kinh doanh", "1.001612", 3),
    ("tam ngung kinh doanh", "1.001570", 1),
    ("cong ty tnhh mot thanh vien", "2.001583", 1),
    ("chu truong dau tu", "1.009645", 1),
    ("giay chung nhan dang ky dau tu", "1.009664", 1),
    # Certification.
    ("chung thuc ban sao", "2.000815", 1),
    ("chung thuc chu ky", "2.000884", 1),
    ("chung thuc di chuc", "2.001019", 1),
    # Land.
    ("dinh chinh giay chung nhan lan dau", "1.012796", 3),
    ("khau tru kinh phi boi thuong", "1.012994", 1),
    ("doi ten nguoi su dung dat", "1.012768", 1),
    # Social protection, people with merit, labour, employment.
    ("tro cap that nghiep", "1.001978", 1),
    ("ho tro chi phi mai tang", "1.001731", 1),
    ("tro cap xa hoi hang thang", "1.001776", 1),
    ("tho cung liet si", "1.010803", 1),
    ("tro cap mot lan", "2.002755", 1),
    ("noi quy lao dong", "2.001955", 1),
    # Education, culture, tourism, the rest.
    ("chuyen truong", "2.002481", 1),
    ("tuyen sinh trung hoc co so", "3.000182", 1),
    ("mam non", "1.012961", 1),
    ("le hoi", "1.003622", 1),
    ("co vat", "1.001123", 1),
    ("hanh nghe tu bo di tich", "2.001641", 1),
    ("huong dan vien du lich", "1.001440", 1),
    ("thanh lap hoi", "1.013703", 1),
    ("ban quan tri chung cu", "1.012888", 1),
    ("long duong via he", "1.013274", 1),
    ("LPG", "2.001283", 1),
    ("xuat xu hang hoa", "1.000603.H21", 1),
    ("c/o mau ak", "1.000603.H21", 1),
    ("CFS", "1.014464", 1),
    # Everyday names that no published name uses.
    ("sổ đỏ", "1.115728", 1),
    ("sao y bản chính", "2.000815", 1),
    ("giấy xác nhận độc thân", "1.004873", 1),
    ("làm giấy khai sinh", "1.001193", 1),
    ("nhập hộ khẩu", "1.004222", 1),
    ("xin phép xây nhà", "1.013225", 2),
]

# A field's name lists the field's procedures.
FIELDS = [
    ("dat dai", "dat_dai"),
    ("Đất đai", "dat_dai"),
    ("ho tich", "ho_tich"),
    ("chung thuc", "chung_thuc"),
    ("cu tru", "cu_tru"),
    ("bao tro xa hoi", "bao_tro_xa_hoi"),
    ("nguoi co cong", "nguoi_co_cong"),
]


def ranked(session, q: str, field: str | None = None) -> list[str]:
    return search.ranked_codes(session, q=q, field=field)


def test_the_table_is_large_enough():
    assert len(QUERIES) >= 30
    assert len({q for q, _, _ in QUERIES}) == len(QUERIES)


@pytest.mark.parametrize(("q", "code", "worst"), QUERIES, ids=[q for q, _, _ in QUERIES])
def test_the_procedure_meant_is_near_the_top(session, q, code, worst):
    codes = ranked(session, q)
    rank = codes.index(code) + 1 if code in codes else None
    assert rank is not None and rank <= worst, f"{q!r}: {code} at rank {rank}; first {codes[:5]}"


@pytest.mark.parametrize(("q", "field"), FIELDS)
def test_a_field_name_lists_the_field(session, q, field):
    codes = ranked(session, q)
    of_field = set(
        session.exec(
            select(Procedure.code).where(Procedure.field_code == field, col(Procedure.active))
        )
    )
    assert of_field and of_field <= set(codes)
    assert codes[0] in of_field


def test_an_agency_name_lists_what_it_handles(session):
    handled = set(
        session.exec(
            select(Procedure.code).where(
                Procedure.agency_role == "cong_an_xa", col(Procedure.active)
            )
        )
    )
    assert handled and handled <= set(ranked(session, "cong an"))
    # A provincial role is also found by its one agency's name.
    assert "1.001978" in ranked(session, "trung tam dich vu viec lam")


def test_two_words_apart_are_not_the_word(session):
    """ "thường trú" is one word; "Khấu trừ kinh phí bồi thường" holds other words."""
    codes = ranked(session, "thuong tru")
    assert codes[0] == "1.004222"
    assert "1.012994" not in codes


def test_several_words_apart_come_after_the_phrase(session):
    codes = ranked(session, "dang ky ho kinh doanh")
    assert codes.index("2.000720") < codes.index("1.001612")


def test_every_word_must_be_found(session):
    assert ranked(session, "khai sinh ket hon") == []
    assert ranked(session, "khai sinh qwzx") == []


def test_a_page_is_a_slice_of_the_ranking(session):
    codes = ranked(session, "dang ky")
    assert len(codes) > 20
    first, total = search_procedures(session, q="dang ky", page=1, per_page=10)
    second, again = search_procedures(session, q="dang ky", page=2, per_page=10)
    assert total == again == len(codes)
    assert [p.code for p in first + second] == codes[:20]


def test_the_field_filter_keeps_working(session):
    rows, total = search_procedures(session, q="dang ky", field="ho_tich", per_page=500)
    assert rows and total == len(rows)
    assert {p.field_code for p in rows} == {"ho_tich"}
    assert ranked(session, "dang ky ket hon", field="cu_tru") == []


def test_without_a_query_the_catalogue_is_listed_by_field_and_code(session):
    rows, total = search_procedures(session, q="  ", page=2, per_page=20)
    listed = session.exec(
        select(Procedure.code)
        .where(col(Procedure.active))
        .order_by(Procedure.field_code, Procedure.code)
    ).all()
    assert total == len(listed)
    assert [p.code for p in rows] == listed[20:40]


def test_a_withdrawn_procedure_is_not_found(session):
    procedure = session.get(Procedure, "1.010038")
    procedure.active = False
    session.flush()
    assert ranked(session, "tach ho")[:1] != ["1.010038"]
    assert "1.010038" not in ranked(session, "1.010038")


def test_the_api_and_the_public_page_answer_in_that_order(client, token):
    headers = {"Authorization": f"Bearer {token()}"}
    body = client.get("/api/v1/procedures?q=Thủ tục đăng ký khai sinh", headers=headers).json
    assert body["items"][0]["code"] == "1.001193"
    land = client.get("/api/v1/procedures?q=dat+dai&per_page=5", headers=headers).json
    assert land["total"] >= 3 and {p["field"]["code"] for p in land["items"]} == {"dat_dai"}
    page = client.get("/thu-tuc?q=thuong+tru").get_data(as_text=True)
    assert "Đăng ký thường trú" in page and "Khấu trừ kinh phí bồi thường" not in page


# The ranking's rules on procedures made up for them: independent of the shipped catalogue.


def entries(*rows: tuple[str, str]) -> list[search.Entry]:
    field, agency = "ho tich", ("uy ban nhan dan cap xa",)
    return [
        search.Entry(code, search.search_text(code, name), field, agency) for code, name in rows
    ]


def order(q: str, rows: list[search.Entry]) -> list[str]:
    return [key[-1] for key in search.rank(search.Query.read(q), rows)]


def test_the_code_then_the_name_then_a_phrase_then_words():
    rows = entries(
        ("1.000001", "Cấp bản sao giấy khai sinh"),
        ("1.000002", "Thủ tục đăng ký khai sinh"),
        ("1.000003", "Đăng ký khai sinh kết hợp"),
        ("1.000004", "Khai báo sinh hoạt"),
        ("1.000005", "Khai sinh cho trẻ em"),
    )
    # Beginning with the phrase, then earlier in the name, then shorter.
    assert order("khai sinh", rows) == ["1.000005", "1.000002", "1.000003", "1.000001"]
    assert order("dang ky khai sinh", rows) == ["1.000002", "1.000003"]
    assert order("khai sinh hoat", rows) == ["1.000004"]
    assert order("1.000004", rows) == ["1.000004"]
    assert order("1.00000", rows) == ["1.000001", "1.000002", "1.000003", "1.000004", "1.000005"]


def test_ties_go_by_code():
    rows = entries(
        ("1.000009", "Đính chính giấy chứng nhận"), ("1.000002", "Đính chính giấy chứng nhận")
    )
    assert order("dinh chinh", rows) == ["1.000002", "1.000009"]


def test_a_word_still_being_typed_comes_after_whole_words():
    rows = entries(("1.000001", "Đăng ký khai sinh"), ("1.000002", "Đăng ký kha"))
    assert order("dang ky kha", rows) == ["1.000002", "1.000001"]


def test_field_and_agency_names_come_after_names():
    rows = [
        search.Entry(
            "1.000001",
            search.search_text("1.000001", "Tách hộ"),
            "dang ky quan ly cu tru",
            ("cong an cap xa",),
        ),
        search.Entry(
            "1.000002",
            search.search_text("1.000002", "Khai báo cư trú"),
            "dang ky quan ly cu tru",
            ("cong an cap xa",),
        ),
    ]
    assert order("cu tru", rows) == ["1.000002", "1.000001"]
    assert order("cong an", rows) == ["1.000001", "1.000002"]
    assert order("tach ho cong an", rows) == ["1.000001"]


def test_spacing_and_y_for_i_do_not_matter():
    rows = entries(("1.000001", "Đăng ký kết hôn"))
    for q in ("dangky ket hon", "đăng kí kết hôn", "dang ky kethon", "DANG KI KET HON"):
        assert order(q, rows) == ["1.000001"], q


def test_words_people_put_before_the_name_are_left_out_when_nothing_has_them():
    rows = entries(("1.000001", "Cấp giấy phép xây dựng"), ("1.000002", "Xin thôi quốc tịch"))
    assert order("xin giay phep xay dung", rows) == ["1.000001"]
    assert order("lam giay phep", rows) == ["1.000001"]
    assert order("xin thoi quoc tich", rows) == ["1.000002"]
    assert order("xin", rows) == ["1.000002"]
    assert order("giay phep xay dung qwzx", rows) == []


def test_punctuation_alone_finds_nothing():
    rows = entries(("1.000001", "Đăng ký kết hôn"))
    assert order("%", rows) == order("_", rows) == order("...", rows) == []


def test_an_everyday_name_puts_the_official_wording_first(session):
    everyday = ranked(session, "sổ hồng")
    official = ranked(session, "cap giay chung nhan quyen su dung dat lan dau")
    assert everyday[: len(official)] == official
