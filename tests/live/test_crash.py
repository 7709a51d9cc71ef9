"""SIGKILL in the middle of a stream of receptions: what was acknowledged survives, and the
restarted server never hands out a code twice."""

from __future__ import annotations

import http.client
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from .conftest import LiveClient, Response, Server, Setup, intake_body, running

THREADS = 4
STREAM_SECONDS = 1.5  # of receptions before the kill
WAIT = 60.0  # seconds: the most a stream thread may run
AFTER_RESTART = 10
NAMES = ["Đặng Thị Hường", "Nguyễn Văn An", "Trần Thị Bích Ngọc", "Lê Hoàng Phúc"]


@dataclass(frozen=True)
class Sent:
    """A reception the server acknowledged with 201."""

    code: str
    documents: int
    full_name: str


class Stream:
    """Receptions from several threads, each going on until the server stops answering."""

    def __init__(self, client: LiveClient) -> None:
        self.client = client
        self.acked: list[Sent] = []
        self.others: list[Response] = []
        self.stop = threading.Event()

    def post(self, n: int) -> bool:
        """One reception; False once the server is gone."""
        documents, name = 1 + n % 3, NAMES[n % len(NAMES)]
        try:
            answer = self.client.receive(intake_body(documents=documents, full_name=name))
        except (OSError, http.client.HTTPException):
            return False
        if answer.status == 201:
            self.acked.append(Sent(answer.json()["code"], documents, name))
        else:
            self.others.append(answer)
        return True

    def worker(self, first: int) -> None:
        deadline = time.monotonic() + WAIT
        n = first
        while not self.stop.is_set() and time.monotonic() < deadline and self.post(n):
            n += THREADS

    def run_and_kill(self, server: Server) -> None:
        with ThreadPoolExecutor(THREADS) as pool:
            workers = [pool.submit(self.worker, n) for n in range(THREADS)]
            time.sleep(STREAM_SECONDS)
            server.kill()
            self.stop.set()
            for worker in workers:
                worker.result(timeout=WAIT)


def check_intact(client: LiveClient, sent: Sent) -> None:
    answer = client.get(f"/api/v1/dossiers/{sent.code}")
    assert answer.status == 200, f"acknowledged {sent.code} lost: {answer}"
    dossier = answer.json()
    assert dossier["status"] == 2, sent
    assert [e["action"] for e in dossier["history"]] == ["receive"], sent
    assert len(dossier["documents"]) == sent.documents, sent
    assert dossier["applicant"]["full_name"] == sent.full_name, sent


def receive_new(client: LiveClient) -> str:
    answer = client.receive()
    assert answer.status == 201, f"after the restart: {answer}"
    return str(answer.json()["code"])


def test_acknowledged_receptions_survive_sigkill(live_setup: Setup) -> None:
    with running(live_setup, "serve") as (server, client):
        stream = Stream(client)
        stream.run_and_kill(server)
        assert server.process.returncode == -signal.SIGKILL
    codes = [sent.code for sent in stream.acked]
    assert codes, f"nothing acknowledged in {STREAM_SECONDS} s: {[str(a) for a in stream.others]}"
    assert len(set(codes)) == len(codes), f"codes handed out twice: {Counter(codes)}"
    with running(live_setup, "serve") as (_, client):
        before, total = client.all_codes()
        assert set(codes) <= set(before), "acknowledged dossiers missing from the list"
        for sent in stream.acked:
            check_intact(client, sent)
        new = [receive_new(client) for _ in range(AFTER_RESTART)]
        after, total_after = client.all_codes()
    print(f"{len(codes)} acknowledged, {total - len(codes)} committed without an answer")
    assert len(set(new)) == AFTER_RESTART and not set(new) & set(before), new
    assert len(set(after)) == len(after) == total_after == total + AFTER_RESTART
    assert total_after >= len(codes) + AFTER_RESTART
    errors = Counter(str(a) for a in stream.others if a.status >= 500)
    shown = "\n".join(f"{n} × {error}" for error, n in errors.most_common())
    if errors:
        pytest.fail(f"{errors.total()} answers ≥ 500 before the kill:\n{shown}")
