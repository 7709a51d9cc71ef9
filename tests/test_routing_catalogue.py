"""Every interconnected procedure of the shipped catalogue, walked through the API from
reception to return (docs/domain.md#routing): each step of its plan becomes one step at a real
agency of the right kind, parallel steps open together, untimed steps stop the clock.

The procedures are read from the catalogue, so a new interconnected procedure is walked too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from onestop.calendar import VN_TZ
from onestop.catalogue.files import read_catalogue
from onestop.catalogue.schema import Level, Procedure, Step
from onestop.config import ROOT
from tests.factories import CALENDAR, intake_data

CATALOGUE = read_catalogue(ROOT / "procedures")
assert CATALOGUE.ok, CATALOGUE.problems
DIRECTORY = CATALOGUE.directory
assert DIRECTORY is not None

WARD = "000.00.31.H21"  # Ủy ban nhân dân phường Quy Nhơn: the dossiers' commune
WARD_CENTRE = "000.01.31.H21"  # its public-service centre
PROVINCE_CENTRE = "000.00.01.H21"
CENTRES = {"ttpvhcc_xa", "ttpvhcc_tinh"}  # reception centres: their staff are officers
COMMUNE_ROLE = "ubnd_xa"

INTERCONNECTED = sorted(code for code, p in CATALOGUE.procedures.items() if p.interconnected)
# Working time between two actions, in turn: the steps end early, on time or late.
PACE = (timedelta(hours=1), timedelta(hours=6), timedelta(minutes=30), timedelta(hours=20))
START = datetime(2026, 11, 25, 9, 0, tzinfo=VN_TZ)  # a Wednesday


def handling_plan(procedure: Procedure) -> list[Step]:
    """The plan's steps, but for a closing return step that is not counted (returning is the
    status 9 to 10 at the receiving counter)."""
    steps = list(procedure.routing)
    while steps and not steps[-1].counted:
        steps.pop()
    return steps


def expected_agency(kind: str) -> str:
    """From agencies.yaml, not from the code under test: the ward's agency of a commune-level
    kind, the province's one agency of a provincial kind."""
    role = next(r for r in DIRECTORY.roles if r.key == kind)
    if role.level is Level.COMMUNE:
        if kind == COMMUNE_ROLE:
            return WARD
        found = [a.code for a in DIRECTORY.agencies if a.role == kind and a.parent == WARD]
    else:
        found = [a.code for a in DIRECTORY.agencies if a.role == kind]
    assert len(found) == 1, f"agencies.yaml has {len(found)} agencies of kind {kind}: {found}"
    return found[0]


def role_of(code: str) -> str:
    return next(a.role for a in DIRECTORY.agencies if a.code == code)


def receiving_centre(procedure: Procedure) -> str:
    """Where the plan starts when it starts at a reception centre; else a province-level
    procedure at the province's centre, any other at the ward's centre."""
    first = procedure.routing[0].agency
    if first in CENTRES:
        return expected_agency(first)
    return PROVINCE_CENTRE if procedure.level is Level.PROVINCE else WARD_CENTRE


@dataclass
class Walk:
    """A dossier driven through the API, one user after another, the clock moving on."""

    client: FlaskClient
    make_token: Callable[..., str]
    moment: datetime = START
    actions: int = 0
    headers: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    seen: list[dict[str, Any]] = field(default_factory=list)  # the dossier after each action

    def as_(self, agency: str) -> dict[str, str]:
        role = "officer" if role_of(agency) in CENTRES else "handler"
        if (role, agency) not in self.headers:
            secret = self.make_token(role, agency_code=agency)
            self.headers[(role, agency)] = {"Authorization": f"Bearer {secret}"}
        return self.headers[(role, agency)]

    def tick(self) -> None:
        self.moment = CALENDAR.add_working_time(self.moment, PACE[self.actions % len(PACE)])
        self.client.application.config["NOW"] = self.moment

    def receive(self, procedure: Procedure, centre: str) -> str:
        self.client.application.config["NOW"] = self.moment
        body = intake_data(procedure_code=procedure.code, documents=None)
        if procedure.any_counter and centre == PROVINCE_CENTRE:
            body["commune"] = WARD
        response = self.client.post("/api/v1/dossiers", json=body, headers=self.as_(centre))
        assert response.status_code == 201, response.json
        code: str = response.json["code"]
        self.seen.append(self.show(code, centre))
        return code

    def show(self, code: str, agency: str) -> dict[str, Any]:
        response = self.client.get(f"/api/v1/dossiers/{code}", headers=self.as_(agency))
        assert response.status_code == 200, response.json
        shown: dict[str, Any] = response.json
        return shown

    def act(self, code: str, action: str, agency: str) -> Any:
        self.actions += 1
        return self.client.post(
            f"/api/v1/dossiers/{code}/actions", json={"action": action}, headers=self.as_(agency)
        )

    def hand_on(self, code: str, agency: str) -> dict[str, Any]:
        """`transfer` as the agency; at the end of the plan (409 no_next_step), `complete`."""
        self.tick()
        response = self.act(code, "transfer", agency)
        if response.status_code == 409 and response.json["error"]["code"] == "no_next_step":
            response = self.act(code, "complete", agency)
        assert response.status_code == 200, (agency, response.json)
        shown: dict[str, Any] = response.json
        self.seen.append(shown)
        return shown


@pytest.mark.parametrize("code", INTERCONNECTED)
def test_every_interconnected_plan_walks_from_reception_to_return(client, token, code):
    procedure = CATALOGUE.procedures[code]
    plan = handling_plan(procedure)
    assert plan, f"{code}: interconnected, but its plan has no handling step"
    centre = receiving_centre(procedure)
    walk = Walk(client, token)
    dossier_code = walk.receive(procedure, centre)

    received = walk.seen[-1]
    assert received["status"] == 2
    if plan[0].agency == role_of(centre):  # the centre's own "receive and forward" step
        assert [s["agency"] for s in received["steps"]] == [centre]
    else:
        assert received["steps"] == [] and received["current_agencies"] == [centre]

    # Act as each agency holding the dossier until the result is ready; a bounded number of
    # actions, two at most per step (a transfer refused at the end of the plan, a complete).
    limit = 2 * len(plan) + 2
    shown = received
    while shown["status"] != 9:
        assert walk.actions < limit, f"{code}: still not done after {walk.actions} actions"
        for agency in list(shown["current_agencies"]):
            shown = walk.hand_on(dossier_code, agency)
    walk.tick()
    back = walk.act(dossier_code, "return_result", centre)
    assert back.status_code == 200, back.json
    assert back.json["status"] == 10

    steps = sorted(back.json["steps"], key=lambda s: s["position"])
    # Every step of the plan became exactly one step, at the agency of its kind.
    assert [s["position"] for s in steps] == list(range(len(plan)))
    for planned, step in zip(plan, steps, strict=True):
        where = f"{code} step {step['position']} ({planned.agency})"
        assert step["agency"] == expected_agency(planned.agency), where
        assert step["task"] == planned.task and step["parallel"] == planned.parallel, where
        assert step["ended_at"] is not None, where
        if planned.allowance is None:
            assert step["stops_clock"] and step["due_at"] is None, where
            assert step["allowance"] is None and step["timeliness"] is None, where
        else:
            assert not step["stops_clock"] and step["due_at"] is not None, where
            assert step["timeliness"] in {"early", "on_time", "late"}, where
    assert back.json["current_agency"] == centre

    # The steps of a parallel group opened together; the next opened once all had closed.
    groups = {s["parallel"] for s in steps if s["parallel"]}
    for label in groups:
        members = [s for s in steps if s["parallel"] == label]
        assert len({s["started_at"] for s in members}) == 1, (code, label)
        after = [s for s in steps if s["position"] > max(m["position"] for m in members)]
        for step in after:
            assert all(step["started_at"] >= m["ended_at"] for m in members), (code, label)

    # After each action: the holders are the agencies of the open steps; while an untimed step
    # is open the dossier waits in status 6, and in status 4 otherwise.
    for moment in walk.seen[1:]:
        open_steps = [s for s in moment["steps"] if s["ended_at"] is None]
        if moment["status"] == 9:
            assert open_steps == []
            continue
        assert sorted(moment["current_agencies"]) == sorted({s["agency"] for s in open_steps})
        untimed = any(s["stops_clock"] for s in open_steps)
        assert moment["status"] == (6 if untimed else 4), (code, moment["current_agencies"])
    for planned, step in zip(plan, steps, strict=True):
        if planned.allowance is None:
            waited = [m for m in walk.seen if _open_at(m, step["position"])]
            assert waited and all(m["status"] == 6 for m in waited), code

    # The pace of the walk gives the steps different timeliness.
    timed = [s["timeliness"] for s in steps if s["due_at"] is not None]
    if len(timed) >= 3:
        assert len(set(timed)) >= 2, (code, timed)


def _open_at(shown: dict[str, Any], position: int) -> bool:
    return any(s["position"] == position and s["ended_at"] is None for s in shown["steps"])


def test_the_catalogue_has_interconnected_procedures():
    """The walk above covers them; an empty list would make it pass vacuously."""
    assert len(INTERCONNECTED) >= 9
