"""Browser tests: the app on a live port with its own SQLite database, driven in Debian's
Chromium through Playwright (never a downloaded browser)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from onestop import db, migrate
from onestop.accounts.services import create_user
from onestop.app import create_app
from onestop.catalogue.loading import load_catalogue
from onestop.config import ROOT
from tests.conftest import NOW

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "mat-khau-dai-du"


@contextmanager
def serving(tmp_path: Path, users: Mapping[str, tuple[str, str, str]]) -> Iterator[str]:
    """The app on a free port of 127.0.0.1 with these users (username: role, agency, name);
    its clock pinned at 09:00 on Wednesday 25/11/2026 in Vietnam. Yields its address."""
    url = f"sqlite:///{tmp_path / 'onestop.db'}"
    migrate.upgrade(url)
    database = db.Database(url)
    with database.session_scope() as session:
        load_catalogue(session, directory=ROOT / "procedures", now=NOW)
        for username, (role, agency, name) in users.items():
            create_user(
                session,
                username=username,
                role=role,
                agency_code=agency,
                full_name=name,
                password=PASSWORD,
                now=NOW,
            )
    database.engine.dispose()
    settings = {"DATABASE_URL": url, "SECRET_KEY": "test", "PUBLIC_RATE_LIMIT": "0", "NOW": NOW}
    app = create_app(settings | {"INSTANCE_PATH": str(tmp_path / "instance")})
    http = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{http.server_port}"
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield app.config["BASE_URL"]
    finally:
        http.shutdown()
        thread.join()
        db.database(app).engine.dispose()


@contextmanager
def browsing(**context: Any) -> Iterator[Any]:
    """A new page of a headless Chromium, in Vietnamese."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        opened = browser.new_context(locale="vi-VN", **context)
        try:
            yield opened.new_page()
        finally:
            opened.close()
            browser.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason="Debian's chromium is missing")
        for item in items:
            if "tests/browser/" in str(item.fspath):
                item.add_marker(skip)
