"""Sample forms filled as at a commune centre of Gia Lai, and tools to read PDFs back."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from onestop.receipts.data import (
    DocumentLine,
    Header,
    MissingDocument,
    ReceiptData,
    RefusalData,
    SupplementData,
)

# 09:05 on 25/11/2026 in Vietnam (UTC+7); the due time is 16:30 on 27/11/2026 there.
RECEIVED = datetime(2026, 11, 25, 2, 5, tzinfo=UTC)
DUE = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
LOOKUP = "http://127.0.0.1:5000/tra-cuu/q7Vx2KpLm9TfRw4Zb8Hn3Y"

HEADER = Header(
    parent_agency_name="UBND PHƯỜNG QUY NHƠN",
    agency_name="Trung tâm Phục vụ hành chính công phường Quy Nhơn",
    place="Quy Nhơn",
    issued_at=RECEIVED,
)


@pytest.fixture
def receipt() -> ReceiptData:
    """A birth registration brought by the mother for her child."""
    return ReceiptData(
        header=HEADER,
        code="000.01.31.H21-261125-0001",
        lookup_url=LOOKUP,
        submitter_name="Đặng Thị Hường",
        owner_name="Nguyễn Văn Ánh",
        address="Số 12 đường Lê Lợi, phường Quy Nhơn, tỉnh Gia Lai",
        phone="0905123456",
        email="dang.huong@gmail.com",
        id_number="052190001234",
        channel="Trực tiếp",
        request="1.001193 - Thủ tục đăng ký khai sinh",
        documents=[
            DocumentLine("Tờ khai đăng ký khai sinh theo mẫu", originals=1),
            DocumentLine("Giấy chứng sinh", originals=1, photocopies=1),
            DocumentLine("Giấy chứng nhận kết hôn của cha, mẹ", certified_copies=2),
        ],
        sets=1,
        processing_time="03 ngày làm việc",
        received_at=RECEIVED,
        due_at=DUE,
        result_place="Trung tâm Phục vụ hành chính công phường Quy Nhơn",
        officer_name="Trần Thị Bích Ngọc",
        logbook="Quyển số 01, Số thứ tự 0125",
    )


@pytest.fixture
def supplement() -> SupplementData:
    """A marriage registration that lacks two papers."""
    return SupplementData(
        header=HEADER,
        number="12/HDHS",
        code="000.01.31.H21-261125-0007",
        owner_name="Lê Hoàng Phúc",
        address="Thôn Phú Hòa, xã Tuy Phước, tỉnh Gia Lai",
        phone="0982765432",
        email=None,
        request="1.000894 - Thủ tục đăng ký kết hôn",
        missing=[
            MissingDocument("Giấy xác nhận tình trạng hôn nhân", "Bản chính, còn thời hạn"),
            MissingDocument("Căn cước của bên nữ", "Xuất trình bản chính để đối chiếu"),
        ],
        reason="Hồ sơ chưa đủ thành phần theo quy định",
        officer_name="Phạm Quốc Việt",
        officer_phone="0256 3822 111",
        lookup_url=LOOKUP,
    )


@pytest.fixture
def refusal() -> RefusalData:
    """A request that this centre cannot handle."""
    return RefusalData(
        header=HEADER,
        code="000.01.31.H21-261125-0009",
        owner_name="Võ Thị Thu Hằng",
        address="Tổ 5, khu phố 3, phường Quy Nhơn Đông, tỉnh Gia Lai",
        phone="0935111222",
        email="hang.vo@yahoo.com.vn",
        request="2.000908 - Thủ tục cấp bản sao từ sổ gốc",
        reason="Sổ gốc không do Ủy ban nhân dân phường Quy Nhơn quản lý",
        officer_name="Huỳnh Đức Thắng",
    )


def _run(*args: str | Path) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def pdf_text(tmp_path: Path) -> Callable[[bytes], list[str]]:
    """Reads a PDF back with `pdftotext -layout`: the text of each page, spaces collapsed."""

    def read(pdf: bytes) -> list[str]:
        path = tmp_path / "form.pdf"
        path.write_bytes(pdf)
        pages = _run("pdftotext", "-layout", path, "-").split("\f")
        return [re.sub(r"\s+", " ", page).strip() for page in pages if page.strip()]

    return read


@pytest.fixture
def qr_codes(tmp_path: Path) -> Callable[[bytes], list[str]]:
    """Rasterises a PDF at 150 dpi and decodes the QR code of each page with zbarimg."""

    def scan(pdf: bytes) -> list[str]:
        path = tmp_path / "scan.pdf"
        path.write_bytes(pdf)
        _run("pdftoppm", "-r", "150", "-png", path, tmp_path / "page")
        pages = sorted(tmp_path.glob("page*.png"))
        return [_decode(page) for page in pages]

    return scan


def _decode(image: Path) -> str:
    # zbarimg exits with 4 when the image holds no code: that is an answer, not an error.
    done = subprocess.run(("zbarimg", "--raw", "-q", image), capture_output=True, text=True)
    assert done.returncode in (0, 4), done.stderr
    return done.stdout.strip()
