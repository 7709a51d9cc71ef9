"""Two handlers acting on one liên thông dossier at once, through a live server: parallel
steps closed at the same moment end the handling exactly once; two handovers of one step
leave one winner."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from tests.live.conftest import PASSWORD, LiveClient, Setup, intake_body, run_cli, running
from tests.live.test_concurrency import together

WARD = "000.00.31.H21"
POLICE = "000.02.31.H21"
BHXH = "000.00.12.H21"
HANDLERS = {"xuly.phuong": WARD, "xuly.phuong2": WARD, "xuly.congan": POLICE, "xuly.bhxh": BHXH}
ROUNDS = 4


@pytest.fixture
def handlers(live_setup: Setup) -> dict[str, str]:
    """A bearer token for each handler, made with the CLI."""
    role = ["--role", "handler", "--password", PASSWORD]
    adds = [["user", "add", name, *role, "--agency", agency] for name, agency in HANDLERS.items()]
    out = run_cli(live_setup.env, [*adds, *(["token", name] for name in HANDLERS)])
    return dict(zip(HANDLERS, out[len(HANDLERS) :], strict=True))


def act(client: LiveClient, code: str, action: str, token: str) -> Any:
    return client.post_json(f"/api/v1/dossiers/{code}/actions", {"action": action}, token=token)


def at_parallel_steps(client: LiveClient, tokens: dict[str, str]) -> str:
    """A birth registration handed on by the counter and the ward: police and insurance."""
    answer = client.receive(intake_body(documents=None) | {"procedure_code": "2.000986"})
    assert answer.status == 201, str(answer)
    code: str = answer.json()["code"]
    assert act(client, code, "transfer", client.token).status == 200
    moved = act(client, code, "transfer", tokens["xuly.phuong"])
    assert moved.status == 200 and sorted(moved.json()["current_agencies"]) == [BHXH, POLICE]
    return code


def test_parallel_steps_closed_at_once_end_once(
    live_setup: Setup, handlers: dict[str, str]
) -> None:
    with running(live_setup, "serve") as (_, client):
        for _ in range(ROUNDS):
            code = at_parallel_steps(client, handlers)
            calls = [
                partial(act, client, code, "complete", handlers[n])
                for n in ("xuly.congan", "xuly.bhxh")
            ]
            answers = together(calls)
            assert [a.status for a in answers] == [200, 200], [str(a) for a in answers]
            final = client.get(f"/api/v1/dossiers/{code}").json()
            assert final["status"] == 9 and final["current_agencies"] == ["000.01.31.H21"]
            history = [h["action"] for h in final["history"]]
            assert history.count("complete") == 2
            # One of the two closes its step (stays 4), the other the handling (to 9).
            assert sorted(h["to_status"] for h in final["history"][-2:]) == [4, 9]
            assert all(s["ended_at"] for s in final["steps"])


def test_one_step_handed_on_twice_at_once_has_one_winner(
    live_setup: Setup, handlers: dict[str, str]
) -> None:
    with running(live_setup, "serve") as (_, client):
        for _ in range(ROUNDS):
            answer = client.receive(intake_body(documents=None) | {"procedure_code": "2.000986"})
            code = answer.json()["code"]
            assert act(client, code, "transfer", client.token).status == 200
            calls = [
                partial(act, client, code, "transfer", handlers[n])
                for n in ("xuly.phuong", "xuly.phuong2")
            ]
            answers = sorted(a.status for a in together(calls))
            # The loser finds the step closed: the ward no longer holds the dossier.
            assert answers in ([200, 403], [200, 409]), answers
            final = client.get(f"/api/v1/dossiers/{code}").json()
            assert [s["agency"] for s in final["steps"]].count(POLICE) == 1
