"""Mẫu 01, the receipt: every field, both copies, the QR code, Vietnam time."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from onestop.receipts import DocumentLine, ReceiptData, render_receipt

LABELS_AND_VALUES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "UBND PHƯỜNG QUY NHƠN",
    "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH",
    "Quy Nhơn, ngày 25 tháng 11 năm 2026",
    "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    "Mã hồ sơ: 000.01.31.H21-261125-0001",
    "Đơn vị tiếp nhận: Trung tâm Phục vụ hành chính công phường Quy Nhơn",
    "Tiếp nhận hồ sơ của Ông (Bà): Đặng Thị Hường",
    "Chủ hồ sơ: Nguyễn Văn Ánh",
    "Địa chỉ: Số 12 đường Lê Lợi, phường Quy Nhơn, tỉnh Gia Lai",
    "Số điện thoại: 0905123456",
    "Email: dang.huong@gmail.com",
    "Số định danh cá nhân: 052190001234",
    "Hình thức nộp: Trực tiếp",
    "Nội dung yêu cầu giải quyết: 1.001193 - Thủ tục đăng ký khai sinh",
    "1. Thành phần hồ sơ",
    "STT Tên giấy tờ Bản chính Bản chứng thực Bản photo",
    "1 Tờ khai đăng ký khai sinh theo mẫu 1 0 0",
    "2 Giấy chứng sinh 1 0 1",
    "3 Giấy chứng nhận kết hôn của cha, mẹ 0 2 0",
    "2. Số lượng hồ sơ: 01 bộ",
    "3. Thời gian giải quyết hồ sơ theo quy định: 03 ngày làm việc",
    "4. Thời gian nhận hồ sơ: 09 giờ 05 phút, ngày 25/11/2026",
    "5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 27/11/2026",
    "6. Nơi nhận kết quả: Trung tâm Phục vụ hành chính công phường Quy Nhơn",
    "Vào Sổ theo dõi hồ sơ, Quyển số 01, Số thứ tự 0125",
    "quét mã QR",
    "http://127.0.0.1:5000/tra-cuu/q7Vx2KpLm9TfRw4Zb8Hn3Y",
    "NGƯỜI NỘP HỒ SƠ",
    "NGƯỜI TIẾP NHẬN HỒ SƠ",
    "Trần Thị Bích Ngọc",
]

COPIES = ["(Liên 1: Lưu tại bộ phận tiếp nhận)", "(Liên 2: Giao người nộp hồ sơ)"]


@pytest.fixture(params=["UTC", "America/Los_Angeles"])
def machine_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """Runs the test as on a server whose clock is set to another zone than Vietnam's."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    try:
        yield request.param
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


def test_two_copies_carry_every_field(
    receipt: ReceiptData, pdf_text: Callable[[bytes], list[str]]
) -> None:
    pages = pdf_text(render_receipt(receipt))
    assert len(pages) == 2
    for page, copy in zip(pages, COPIES, strict=True):
        missing = [text for text in [*LABELS_AND_VALUES, copy] if text not in page]
        assert missing == []
    assert COPIES[1] not in pages[0] and COPIES[0] not in pages[1]


def test_both_copies_carry_the_qr_code(
    receipt: ReceiptData, qr_codes: Callable[[bytes], list[str]]
) -> None:
    assert qr_codes(render_receipt(receipt)) == [receipt.lookup_url] * 2


def test_no_appointment_and_blank_contact_fields(
    receipt: ReceiptData, pdf_text: Callable[[bytes], list[str]]
) -> None:
    same_day = dataclasses.replace(
        receipt, due_at=None, address=None, phone=None, email=None, id_number=None, logbook=None
    )
    pages = pdf_text(render_receipt(same_day))
    assert len(pages) == 2
    for page in pages:
        assert "5. Thời gian trả kết quả giải quyết hồ sơ: Không hẹn ngày trả" in page
        # The labels stay, with room to write by hand.
        for label in ("Địa chỉ:", "Số điện thoại:", "Email:", "Số định danh cá nhân:"):
            assert label in page
        assert "None" not in page and "Vào Sổ theo dõi hồ sơ" not in page


def test_times_are_vietnam_time_whatever_the_machine_zone(
    machine_zone: str, receipt: ReceiptData, pdf_text: Callable[[bytes], list[str]]
) -> None:
    # 23:40 UTC is already the next day in Vietnam; the date line must say so too.
    late = datetime(2026, 2, 4, 23, 40, tzinfo=UTC)
    evening = dataclasses.replace(
        receipt,
        header=dataclasses.replace(receipt.header, issued_at=late),
        received_at=late,
        due_at=datetime(2026, 2, 9, 9, 0, tzinfo=UTC),
    )
    page = pdf_text(render_receipt(evening))[0]
    assert datetime.now().astimezone().utcoffset() != timedelta(hours=7)
    assert "4. Thời gian nhận hồ sơ: 06 giờ 40 phút, ngày 05/02/2026" in page
    assert "5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 09/02/2026" in page
    # Decree 30/2020: a leading zero for days below 10 and for January and February.
    assert "Quy Nhơn, ngày 05 tháng 02 năm 2026" in page


def test_values_are_printed_as_text_never_as_markup(
    receipt: ReceiptData, pdf_text: Callable[[bytes], list[str]]
) -> None:
    sneaky = dataclasses.replace(receipt, owner_name="<b>Lý Thị Ngà</b> & <i>con</i>")
    page = pdf_text(render_receipt(sneaky))[0]
    assert "Chủ hồ sơ: <b>Lý Thị Ngà</b> & <i>con</i>" in page


def test_naive_times_are_refused(receipt: ReceiptData) -> None:
    with pytest.raises(ValueError, match="naive"):
        render_receipt(dataclasses.replace(receipt, received_at=datetime(2026, 11, 25, 9, 5)))


def test_a_long_copy_says_what_it_continues(
    receipt: ReceiptData, pdf_text: Callable[[bytes], list[str]]
) -> None:
    paper = "Bản sao giấy khai sinh có chứng thực của người được đăng ký thường trú"
    long = dataclasses.replace(receipt, documents=[DocumentLine(paper, 1, 1)] * 8)
    pages = pdf_text(render_receipt(long))
    assert len(pages) == 4
    code = "Mã hồ sơ: 000.01.31.H21-261125-0001"
    assert [page.count(code) for page in pages] == [1, 1, 1, 1]
    assert f"{code} (Liên 1: Lưu tại bộ phận tiếp nhận)" in pages[1]
    assert f"{code} (Liên 2: Giao người nộp hồ sơ)" in pages[3]
    assert "GIẤY TIẾP NHẬN HỒ SƠ" in pages[2] and "GIẤY TIẾP NHẬN HỒ SƠ" not in pages[3]
