"""The intake checklist in Debian's Chromium: the receive button follows the ticks, and Enter
in a field never receives. Screenshots go to /tmp/shots/intake-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import PASSWORD, browsing, serving

SHOTS = Path("/tmp/shots")
OFFICE = "000.01.31.H21"
REQUIRED = 'tr[data-required="1"] input[type=checkbox]'


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with serving(tmp_path, {"lan": ("officer", OFFICE, "Nguyễn Thị Lan")}) as url:
        yield url


def logged_in(opened, server: str):
    opened.goto(f"{server}/dang-nhap")
    opened.fill("#username", "lan")
    opened.fill("#password", PASSWORD)
    opened.keyboard.press("Enter")
    opened.wait_for_url(f"{server}/counter/")
    return opened


@pytest.fixture
def page(server: str) -> Iterator[object]:
    with browsing(viewport={"width": 1280, "height": 900}) as opened:
        yield logged_in(opened, server)


def open_intake(page, server: str, code: str) -> None:
    page.goto(f"{server}/counter/tiep-nhan/{code}")
    page.fill("#applicant\\.full_name", "Nguyễn Văn Ánh")
    page.fill("#applicant\\.id_number", "052090001234")
    page.fill("#applicant\\.phone", "0905123456")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"intake-{name}.png"), full_page=True)


def missing(page) -> list[str]:
    return [text.strip() for text in page.locator("#receive-missing li").all_inner_texts()]


def test_the_receive_button_follows_the_ticks(server: str, page) -> None:
    open_intake(page, server, "1.001193")
    boxes = page.locator(REQUIRED)
    names = [n.strip() for n in page.locator('tr[data-required="1"] label').all_inner_texts()]
    assert boxes.count() == len(names) >= 2
    receive = page.locator("#receive")
    assert receive.is_disabled()
    assert page.locator("#receive-blocked").is_visible()
    assert missing(page) == names
    shot(page, "blocked")

    for i in range(boxes.count()):
        boxes.nth(i).check()
        assert receive.is_disabled() == (i < boxes.count() - 1)
        assert missing(page) == names[i + 1 :]
    assert not page.locator("#receive-blocked").is_visible()
    optional = page.locator('tr[data-required="0"] input[type=checkbox]')
    assert optional.count() > 0 and not optional.first.is_checked()  # not needed to receive
    shot(page, "ready")

    # A paper ticked with no copy is not received.
    row = page.locator('tr[data-required="1"]').first
    for field in row.locator("input[type=number]").all():
        field.fill("0")
    assert receive.is_disabled() and missing(page) == names[:1]
    row.locator("input[type=number]").first.fill("1")
    assert receive.is_enabled()
    boxes.nth(0).uncheck()
    assert receive.is_disabled()
    boxes.nth(0).check()

    page.click("#receive")
    page.wait_for_url("**/counter/ho-so/**")
    assert page.inner_text("#status") == "Được tiếp nhận"


def test_enter_in_a_field_never_receives(server: str, page) -> None:
    open_intake(page, server, "1.001193")
    boxes = page.locator(REQUIRED)
    for i in range(boxes.count()):
        boxes.nth(i).check()
    assert page.locator("#receive").is_enabled()  # the papers are there: Enter still does not
    # Any submission of the form, whatever started it, would set this flag.
    page.evaluate(
        "document.getElementById('intake').addEventListener("
        "'submit', () => { window.sent = true; })"
    )
    url = page.url
    for field in ("#applicant\\.full_name", "#applicant\\.phone", "#missing_other", "#sets"):
        page.focus(field)
        page.keyboard.press("Enter")
    boxes.nth(0).focus()
    page.keyboard.press("Enter")
    assert page.evaluate("window.sent === undefined")
    assert page.url == url and boxes.nth(0).is_checked()

    page.click("#receive")  # pressed on purpose: the first dossier of the day
    page.wait_for_url("**/counter/ho-so/**")
    assert page.inner_text("#dossier-code").endswith("-0001")


def test_without_scripts_enter_still_never_receives(server: str) -> None:
    """Chromium's Enter on a checkbox clicks the first enabled button: the guard that names
    no outcome, so the server sends the form back as typed."""
    with browsing(java_script_enabled=False) as opened:
        page = logged_in(opened, server)
        open_intake(page, server, "1.001193")
        boxes = page.locator(REQUIRED)
        for i in range(boxes.count()):
            boxes.nth(i).check()
        url = page.url
        page.focus("#applicant\\.full_name")
        page.keyboard.press("Enter")  # the disabled default button: nothing at all
        assert page.url == url and page.input_value("#applicant\\.full_name") == "Nguyễn Văn Ánh"
        with page.expect_navigation():
            boxes.nth(0).focus()
            page.keyboard.press("Enter")
        assert "Chọn tiếp nhận, yêu cầu bổ sung hoặc từ chối." in page.content()
        assert page.input_value("#applicant\\.full_name") == "Nguyễn Văn Ánh"
        assert page.locator(REQUIRED).nth(0).is_checked()
        page.click("#receive")
        page.wait_for_url("**/counter/ho-so/**")
        assert page.inner_text("#dossier-code").endswith("-0001")  # Enter recorded none


def test_a_land_dossier_needs_the_papers_of_one_case(server: str, page) -> None:
    open_intake(page, server, "1.115765")
    headings = page.locator("tr.group th").all_inner_texts()
    assert len(headings) >= 2 and all(h.startswith("Trường hợp: ") for h in headings)
    receive = page.locator("#receive")
    groups = page.locator("table.papers tbody")
    second = groups.nth(1).locator(REQUIRED)
    for i in range(second.count() - 1):
        second.nth(i).check()
    assert receive.is_disabled()
    case = headings[1].removeprefix("Trường hợp: ")
    assert missing(page)[0] == f"Trường hợp: {case}"
    assert len(missing(page)) == 2  # the case, and its one paper not ticked
    page.locator("details.paper-text summary").first.click()  # a paper's full wording
    shot(page, "land-case")
    second.nth(second.count() - 1).check()
    assert receive.is_enabled() and missing(page) == []


def test_the_checklist_on_a_phone(server: str, page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_intake(page, server, "1.001193")
    row = page.locator('tr[data-required="1"]').first
    labels = row.locator("td[data-label]").all()
    assert len(labels) == 3
    boxes = []
    for cell in labels:  # each count keeps its column's name on a phone
        assert cell.evaluate("el => getComputedStyle(el, '::before').content") != "none"
        boxes.append(cell.locator("input").bounding_box())
    # The three counts side by side under the paper's name, each wide enough to read.
    assert len({round(b["y"]) for b in boxes}) == 1
    assert all(b["width"] >= 60 for b in boxes)
    assert boxes[-1]["x"] + boxes[-1]["width"] <= 390
    name = row.locator("label").bounding_box()
    assert name["width"] >= 200 and name["y"] < boxes[0]["y"]
    shot(page, "phone")
