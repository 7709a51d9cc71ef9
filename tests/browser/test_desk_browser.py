"""A birth registration (2.000986) goes round in Debian's Chromium: the counter receives and
forwards it, the ward hands it on to the police and the social insurance in parallel, each
completes it from its desk, and the counter returns the result."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import PASSWORD, browsing, serving

# username: (role, agency, full name)
USERS = {
    "lan": ("officer", "000.01.31.H21", "Nguyễn Thị Lan"),  # the ward's public-service centre
    "hoa": ("handler", "000.00.31.H21", "Trần Thị Hoa"),  # the ward's civil status officer
    "minh": ("handler", "000.02.31.H21", "Lê Văn Minh"),  # the ward's police
    "tuan": ("handler", "000.00.12.H21", "Phạm Anh Tuấn"),  # the province's social insurance
}
SHOTS = Path("/tmp")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with serving(tmp_path, USERS) as url:
        yield url


@pytest.fixture
def page() -> Iterator[object]:
    with browsing(viewport={"width": 1280, "height": 900}) as opened:
        yield opened


def log_in(page, server: str, username: str, lands_on: str) -> None:
    page.goto(f"{server}/dang-nhap")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server}{lands_on}")


def log_out(page) -> None:
    with page.expect_navigation():
        page.click("form[action='/dang-xuat'] button")


def press(page, action: str) -> None:
    """Open an action of the dossier page and send it as it is."""
    page.click(f"#action-{action} summary")
    with page.expect_navigation():
        page.click(f"#action-{action} button[type=submit]")


def desk_codes(page) -> list[str]:
    return [row.get_attribute("data-code") for row in page.query_selector_all("#desk tbody tr")]


def from_the_desk(page, server: str, username: str, code: str) -> None:
    """A handler logs in, lands on the desk, and opens the dossier from it."""
    log_in(page, server, username, "/desk/")
    assert code in desk_codes(page)
    page.click(f"#desk a:text-is('{code}')")
    page.wait_for_url(f"**/counter/ho-so/{code}")


def test_a_birth_registration_goes_round_the_desks(server: str, page) -> None:
    log_in(page, server, "lan", "/counter/")
    page.goto(f"{server}/counter/tiep-nhan/2.000986")
    page.fill("#applicant\\.full_name", "Nguyễn Văn Ánh")
    page.fill("#applicant\\.id_number", "052090001234")
    page.fill("#applicant\\.phone", "0905123456")
    required = page.locator('tr[data-required="1"] input[type=checkbox]')
    for i in range(required.count()):  # the papers the list requires, as the officer ticks them
        required.nth(i).check()
    page.click("button[value=receive]")
    page.wait_for_url("**/counter/ho-so/**")
    code = page.inner_text("#dossier-code")
    assert page.inner_text("#status") == "Được tiếp nhận"
    press(page, "transfer")  # no agency chosen: the next step of the plan, the ward
    assert page.inner_text("#status") == "Đang xử lý"
    log_out(page)

    from_the_desk(page, server, "hoa", code)
    page.goto(f"{server}/desk/")
    row = page.locator(f"#desk tr[data-code='{code}']")
    assert row.get_attribute("data-marks") == "today soon"  # same day: due at 17:00
    assert "Đến hạn hôm nay" in row.inner_text()
    assert page.inner_text("#count-today") == "1"
    page.screenshot(path=str(SHOTS / "onestop-desk.png"), full_page=True)
    page.click(f"#desk a:text-is('{code}')")
    page.wait_for_url(f"**/counter/ho-so/{code}")
    press(page, "transfer")  # to the police and the social insurance, together
    page.goto(f"{server}/desk/")
    assert code not in desk_codes(page)
    log_out(page)

    for handler in ("minh", "tuan"):
        from_the_desk(page, server, handler, code)
        press(page, "complete")
        page.goto(f"{server}/desk/")
        assert code not in desk_codes(page)
        log_out(page)

    log_in(page, server, "lan", "/counter/")
    ready = page.locator(f"#ready tr[data-code='{code}']")
    assert "Nguyễn Văn Ánh" in ready.inner_text()
    page.screenshot(path=str(SHOTS / "onestop-counter-home.png"), full_page=True)
    ready.locator("a").click()
    page.wait_for_url(f"**/counter/ho-so/{code}")
    assert page.inner_text("#status") == "Đã xử lý xong"
    press(page, "return_result")
    assert page.inner_text("#status") == "Đã trả kết quả"
    page.goto(f"{server}/counter/")
    assert page.locator(f"#ready tr[data-code='{code}']").count() == 0
