"""The printed forms of the largest dossier the API accepts: how long each takes to render.

The input limits (onestop/fields.py) bound what a form must hold; this measures the worst case
they allow: every text field at its maximum length, the most documents, the longest notes.
Run: `.venv/bin/python bench/largest_receipt.py [--rounds 5]` (a temporary SQLite database).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from onestop import db, fields, migrate
from onestop.accounts.services import create_token, create_user
from onestop.app import create_app
from onestop.catalogue.loading import load_catalogue
from onestop.config import ROOT

OFFICE = "000.01.31.H21"
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def longest(text: str, limit: int) -> str:
    """`text` repeated to exactly `limit` characters, with spaces so that lines can wrap."""
    words = (text + " ") * (limit // (len(text) + 1) + 1)
    return words[:limit].rstrip().ljust(limit, "x")


def largest_intake() -> dict[str, Any]:
    return {
        "procedure_code": "1.004222",
        "applicant": {
            "full_name": longest("Nguyễn Thị Phương Thảo", fields.NAME),
            "id_number": "052190001234",
            "phone": "0912345678",
            "email": "a" * 180 + "@example.vn",
            "address": longest("Thôn Phú Thạnh, xã Phước Thuận", fields.ADDRESS),
        },
        "documents": [
            {
                "name": longest(f"Giấy tờ số {i}: bản sao có chứng thực", fields.DOCUMENT_NAME),
                "originals": 99,
                "certified_copies": 99,
                "photocopies": 99,
            }
            for i in range(fields.MAX_DOCUMENTS)
        ],
        "sets": 99,
        "result_place": longest("Tại Trung tâm Phục vụ hành chính công", fields.ADDRESS),
    }


def supplement_request() -> dict[str, Any]:
    return {
        "action": "request_supplement",
        "note": longest("Bổ sung giấy tờ chứng minh chỗ ở hợp pháp", fields.NOTE),
        "documents": [
            {
                "name": longest(f"Giấy tờ cần bổ sung {i}", fields.DOCUMENT_NAME),
                "note": longest("Bản sao có chứng thực", fields.DOCUMENT_NOTE),
            }
            for i in range(fields.MAX_DOCUMENTS)
        ],
    }


def setup(directory: Path) -> tuple[Any, str]:
    url = f"sqlite:///{directory / 'onestop.db'}"
    migrate.upgrade(url)
    app = create_app(
        {"DATABASE_URL": url, "INSTANCE_PATH": str(directory), "PUBLIC_RATE_LIMIT": "0"}
    )
    with db.database(app).session_scope() as session:
        load_catalogue(session, directory=ROOT / "procedures", now=NOW)
        user, _ = create_user(
            session, username="bench.officer", role="officer", agency_code=OFFICE, now=NOW
        )
        token = create_token(session, user=user, now=NOW)
    return app, token


def time_form(
    client: Any, path: str, headers: dict[str, str], rounds: int
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each request: the CPU time of this one process does not
    grow when other programs share the machine, the wall-clock time does."""
    wall, cpu = [], []
    client.get(path, headers=headers)  # warm-up: WeasyPrint loads the fonts once per process
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path, headers=headers)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        if response.status_code != 200:
            raise SystemExit(f"GET {path}: {response.status}")
    return wall, cpu


def _pages(pdf: bytes) -> str:
    """The page count as pdfinfo (poppler-utils, installed by `make test`) reads it."""
    try:
        out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "?"
    found = re.search(rb"^Pages:\s+(\d+)", out.stdout, re.MULTILINE)
    return found.group(1).decode() if found else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app, token = setup(Path(tmp))
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        made = client.post("/api/v1/dossiers", json=largest_intake(), headers=headers)
        if made.status_code != 201:
            raise SystemExit(f"the largest intake was refused: {made.json}")
        code = made.json["code"]
        forms = ["receipt", "control-sheet"]
        asked = client.post(
            f"/api/v1/dossiers/{code}/actions", json=supplement_request(), headers=headers
        )
        if asked.status_code != 200:
            raise SystemExit(f"the largest supplement request was refused: {asked.json}")
        forms.append("supplement")
        print(f"dossier {code}: {fields.MAX_DOCUMENTS} documents, every text at its limit")
        for form in forms:
            path = f"/api/v1/dossiers/{code}/{form}.pdf"
            wall, cpu = time_form(client, path, headers, args.rounds)
            pdf = client.get(path, headers=headers).data
            pages = _pages(pdf)
            print(
                f"{form:>14}: wall median {statistics.median(wall) * 1000:6.0f} ms "
                f"(max {max(wall) * 1000:6.0f}), CPU median {statistics.median(cpu) * 1000:6.0f}"
                f" ms, {len(pdf) / 1024:.0f} kB, {pages} pages"
            )


if __name__ == "__main__":
    main()
