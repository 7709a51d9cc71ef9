"""An officer does the counter job in Debian's Chromium, driven by Playwright."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from onestop import db, migrate
from onestop.accounts.services import create_user
from onestop.app import create_app
from onestop.catalogue.loading import load_catalogue
from onestop.config import ROOT
from tests.conftest import NOW

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is missing")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The app on a free port of 127.0.0.1, on its own SQLite database."""
    url = f"sqlite:///{tmp_path / 'onestop.db'}"
    migrate.upgrade(url)
    database = db.Database(url)
    with database.session_scope() as session:
        load_catalogue(session, directory=ROOT / "procedures", now=NOW)
        create_user(
            session,
            username="lan",
            role="officer",
            agency_code="000.01.31.H21",
            full_name="Nguyễn Thị Lan",
            password="mat-khau-dai-du",
            now=NOW,
        )
    database.engine.dispose()
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "test",
            "PUBLIC_RATE_LIMIT": "0",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "NOW": NOW,
        }
    )
    http = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{http.server_port}"
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield app.config["BASE_URL"]
    http.shutdown()
    thread.join()
    db.database(app).engine.dispose()


@pytest.fixture
def page(tmp_path: Path) -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        context = browser.new_context(accept_downloads=True, locale="vi-VN")
        yield context.new_page()
        context.close()
        browser.close()


def test_officer_receives_a_birth_registration(server: str, page, tmp_path: Path) -> None:
    page.goto(f"{server}/dang-nhap")
    page.fill("#username", "lan")
    page.fill("#password", "mat-khau-dai-du")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server}/counter/")  # an officer lands on the counter

    page.goto(f"{server}/counter/")
    page.keyboard.type("dang ky khai sinh")  # the search box has the focus
    page.keyboard.press("Enter")
    page.click("#results a[href$='/tiep-nhan/1.001193']")
    page.wait_for_url("**/counter/tiep-nhan/1.001193")

    page.fill("#applicant\\.full_name", "Nguyễn Văn Ánh")
    page.fill("#applicant\\.id_number", "052090001234")
    page.fill("#applicant\\.phone", "0905123456")
    page.check("#doc-0-received")
    page.check("#doc-1-received")
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
