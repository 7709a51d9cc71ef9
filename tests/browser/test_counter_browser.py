"""An officer does the counter job in Debian's Chromium, driven by Playwright."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, browsing, serving


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with serving(tmp_path, {"lan": ("officer", "000.01.31.H21", "Nguyễn Thị Lan")}) as url:
        yield url


@pytest.fixture
def page() -> Iterator[object]:
    with browsing(accept_downloads=True) as opened:
        yield opened


def test_officer_receives_a_birth_registration(server: str, page, tmp_path: Path) -> None:
    page.goto(f"{server}/dang-nhap")
    page.fill("#username", "lan")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server}/counter/")  # an officer lands on the counter

    page.goto(f"{server}/counter/")
    # The search box has the focus (autofocus); Chromium gives it once the page has loaded,
    # and keys typed before then are lost.
    expect(page.locator("#q")).to_be_focused()
    page.keyboard.type("dang ky khai sinh")
    page.keyboard.press("Enter")
    page.click("#results a[href$='/tiep-nhan/1.001193']")
    page.wait_for_url("**/counter/tiep-nhan/1.001193")

    page.fill("#applicant\\.full_name", "Nguyễn Văn Ánh")
    page.fill("#applicant\\.id_number", "052090001234")
    page.fill("#applicant\\.phone", "0905123456")
    required = page.locator('tr[data-required="1"] input[type=checkbox]')
    assert required.count() > 0
    for i in range(required.count()):  # the counter receives only with the required papers
        required.nth(i).check()
    # Same day: received at 09:00 on Wednesday 25/11/2026 (the pinned clock), due at 17:00.
    assert page.inner_text("#due-text") == "17:00, 25/11/2026"
    page.click("button[value=receive]")
    page.wait_for_url("**/counter/ho-so/**")
    code = page.inner_text("#dossier-code")
    assert code.startswith("000.01.31.H21-")
    assert page.inner_text("#status") == "Được tiếp nhận"

    href = page.get_attribute("#print-receipt", "href")
    response = page.request.get(f"{server}{href}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(response.body())
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert code in text and "Nguyễn Văn Ánh" in text
