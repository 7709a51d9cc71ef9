"""Many clients at once against a live server: receptions, readers, retries and racing actions.

Each test runs on every backend, under `onestop serve` (threads in one process) and under
gunicorn (two worker processes).
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest

from .conftest import LiveClient, Response, Setup, running

T = TypeVar("T")
RECEPTIONS = 48
READERS = 16
KEYS = 10
RACED_DOSSIERS = 10
WAIT = 60.0  # seconds: the most any group of threads may take
TARGET = {"complete": 9, "stop": 8}
RACES = [("complete", "stop"), ("complete", "complete")]

Labelled = list[tuple[str, Response]]
ROUTE = re.compile(r"/(dossiers|tra-cuu)/[^/?]+")  # a code or a token: left out of summaries


def together(calls: Sequence[Callable[[], T]]) -> list[T]:
    """Run the calls in threads released at once by a barrier; their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T:
        barrier.wait(timeout=WAIT)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [future.result(timeout=WAIT) for future in futures]


def summary(label: str, answer: Response) -> str:
    route = ROUTE.sub(r"/\1/…", label)
    return f"{route}: {answer}"


def assert_no_server_errors(answers: Labelled) -> None:
    """Every answer ≥ 500 is a failure; each distinct one is shown once with its count."""
    failures = Counter(summary(label, a) for label, a in answers if a.status >= 500)
    shown = "\n".join(f"{n} × {failure}" for failure, n in failures.most_common())
    if failures:
        pytest.fail(f"{failures.total()} of {len(answers)} answers ≥ 500:\n{shown}")


def received(client: LiveClient, *, token: str | None = None) -> dict[str, Any]:
    answer = client.receive(token=token)
    assert answer.status == 201, f"reception: {answer}"
    return dict(answer.json())


def detail(client: LiveClient, code: str) -> dict[str, Any]:
    answer = client.get(f"/api/v1/dossiers/{code}")
    assert answer.status == 200, f"GET {code}: {answer}"
    return dict(answer.json())


def actions_of(dossier: dict[str, Any]) -> list[str]:
    return [event["action"] for event in dossier["history"]]


# 48 receptions and 16 readers


class Reads:
    """What the readers ask for: the dossiers received so far, the list, a public page."""

    def __init__(self, client: LiveClient, seed: dict[str, Any]) -> None:
        self.client = client
        self.seed = seed  # received at the other centre, so outside the officer's list
        self.acked: list[str] = []
        self.stop = threading.Event()

    def receive(self) -> tuple[str, Response]:
        answer = self.client.receive()
        if answer.status == 201:
            self.acked.append(answer.json()["code"])
        return "POST /api/v1/dossiers", answer

    def target(self, n: int) -> tuple[str, str | None]:
        if n % 3 == 0 and self.acked:
            return f"/api/v1/dossiers/{self.acked[-1]}", None
        if n % 3 == 0:
            return f"/api/v1/dossiers/{self.seed['code']}", self.client.other_token
        if n % 3 == 1:
            return "/api/v1/dossiers?per_page=200&page=1", None
        return urlsplit(self.seed["lookup_url"]).path, ""

    def read_until_stopped(self, first: int) -> Labelled:
        answers: Labelled = []
        deadline = time.monotonic() + WAIT
        for n in range(first, first + 10_000):
            path, token = self.target(n)
            answers.append((f"GET {path}", self.client.get(path, token=token)))
            if self.stop.is_set() or time.monotonic() > deadline:
                break
        return answers


def receive_while_reading(reads: Reads) -> tuple[Labelled, Labelled]:
    with ThreadPoolExecutor(READERS) as pool:
        readers = [pool.submit(reads.read_until_stopped, n) for n in range(READERS)]
        try:
            posts = together([reads.receive] * RECEPTIONS)
        finally:
            reads.stop.set()
        return posts, [answer for r in readers for answer in r.result(timeout=WAIT)]


def test_parallel_receptions_with_readers(live: LiveClient) -> None:
    reads = Reads(live, received(live, token=live.other_token))
    posts, gets = receive_while_reading(reads)
    assert_no_server_errors(posts + gets)
    assert Counter(a.status for _, a in posts) == {201: RECEPTIONS}
    assert Counter(a.status for _, a in gets) == {200: len(gets)}
    codes = [answer.json()["code"] for _, answer in posts]
    assert len(set(codes)) == RECEPTIONS, f"codes handed out twice: {Counter(codes)}"
    for code in codes:
        dossier = detail(live, code)
        assert dossier["status"] == 2, code
        assert actions_of(dossier) == ["receive"], code
    listed, total = live.all_codes()
    assert total == RECEPTIONS
    assert sorted(listed) == sorted(codes)


# The same Idempotency-Key twice at once


def check_key_race(pair: list[Response], key: str) -> str:
    """The code both answers agree on; the loser may only be 409 duplicate_request."""
    assert_no_server_errors([(key, answer) for answer in pair])
    codes = {a.json()["code"] for a in pair if a.status in (200, 201)}
    losers = [a for a in pair if a.status not in (200, 201)]
    assert len(codes) == 1, f"{key}: {[str(a) for a in pair]}"
    assert all(a.status == 409 and a.error_code == "duplicate_request" for a in losers), losers
    return codes.pop()


def test_racing_idempotency_keys_give_one_dossier_each(live: LiveClient) -> None:
    winners = []
    for n in range(KEYS):
        key = f"race-{n}-{secrets.token_hex(4)}"
        post = partial(live.receive, headers={"Idempotency-Key": key})
        code = check_key_race(together([post, post]), key)
        retry = post()
        assert retry.status in (200, 201) and retry.json()["code"] == code, f"{key}: {retry}"
        winners.append(code)
    assert len(set(winners)) == KEYS
    listed, total = live.all_codes()
    assert total == KEYS, f"{total} dossiers for {KEYS} keys: {sorted(listed)}"


# Two actions at once on one dossier


def check_action_race(
    client: LiveClient, code: str, actions: tuple[str, str], answers: list[Response]
) -> None:
    labelled = [(f"{code} {action}", a) for action, a in zip(actions, answers, strict=True)]
    assert_no_server_errors(labelled)
    assert sorted(a.status for a in answers) == [200, 409], [f"{x}: {a}" for x, a in labelled]
    loser = next(a for a in answers if a.status == 409)
    assert loser.error_code == "invalid_transition", str(loser)
    won = actions[[a.status for a in answers].index(200)]
    dossier = detail(client, code)
    assert actions_of(dossier) == ["receive", won], code
    assert dossier["status"] == TARGET[won], code


def test_racing_actions_exactly_one_wins(live: LiveClient) -> None:
    codes = [received(live)["code"] for _ in range(RACED_DOSSIERS)]
    for n, code in enumerate(codes):
        actions = RACES[n % len(RACES)]
        answers = together([partial(live.act, code, action) for action in actions])
        check_action_race(live, code, actions, answers)


# The actions endpoint's answers, one request at a time


def assert_error(answer: Response, status: int, code: str | None = None) -> None:
    assert answer.status == status, str(answer)
    error = answer.json()["error"]
    assert error["message"], str(answer)
    assert code is None or error["code"] == code, str(answer)


def test_action_contract(live_setup: Setup) -> None:
    with running(live_setup, "serve") as (_, client):
        code = received(client)["code"]
        assert_error(client.act(code, "complete", token=client.other_token), 403, "forbidden")
        assert_error(client.act(code, "fly_away"), 422)
        stopped = client.act(code, "stop", "Công dân không bổ sung")
        assert stopped.status == 200, str(stopped)
        assert stopped.json()["status"] == 8
        assert actions_of(stopped.json()) == ["receive", "stop"]
        assert_error(client.act(code, "complete"), 409, "invalid_transition")
        assert_error(client.get("/api/v1/dossiers/000.01.31.H21-000000-0000"), 404)
