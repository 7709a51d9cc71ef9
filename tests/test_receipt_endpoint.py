"""The printed receipt as the citizen gets it: read back, its QR code decoded and opened."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.factories import OFFICE, intake_data

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="poppler-utils and zbar-tools are installed by `make test`",
)


@pytest.fixture
def headers(token):
    secret = token("officer", agency_code=OFFICE, full_name="Nguyễn Thị Lan")
    return {"Authorization": f"Bearer {secret}"}


def test_receipt_carries_every_field_and_a_working_qr(client, headers, tmp_path: Path):
    created = client.post("/api/v1/dossiers", json=intake_data(), headers=headers).json
    response = client.get(f"/api/v1/dossiers/{created['code']}/receipt.pdf", headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(response.data)
    text = " ".join(
        subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    for value in (
        created["code"],
        "Đặng Thị Hường",
        "052190001234",
        "0912345678",
        "huong@example.vn",
        "12 Trần Hưng Đạo, phường Quy Nhơn",
        "Đăng ký thường trú",
        "Tờ khai thay đổi thông tin cư trú (CT01)",
        "07 ngày làm việc",
        "04/12/2026",
        "Nguyễn Thị Lan",
        "Liên 1",
        "Liên 2",
        "ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN",
    ):
        assert value in text, value
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    (image,) = tmp_path.glob("page*.png")
    decoded = subprocess.run(
        ["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert decoded == created["lookup_url"]
    page = client.get(decoded.removeprefix("http://127.0.0.1:5000"))
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert created["code"] in body and "Đặng T** H**" in body
    assert "052190001234" not in body


def test_forms_a_dossier_does_not_have_are_404(client, headers):
    created = client.post("/api/v1/dossiers", json=intake_data(), headers=headers).json
    response = client.get(f"/api/v1/dossiers/{created['code']}/refusal.pdf", headers=headers)
    assert response.status_code == 404
