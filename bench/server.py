"""An app server in a child process on a free loopback port: gunicorn or `onestop serve`.

Servers only ever listen on 127.0.0.1; each is started, waited for until it answers, and
stopped (SIGTERM, then SIGKILL) however the measurement ends.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from onestop.config import ROOT

HOST = "127.0.0.1"
BIN = Path(sys.executable).parent  # gunicorn and onestop are installed beside this Python


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    command: list[str]
    log: Path


def free_port() -> int:
    """A port nobody listens on now (the server binds it a moment later)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def environment(database_url: str, **extra: str) -> dict[str, str]:
    """The settings of a server under measurement: its database, a fixed key, no rate limit."""
    return os.environ | {
        "ONESTOP_DATABASE_URL": database_url,
        "ONESTOP_SECRET_KEY": "bench",
        # The public pages are limited per address, and every request here comes from one.
        "ONESTOP_PUBLIC_RATE_LIMIT": "0",
        **extra,
    }


def gunicorn(port: int, workers: int, app: str = "wsgi:app", chdir: Path = ROOT) -> list[str]:
    """gunicorn with `workers` sync workers; `app` is found from `chdir` (wsgi.py by default)."""
    return [
        str(BIN / "gunicorn"),
        "-w",
        str(workers),
        "-b",
        f"{HOST}:{port}",
        "--chdir",
        str(chdir),
        "--log-level",
        "warning",
        app,
    ]


def onestop_serve(port: int) -> list[str]:
    """The single-process server of the `onestop` command."""
    return [str(BIN / "onestop"), "serve", "--host", HOST, "--port", str(port)]


def get(port: int, path: str, timeout: float = 10) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def start(
    command: Sequence[str],
    port: int,
    env: Mapping[str, str],
    log: Path,
    probe: str = "/",
    timeout: float = 60,
) -> Server:
    """Start `command` and wait until GET `probe` answers 200; its output goes to `log`."""
    with log.open("wb") as out:
        # cwd: the log's folder, so that files a server may write stay out of the project.
        process = subprocess.Popen(
            list(command), env=dict(env), stdout=out, stderr=subprocess.STDOUT, cwd=log.parent
        )
    server = Server(process, port, list(command), log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{command[0]} exited with {process.returncode}:\n{log.read_text()}")
        try:
            if get(port, probe, timeout=5)[0] == 200:
                return server
        except OSError:
            pass  # not listening yet
        time.sleep(0.2)
    stop(server)
    raise SystemExit(f"{command[0]} did not answer within {timeout:.0f} s:\n{log.read_text()}")


def stop(server: Server) -> None:
    server.process.terminate()  # SIGTERM: gunicorn's arbiter stops its workers gracefully
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


@contextmanager
def running(
    command: Sequence[str],
    port: int,
    env: Mapping[str, str],
    log: Path,
    probe: str = "/",
) -> Iterator[Server]:
    """A started server, stopped when the block ends."""
    server = start(command, port, env, log, probe)
    try:
        yield server
    finally:
        stop(server)
