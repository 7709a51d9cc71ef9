"""The renderer loads nothing from the network and no file outside static/ and the fonts."""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any

import pytest

from onestop.receipts import render_html_to_pdf
from onestop.receipts.fetcher import RefusedURLError, SafeURLFetcher
from onestop.receipts.render import FONT_DIR, STATIC

ALLOWED = [
    "data:image/png;base64,iVBORw0KGgo=",
    (STATIC / "onestop.css").as_uri(),
    (FONT_DIR / "BeVietnamPro-Regular.ttf").as_uri(),
    "file://localhost" + (STATIC / "onestop.css").as_posix(),
]
REFUSED = [
    "http://example.com/x.png",
    "https://example.com/x.css",
    "ftp://example.com/x",
    "file:///etc/passwd",
    "file://example.com/etc/passwd",
    (STATIC / ".." / "pyproject.toml").as_uri(),
    (STATIC / "%2e%2e/pyproject.toml").as_uri().replace("%252e", "%2e"),
    "file:" + str(STATIC) + "-evil/x.css",
]


@pytest.fixture
def fetcher() -> SafeURLFetcher:
    return SafeURLFetcher([STATIC, FONT_DIR])


@pytest.mark.parametrize("url", ALLOWED)
def test_own_files_and_data_uris_pass(fetcher: SafeURLFetcher, url: str) -> None:
    fetcher.check(url)


@pytest.mark.parametrize("url", REFUSED)
def test_remote_and_outside_urls_are_refused(fetcher: SafeURLFetcher, url: str) -> None:
    with pytest.raises(RefusedURLError):
        fetcher.fetch(url)


def test_a_symbolic_link_cannot_lead_outside(tmp_path: Path) -> None:
    (tmp_path / "passwd").symlink_to("/etc/passwd")
    with pytest.raises(RefusedURLError):
        SafeURLFetcher([tmp_path]).check((tmp_path / "passwd").as_uri())


def test_rendering_never_fetches_what_is_refused(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    refused: list[str] = []
    connections: list[Any] = []
    check = SafeURLFetcher.check

    def spy(self: SafeURLFetcher, url: str) -> None:
        try:
            check(self, url)
        except RefusedURLError:
            refused.append(url)
            raise

    def no_network(self: socket.socket, address: Any) -> None:
        connections.append(address)
        raise OSError("no network in tests")

    monkeypatch.setattr(SafeURLFetcher, "check", spy)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    html = (
        "<style>@import url(http://example.com/x.css);</style>"
        '<link rel="stylesheet" href="file:///etc/passwd">'
        '<img src="http://example.com/x.png"><img src="file:///etc/passwd">'
        "<p>Đặng Thị Hường</p>"
    )
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        pdf = render_html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert sorted(set(refused)) == [
        "file:///etc/passwd",
        "http://example.com/x.css",
        "http://example.com/x.png",
    ]
    assert connections == []
    assert "RefusedURLError" in caplog.text
