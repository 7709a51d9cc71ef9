"""Mẫu 02 (asking for missing documents) and Mẫu 03 (refusal)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from onestop.receipts import RefusalData, SupplementData, render_refusal, render_supplement


def test_supplement_lists_what_is_missing_and_why(
    supplement: SupplementData, pdf_text: Callable[[bytes], list[str]]
) -> None:
    pages = pdf_text(render_supplement(supplement))
    assert len(pages) == 1
    expected = [
        "UBND PHƯỜNG QUY NHƠN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/HDHS",
        "Quy Nhơn, ngày 25 tháng 11 năm 2026",
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Mã hồ sơ: 000.01.31.H21-261125-0007",
        "Hồ sơ của Ông (Bà): Lê Hoàng Phúc",
        "Địa chỉ: Thôn Phú Hòa, xã Tuy Phước, tỉnh Gia Lai",
        "Số điện thoại: 0982765432",
        "Email:",
        "Nội dung yêu cầu giải quyết: 1.000894 - Thủ tục đăng ký kết hôn",
        "STT Tên giấy tờ Nội dung cần bổ sung, hoàn thiện",
        "1 Giấy xác nhận tình trạng hôn nhân Bản chính, còn thời hạn",
        "2 Căn cước của bên nữ Xuất trình bản chính để đối chiếu",
        "Lý do: Hồ sơ chưa đủ thành phần theo quy định",
        "liên hệ với Phạm Quốc Việt, số điện thoại 0256 3822 111 để được hướng dẫn",
        "http://127.0.0.1:5000/tra-cuu/q7Vx2KpLm9TfRw4Zb8Hn3Y",
        "NGƯỜI HƯỚNG DẪN",
    ]
    assert [text for text in expected if text not in pages[0]] == []
    assert pages[0].count("Phạm Quốc Việt") == 2  # in the text and under the signature


def test_supplement_qr_code_only_when_given(
    supplement: SupplementData, qr_codes: Callable[[bytes], list[str]]
) -> None:
    assert qr_codes(render_supplement(supplement)) == [supplement.lookup_url]
    no_link = dataclasses.replace(supplement, lookup_url=None, officer_phone=None)
    assert qr_codes(render_supplement(no_link)) == [""]


def test_supplement_without_officer_phone(
    supplement: SupplementData, pdf_text: Callable[[bytes], list[str]]
) -> None:
    page = pdf_text(render_supplement(dataclasses.replace(supplement, officer_phone=None)))[0]
    assert "liên hệ với Phạm Quốc Việt để được hướng dẫn" in page


def test_refusal_says_why(refusal: RefusalData, pdf_text: Callable[[bytes], list[str]]) -> None:
    pages = pdf_text(render_refusal(refusal))
    assert len(pages) == 1
    expected = [
        "UBND PHƯỜNG QUY NHƠN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Quy Nhơn, ngày 25 tháng 11 năm 2026",
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "Mã hồ sơ: 000.01.31.H21-261125-0009",
        "Đơn vị tiếp nhận: Trung tâm Phục vụ hành chính công phường Quy Nhơn",
        "Tiếp nhận hồ sơ của Ông (Bà): Võ Thị Thu Hằng",
        "Địa chỉ: Tổ 5, khu phố 3, phường Quy Nhơn Đông, tỉnh Gia Lai",
        "Số điện thoại: 0935111222",
        "Email: hang.vo@yahoo.com.vn",
        "Nội dung yêu cầu giải quyết: 2.000908 - Thủ tục cấp bản sao từ sổ gốc",
        "không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau: "
        "Sổ gốc không do Ủy ban nhân dân phường Quy Nhơn quản lý",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TỪ CHỐI",
        "Huỳnh Đức Thắng",
    ]
    assert [text for text in expected if text not in pages[0]] == []
    assert pages[0].count("Võ Thị Thu Hằng") == 2  # in the text and under the signature


def test_refusal_without_code(refusal: RefusalData, pdf_text: Callable[[bytes], list[str]]) -> None:
    page = pdf_text(render_refusal(dataclasses.replace(refusal, code=None)))[0]
    assert "Mã hồ sơ" not in page and "None" not in page
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in page
