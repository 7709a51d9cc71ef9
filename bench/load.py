"""Load on a server at 127.0.0.1: a steady load for some seconds (wrk, or a Python loader when
wrk is missing), or one burst of concurrent requests.

The Python loader runs in a process of its own (`python -m bench.load`), so that it competes
with the server for the CPU as wrk would, not with the process that measures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[1]
WRK_SCRIPT = Path(__file__).with_name("paths.lua")
SOCKET_ERRORS = ("connect", "read", "write", "timeout")


# ---------------------------------------------------------------------------------------------
# Steady load: GETs of paths picked at random, for a duration, on keep-alive connections


@dataclass
class LoadRun:
    label: str
    requests: int
    seconds: float
    non_2xx: int
    socket_errors: dict[str, int]
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @classmethod
    def from_raw(cls, label: str, raw: Mapping[str, Any]) -> LoadRun:
        """From the one JSON line wrk's script or the Python loader prints."""
        return cls(
            label=label,
            requests=raw["requests"],
            seconds=raw["seconds"],
            non_2xx=raw["non_2xx"],
            socket_errors={k: raw[k] for k in SOCKET_ERRORS},
            p50_ms=raw["p50_ms"],
            p99_ms=raw["p99_ms"],
        )


def loader(choice: str = "auto") -> str:
    """ "wrk" or "python": wrk when asked for, or when `auto` and it is installed."""
    return "wrk" if choice == "wrk" or (choice == "auto" and shutil.which("wrk")) else "python"


def steady(
    kind: str, port: int, paths: Path, *, duration: float, connections: int, threads: int = 2
) -> dict[str, Any]:
    """GET the paths listed in the file `paths` for `duration` seconds; the loader's figures."""
    if kind == "wrk":
        return run_wrk(port, paths, duration, connections, threads)
    return run_python(port, paths, duration, connections)


def run_wrk(
    port: int, paths: Path, duration: float, connections: int, threads: int
) -> dict[str, Any]:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{int(duration)}s",
        "--timeout",
        "10s",
        "-s",
        str(WRK_SCRIPT),
        f"http://{HOST}:{port}/",
        "--",
        str(paths),
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 60, check=False
    )
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            result: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
            return result
    raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def run_python(port: int, paths: Path, duration: float, connections: int) -> dict[str, Any]:
    """The Python loader in a second process; the same figures as wrk's script prints."""
    command = [sys.executable, "-m", "bench.load", str(port), str(paths)]
    command += ["--duration", str(duration), "--connections", str(connections)]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 60, check=False, cwd=ROOT
    )
    if done.returncode != 0:
        raise SystemExit(f"load generator failed:\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@dataclass
class _Tally:
    """What the Python loader's threads count, merged under a lock."""

    counts: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, counts: Counter[str], latencies: list[float]) -> None:
        with self.lock:
            self.counts.update(counts)
            self.latencies.extend(latencies)

    def percentile_ms(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[int(p * (len(ordered) - 1))] * 1000 if ordered else 0.0


def _client(port: int, paths: Sequence[str], deadline: float, seed: int, tally: _Tally) -> None:
    """One keep-alive connection GETting random paths until the deadline."""
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    latencies: list[float] = []
    counts: Counter[str] = Counter()
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            conn.request("GET", rng.choice(paths))
            response = conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            counts["read"] += 1
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=10)
            continue
        latencies.append(time.perf_counter() - started)
        counts.update(requests=1, bytes=len(body), non_2xx=int(not 200 <= response.status < 300))
        if response.will_close:  # gunicorn's sync workers close after each answer
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=10)
    conn.close()
    tally.add(counts, latencies)


def python_loader(port: int, paths_file: Path, duration: float, connections: int) -> dict[str, Any]:
    """`connections` threads for `duration` seconds; the figures wrk's script prints."""
    paths = paths_file.read_text().split()
    tally = _Tally()
    started = time.monotonic()
    deadline = started + duration
    threads = [
        threading.Thread(target=_client, args=(port, paths, deadline, i, tally), daemon=True)
        for i in range(connections)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + 30)  # a request times out after 10 s: bounded
    counts = tally.counts
    return {
        "requests": counts["requests"],
        "seconds": time.monotonic() - started,
        "bytes": counts["bytes"],
        "non_2xx": counts["non_2xx"],
        **{k: counts[k] for k in SOCKET_ERRORS},
        "p50_ms": tally.percentile_ms(0.5),
        "p99_ms": tally.percentile_ms(0.99),
    }


# ---------------------------------------------------------------------------------------------
# Bursts: K POSTs and M GETs sent at once, one thread and one connection each


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass
class Answer:
    request: Request
    status: int  # 0: no HTTP answer (refused, reset, timed out); the error is in `body`
    body: bytes
    seconds: float

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclass
class Burst:
    posts: list[Answer]
    gets: list[Answer]
    seconds: float  # from the start signal to the last answer
    post_seconds: float  # from the start signal to the last POST's answer

    @staticmethod
    def statuses(answers: Sequence[Answer]) -> Counter[int]:
        return Counter(a.status for a in answers)


def _send(port: int, request: Request, timeout: float) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(request.method, request.path, body=request.body, headers=request.headers)
        response = conn.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException) as exc:
        return 0, repr(exc).encode()
    finally:
        conn.close()


def burst(
    port: int, posts: Sequence[Request], gets: Sequence[Request], timeout: float = 30
) -> Burst:
    """Send every request at once (a barrier releases the threads together) and wait for all
    the answers; a request unanswered after `timeout` seconds counts as status 0."""
    requests = [*posts, *gets]
    answers: list[Answer | None] = [None] * len(requests)
    finished = [0.0] * len(requests)
    start = threading.Barrier(len(requests) + 1, timeout=timeout)

    def one(i: int) -> None:
        start.wait()
        begun = time.perf_counter()
        status, body = _send(port, requests[i], timeout)
        finished[i] = time.perf_counter()
        answers[i] = Answer(requests[i], status, body, finished[i] - begun)

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(len(requests))]
    for t in threads:
        t.start()
    origin = time.perf_counter()
    start.wait()
    deadline = time.monotonic() + timeout + 5  # one bound for them all, not one per thread
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    done = [
        a or Answer(r, 0, b"no answer", timeout) for a, r in zip(answers, requests, strict=True)
    ]
    ends = [f - origin for f in finished if f]
    post_ends = [f - origin for f in finished[: len(posts)] if f]
    return Burst(
        posts=done[: len(posts)],
        gets=done[len(posts) :],
        seconds=max(ends, default=timeout),
        post_seconds=max(post_ends, default=timeout),
    )


def main(argv: Sequence[str] | None = None) -> None:
    """The Python loader's process: prints one JSON line, as wrk's script does."""
    parser = argparse.ArgumentParser(description="bench/load.py's Python load generator")
    parser.add_argument("port", type=int)
    parser.add_argument("paths", type=Path, help="a file of paths, one a line")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args(argv)
    print(json.dumps(python_loader(args.port, args.paths, args.duration, args.connections)))


if __name__ == "__main__":
    main()
