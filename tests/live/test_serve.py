"""`onestop serve` without ONESTOP_BASE_URL: links and QR codes carry the address it serves on,
so the QR code of a receipt printed from `make run PORT=5055` opens."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.live.conftest import Setup, running
from tests.live.test_concurrency import received


def decode_qr(pdf: bytes, folder: Path) -> str:
    (folder / "receipt.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "receipt.pdf", "page"],
        cwd=folder,
        check=True,
    )
    (page,) = folder.glob("page*.png")
    done = subprocess.run(["zbarimg", "--raw", "-q", page], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_qr_codes_open_on_the_served_port(live_setup: Setup, tmp_path: Path) -> None:
    with running(live_setup, "serve") as (server, client):
        body = received(client)
        assert body["lookup_url"].startswith(f"http://127.0.0.1:{server.port}/tra-cuu/")
        receipt = client.get(body["receipt_url"].removeprefix(client.base_url))
        assert receipt.status == 200 and receipt.content_type == "application/pdf"
        scanned = decode_qr(receipt.body, tmp_path)
        assert scanned == body["lookup_url"]
        page = client.get(scanned.removeprefix(client.base_url), token="")
        assert page.status == 200 and body["code"] in page.body.decode()
