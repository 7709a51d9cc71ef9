"""The public catalogue on a phone (390×844) in Debian's Chromium: a citizen searches, opens a
procedure, and reads every paper's counts and every fee without a hidden column or a sideways
scroll. Screenshots go to /tmp/shots/ to be looked at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from onestop.catalogue.files import read_catalogue
from onestop.config import ROOT
from tests.browser.conftest import browsing, serving

SHOTS = Path("/tmp/shots")
PHONE = {"width": 390, "height": 844}
RESIDENCE = "1.004222"  # Đăng ký thường trú: papers in cases, fees per channel
LAND = "1.115354"  # an imported land procedure: 35 papers in 8 cases, long published texts
CATALOGUE = read_catalogue(ROOT / "procedures")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("phone"), {}) as url:
        yield url


@pytest.fixture
def phone() -> Iterator[object]:
    SHOTS.mkdir(exist_ok=True)
    with browsing(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True) as page:
        yield page


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def hidden(page, selector: str) -> list[str]:
    """The texts of the elements matching `selector` that are not shown."""
    return [e.inner_text() for e in page.query_selector_all(selector) if not e.is_visible()]


def test_a_citizen_finds_the_residence_procedure_and_reads_it(server: str, phone) -> None:
    phone.goto(f"{server}/thu-tuc")
    assert scroll_width(phone) <= PHONE["width"]
    phone.fill("#q", "thuong tru")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    row = phone.locator(f"#procedures-found tr[data-code='{RESIDENCE}']")
    assert row.is_visible()
    # Stacked on a phone: the field, the time and the agency are shown, not cut off.
    for label in ("Lĩnh vực", "Thời hạn", "Cơ quan"):
        assert row.locator(f"td[data-label='{label}']").is_visible()
    assert scroll_width(phone) <= PHONE["width"]
    phone.screenshot(path=str(SHOTS / "phone-search.png"), full_page=True)

    with phone.expect_navigation():
        row.locator("a").click()
    assert phone.url.endswith(f"/thu-tuc/{RESIDENCE}")
    counts = phone.query_selector_all("li.paper .counts")
    assert len(counts) == len(CATALOGUE.procedures[RESIDENCE].documents)
    assert hidden(phone, "li.paper .counts") == []
    assert "1 bản chính" in counts[0].inner_text()
    fees = phone.locator("li.channel[data-channel='in_person'] ul.fees li")
    assert fees.first.is_visible()
    assert "20.000 đồng" in fees.first.inner_text()
    assert hidden(phone, "ul.fees li") == []
    assert scroll_width(phone) <= PHONE["width"]
    phone.screenshot(path=str(SHOTS / "phone-residence.png"), full_page=True)

    phone.locator("#cach-thuc").scroll_into_view_if_needed()
    phone.screenshot(path=str(SHOTS / "phone-residence-fees.png"))


def test_a_long_imported_land_procedure_stays_readable(server: str, phone) -> None:
    phone.goto(f"{server}/thu-tuc/{LAND}")
    land = CATALOGUE.procedures[LAND]
    cases = {d.case for d in land.documents}
    assert len(cases) >= 8  # each case of the published list under its own heading
    assert len(phone.query_selector_all("h3.case")) == len(cases)
    assert hidden(phone, "li.paper .counts") == []
    assert len(phone.query_selector_all("li.paper .counts")) == len(land.documents)
    # A paper's full wording opens on demand and stays within the screen.
    wording = phone.locator("li.paper details.wording").first
    wording.locator("summary").click()
    assert wording.locator("p").is_visible()
    assert land.record is not None
    assert phone.locator("#national-record a").get_attribute("href") == (
        f"https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{land.record.id}"
    )
    assert scroll_width(phone) <= PHONE["width"]
    phone.screenshot(path=str(SHOTS / "phone-land.png"), full_page=True)
    phone.evaluate("window.scrollTo(0, 0)")
    phone.screenshot(path=str(SHOTS / "phone-land-top.png"))


def test_the_procedure_page_at_desktop_width(server: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    with browsing(viewport={"width": 1280, "height": 900}) as page:
        page.goto(f"{server}/thu-tuc/{RESIDENCE}")
        assert hidden(page, "li.paper .counts") == []
        assert scroll_width(page) <= 1280
        page.screenshot(path=str(SHOTS / "desktop-residence.png"), full_page=True)
        page.goto(f"{server}/thu-tuc?q=dat+dai")
        assert page.locator("#procedures-found tbody tr").count() > 1
        page.screenshot(path=str(SHOTS / "desktop-search.png"))
