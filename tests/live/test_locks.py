"""SQLite under a held write lock, through a live `onestop serve`: reads go on, a GET never
waits for the lock (it never writes), and a writer queues until the lock is free instead of
failing with "database is locked"."""

from __future__ import annotations

import http.client
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

import pytest

from tests.live.conftest import LiveClient, Response, Setup, running
from tests.live.test_concurrency import received

QUICK = 3.0  # seconds: far below the 10 s busy timeout a request waiting for the lock would take


@contextmanager
def write_lock(database_url: str) -> Iterator[None]:
    """Another process's writer holding SQLite's write lock."""
    conn = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def timed(call) -> tuple[float, Response]:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    answer = call()
    return time.monotonic() - start, answer


def lookup_by_code(client: LiveClient, code: str, digits: str) -> int:
    """The public lookup form, as a browser sends it: its cookie and CSRF token first."""
    conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=30)
    conn.request("GET", "/tra-cuu")
    page = conn.getresponse()
    cookie = (page.getheader("Set-Cookie") or "").split(";")[0]
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.read().decode())
    assert found, "the lookup form has no CSRF token"
    body = urlencode({"csrf_token": found.group(1), "code": code, "digits": digits})
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    conn.request("POST", "/tra-cuu", body=body, headers=headers)
    answer = conn.getresponse()
    answer.read()
    conn.close()
    return answer.status


def test_reads_go_on_while_a_writer_holds_the_lock(live_setup: Setup) -> None:
    if not live_setup.env["ONESTOP_DATABASE_URL"].startswith("sqlite"):
        pytest.skip("PostgreSQL has no database-wide write lock")
    with running(live_setup, "serve") as (_, client):
        dossier = received(client)
        token = dossier["lookup_url"].rsplit("/", 1)[1]
        queued: list[Response] = []
        looked_up: list[int] = []
        with write_lock(live_setup.env["ONESTOP_DATABASE_URL"]):
            writer = threading.Thread(target=lambda: queued.append(client.receive()))
            writer.start()
            # The lookup by code writes its attempt (the per-code guessing limit): it queues
            # behind the lock like any writer, and is answered once the lock is released.
            lookup = threading.Thread(
                target=lambda: looked_up.append(lookup_by_code(client, dossier["code"], "5678"))
            )
            lookup.start()
            for call in (
                lambda: client.get(f"/tra-cuu/{token}", token=""),
                lambda: client.get(f"/api/v1/dossiers/{dossier['code']}"),
                lambda: client.get("/api/v1/dossiers"),
            ):
                took, answer = timed(call)
                assert answer.status == 200 and took < QUICK, (took, str(answer))
            writer.join(timeout=1)
            assert writer.is_alive(), "the reception did not wait for the write lock"
            assert lookup.is_alive(), "the lookup did not wait for the write lock"
        writer.join(timeout=30)
        lookup.join(timeout=30)
        assert len(queued) == 1 and queued[0].status == 201, [str(a) for a in queued]
        assert looked_up == [302]
