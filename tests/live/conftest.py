"""A live server: the database set up by the `onestop` CLI in a subprocess, then the app served
by `onestop serve` or by gunicorn on a free port of 127.0.0.1, and a small stdlib HTTP client.

Nothing here calls the app in this process: every request crosses a real socket.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GUNICORN = BIN / "gunicorn"
OFFICE = "000.01.31.H21"  # Trung tâm Phục vụ hành chính công phường Quy Nhơn
OTHER_OFFICE = "000.01.32.H21"  # Trung tâm Phục vụ hành chính công phường Pleiku
PASSWORD = "mat-khau-dung-1"
FLAVOURS = ["serve", "gunicorn"]
REQUEST_TIMEOUT = 30.0  # seconds, for one HTTP exchange
START_TIMEOUT = 30.0  # seconds, for a server to answer its first request
STOP_TIMEOUT = 10.0  # seconds, after SIGTERM before SIGKILL
SEPARATOR = "--- end of command ---"

# Each command goes through the CLI's own entry point (what `.venv/bin/onestop ARGS` runs),
# all in one subprocess: the imports are paid once instead of once per command.
CLI_SCRIPT = f"""
import json, sys
from onestop.cli import main
for argv in json.loads(sys.argv[1]):
    main(argv, standalone_mode=False)
    print({SEPARATOR!r}, flush=True)
"""


# The form of one case of 1.004222's list, by its national code: with it the dossier is complete.
CT01 = {"name": "Tờ khai thay đổi thông tin cư trú (CT01)", "code": "000.00.00.G01-KQ003618"}


def intake_body(*, documents: int | None = 1, full_name: str = "Đặng Thị Hường") -> dict[str, Any]:
    """A valid reception of procedure 1.004222 (change of residence details), with the CT01
    form and `documents - 1` more papers; `documents=None` leaves the list out (the procedure's
    required papers are taken as received)."""
    body = {
        "procedure_code": "1.004222",
        "channel": "in_person",
        "applicant": {
            "full_name": full_name,
            "id_number": "052190001234",
            "phone": "0912 345 678",
            "email": "huong@example.vn",
            "address": "12 Trần Hưng Đạo, phường Quy Nhơn",
        },
    }
    if documents is not None:
        more = [{"name": f"Giấy tờ số {n}", "originals": 1} for n in range(2, documents + 1)]
        body["documents"] = [CT01 | {"originals": 1}, *more][:documents]
    return body


# The HTTP client


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def error_code(self) -> str | None:
        """`error.code` of a JSON error body, None for anything else."""
        try:
            error = self.json().get("error")
        except (ValueError, AttributeError):
            return None
        return error.get("code") if isinstance(error, dict) else None

    def __str__(self) -> str:
        return f"{self.status} {self.body[:500].decode(errors='replace').strip()}"


@dataclass(frozen=True)
class LiveClient:
    """Requests to the server at `port`; one connection per request, closed after it."""

    port: int
    token: str  # an officer of OFFICE
    other_token: str  # an officer of OTHER_OFFICE

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """`token=None` sends the default token, `token=""` none at all."""
        sent = {"Connection": "close", **(headers or {})}
        chosen = self.token if token is None else token
        if chosen:
            sent["Authorization"] = f"Bearer {chosen}"
        data = None if body is None else json.dumps(body).encode()
        if data is not None:
            sent["Content-Type"] = "application/json"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            conn.request(method, path, body=data, headers=sent)
            answer = conn.getresponse()
            return Response(answer.status, answer.read(), answer.getheader("Content-Type", ""))
        finally:
            conn.close()

    def post_json(
        self,
        path: str,
        body: Any,
        *,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        return self.request("POST", path, body, token=token, headers=headers)

    def get(self, path: str, *, token: str | None = None) -> Response:
        return self.request("GET", path, token=token)

    def receive(
        self,
        body: Any = None,
        *,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        return self.post_json(
            "/api/v1/dossiers", body or intake_body(), token=token, headers=headers
        )

    def act(self, code: str, action: str, note: str = "", *, token: str | None = None) -> Response:
        body = {"action": action, "note": note or f"Kiểm thử: {action}"}
        return self.post_json(f"/api/v1/dossiers/{code}/actions", body, token=token)

    def all_codes(self, max_pages: int = 50) -> tuple[list[str], int]:
        """Every code the officer's list shows, and the list's total."""
        codes: list[str] = []
        for page in range(1, max_pages + 1):
            answer = self.get(f"/api/v1/dossiers?per_page=200&page={page}")
            assert answer.status == 200, f"list page {page}: {answer}"
            listing = answer.json()
            codes += [item["code"] for item in listing["items"]]
            if not listing["items"] or len(codes) >= listing["total"]:
                return codes, listing["total"]
        raise AssertionError(f"the list did not end within {max_pages} pages")


# Setting up the database with the CLI


@dataclass(frozen=True)
class Setup:
    """A database ready to serve, the environment that points at it and two officers' tokens."""

    env: dict[str, str]
    token: str
    other_token: str
    logs: Path


def cli_env(database_url: str, instance: Path) -> dict[str, str]:
    """This process's environment without any ONESTOP_* setting, plus the server's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONESTOP_")}
    return env | {
        "ONESTOP_DATABASE_URL": database_url,
        "ONESTOP_SECRET_KEY": "test",
        "ONESTOP_PUBLIC_RATE_LIMIT": "0",
        "ONESTOP_INSTANCE_PATH": str(instance),
        "PYTHONUNBUFFERED": "1",
    }


def run_cli(env: Mapping[str, str], commands: list[list[str]]) -> list[str]:
    """Run `onestop ARGS` for each command; return what each printed."""
    done = subprocess.run(
        [sys.executable, "-c", CLI_SCRIPT, json.dumps(commands)],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"onestop CLI failed:\n{done.stdout}\n{done.stderr}"
    outputs = done.stdout.split(SEPARATOR + "\n")
    assert len(outputs) == len(commands) + 1, done.stdout
    return [out.strip() for out in outputs[:-1]]


def set_up_database(env: Mapping[str, str]) -> tuple[str, str]:
    """`onestop init`, two officers at two reception centres; their tokens."""
    officer = ["--role", "officer", "--password", PASSWORD]
    outputs = run_cli(
        env,
        [
            ["init"],
            ["user", "add", "quay1", *officer, "--agency", OFFICE],
            ["user", "add", "quay2", *officer, "--agency", OTHER_OFFICE],
            ["token", "quay1"],
            ["token", "quay2"],
        ],
    )
    return outputs[3], outputs[4]


@pytest.fixture
def live_setup(empty_database_url: str, tmp_path: Path) -> Setup:
    env = cli_env(empty_database_url, tmp_path / "instance")
    token, other_token = set_up_database(env)
    return Setup(env=env, token=token, other_token=other_token, logs=tmp_path)


# Running a server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_argv(flavour: str, port: int) -> list[str]:
    if flavour == "serve":
        return [str(BIN / "onestop"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    return [str(GUNICORN), "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"]


class Server:
    """One server process in its own process group (gunicorn's workers included)."""

    def __init__(self, flavour: str, env: Mapping[str, str], log: Path) -> None:
        self.flavour = flavour
        self.port = free_port()
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                server_argv(flavour, self.port),
                cwd=ROOT,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, client: LiveClient) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the server exited:\n{self.log_tail()}"
            with suppress(OSError, http.client.HTTPException):
                if client.get("/thu-tuc", token="").status == 200:
                    return
            time.sleep(0.1)
        raise AssertionError(f"no answer within {START_TIMEOUT} s:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL to the whole group: no chance to clean up."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not end in time."""
        if self.process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=STOP_TIMEOUT)
        self.kill()  # the group may outlive its leader

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def running(setup: Setup, flavour: str) -> Iterator[tuple[Server, LiveClient]]:
    """A server of that flavour on the set-up database, stopped on the way out."""
    if flavour == "gunicorn" and not GUNICORN.exists():
        pytest.skip("gunicorn is not installed in the virtualenv")
    server = Server(flavour, setup.env, setup.logs / f"server-{flavour}.log")
    client = LiveClient(port=server.port, token=setup.token, other_token=setup.other_token)
    try:
        server.wait_ready(client)
        yield server, client
    finally:
        server.stop()
        # Captured, so shown only when the test fails.
        print(f"--- {flavour} server log (last lines) ---\n{server.log_tail()}")


@pytest.fixture(params=FLAVOURS)
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def live(live_setup: Setup, flavour: str) -> Iterator[LiveClient]:
    """A running server of each flavour on a new database of each backend."""
    with running(live_setup, flavour) as (_, client):
        yield client
