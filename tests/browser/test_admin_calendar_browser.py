"""An administrator adds a day off with the calendar form in Debian's Chromium, sees it in the
year's list with its source, and the confirmation that deleting it asks for."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import PASSWORD, browsing, serving

USERS = {"thu": ("admin", None, "Lê Thị Thu")}
SHOTS = Path("/tmp")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with serving(tmp_path, USERS) as url:
        yield url


@pytest.fixture
def page() -> Iterator[object]:
    with browsing(viewport={"width": 1280, "height": 900}) as opened:
        yield opened


def log_in(page, server: str) -> None:
    page.goto(f"{server}/dang-nhap")
    page.fill("#username", "thu")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_an_admin_adds_a_day_off_and_sees_it_listed(page, server):
    log_in(page, server)
    page.goto(f"{server}/admin/")
    page.screenshot(path=str(SHOTS / "admin-index.png"), full_page=True)
    with page.expect_navigation():
        page.click("a[href='/admin/lich']")
    assert page.is_visible("h2#year")
    assert page.locator("#days tr[data-day='2026-12-01']").count() == 0

    # Sent empty: every field says what is missing, in Vietnamese, beside it.
    with page.expect_navigation():
        page.click("#add-day button[type=submit]")
    assert page.text_content("#day-error") == "Chọn ngày."
    assert "Chọn loại ngày" in page.text_content("#kind-error")
    assert "Nhập lý do" in page.text_content("#reason-error")
    page.screenshot(path=str(SHOTS / "admin-calendar-errors.png"), full_page=True)

    page.fill("#day", "2026-12-01")
    page.check("input[name=kind][value=day_off]")
    page.fill("#reason", "Nghỉ do bão số 15")
    page.fill("#decision", "Quyết định 12/QĐ-UBND")
    with page.expect_navigation():
        page.click("#add-day button[type=submit]")
    assert page.url == f"{server}/admin/lich?nam=2026"
    assert "Đã thêm ngày nghỉ 01/12/2026" in page.text_content(".flash")
    listed = page.locator("#days tr[data-day='2026-12-01']")
    assert "Nghỉ do bão số 15" in listed.text_content()
    assert listed.locator("li[data-layer=admin]").count() == 1
    assert "Quản trị viên nhập" in listed.locator("li[data-layer=admin]").text_content()
    assert "Lê Thị Thu" in listed.text_content()
    page.screenshot(path=str(SHOTS / "admin-calendar.png"), full_page=True)

    # Deleting asks first.
    with page.expect_navigation():
        listed.locator("a", has_text="Xóa").click()
    assert page.url == f"{server}/admin/lich/2026-12-01/xoa"
    assert "Sau khi xóa, ngày này là ngày làm việc" in page.text_content("#after")
    page.screenshot(path=str(SHOTS / "admin-calendar-delete.png"), full_page=True)
    with page.expect_navigation():
        page.click("button.danger")
    assert page.locator("#days tr[data-day='2026-12-01']").count() == 0
    assert "Đã xóa điều chỉnh ngày 01/12/2026" in page.text_content(".flash")

    # The year's import, below: its problems by line, in Vietnamese.
    page.click("details.bulk summary")
    page.fill(
        "#overrides", "days_off:\n  - {date: 2026-12-01, reason: Bão}\n  - {date: 2026-02-30}\n"
    )
    with page.expect_navigation():
        page.click("details.bulk button[type=submit]")
    problems = page.text_content("#overrides-errors")
    assert "Dòng 3: Ngày '2026-02-30' không hợp lệ" in problems
    assert "Dòng 3: Thiếu lý do (reason)." in problems
    page.locator("details.bulk").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "admin-calendar-import.png"))


def test_the_catalogue_page_shows_the_notes_on_demand(page, server):
    log_in(page, server)
    page.goto(f"{server}/admin/thu-tuc")
    assert "không có lỗi" in page.text_content("#check")
    page.screenshot(path=str(SHOTS / "admin-catalogue-top.png"))
    row = page.locator("tr[data-code='1.000593']")
    row.locator("summary").click()
    assert row.locator("details ul").first.is_visible()
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "admin-catalogue.png"))
