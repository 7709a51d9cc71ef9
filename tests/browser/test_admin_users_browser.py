"""An admin creates a reception officer with the users' form in Debian's Chromium, reads the
generated password once, and the new officer logs in with it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import PASSWORD, browsing, serving

USERS = {"quantri": ("admin", None, "Trần Quản Trị")}
SHOTS = Path("/tmp")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with serving(tmp_path, USERS) as url:
        yield url


def test_an_admin_creates_an_officer_who_then_logs_in(server: str) -> None:
    with browsing(viewport={"width": 1280, "height": 900}) as page:
        page.goto(f"{server}/dang-nhap")
        page.fill("#username", "quantri")
        page.fill("#password", PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{server}/admin/")

        page.goto(f"{server}/admin/nguoi-dung")
        assert page.locator("#users tbody tr").count() == 1
        # First without an agency: refused beside the field, with what was typed kept.
        page.fill("#username", "hoa.le")
        page.fill("#full_name", "Lê Thị Hoa")
        page.select_option("#role", "officer")
        with page.expect_navigation():
            page.click("form[action^='/admin/nguoi-dung'] button[type=submit]")
        assert "phải thuộc một cơ quan" in page.inner_text("#agency-error")
        assert page.input_value("#full_name") == "Lê Thị Hoa"
        page.screenshot(path=str(SHOTS / "admin-users-error.png"), full_page=True)

        page.select_option("#agency", "000.01.31.H21")
        with page.expect_navigation():
            page.click("form[action^='/admin/nguoi-dung'] button[type=submit]")
        password = page.inner_text("#password").strip()
        assert len(password) >= 10
        page.screenshot(path=str(SHOTS / "admin-users-created.png"), full_page=True)

        page.goto(f"{server}/admin/nguoi-dung")
        row = page.locator("#users tbody tr", has_text="hoa.le")
        assert "Cán bộ tiếp nhận" in row.inner_text() and "Chưa đăng nhập" in row.inner_text()
        page.screenshot(path=str(SHOTS / "admin-users-list.png"), full_page=True)
        with page.expect_navigation():
            page.click("form[action='/dang-xuat'] button")

        page.goto(f"{server}/dang-nhap")
        page.fill("#username", "hoa.le")
        page.fill("#password", password)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{server}/counter/")
        assert "Lê Thị Hoa" in page.inner_text("header")

    with browsing(viewport={"width": 1280, "height": 900}) as page:
        page.goto(f"{server}/dang-nhap")
        page.fill("#username", "quantri")
        page.fill("#password", PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{server}/admin/")
        page.goto(f"{server}/admin/nguoi-dung/hoa.le")
        assert page.inner_text("#state") == "Đang hoạt động"
        page.screenshot(path=str(SHOTS / "admin-users-detail.png"), full_page=True)
