"""Interconnected handling through the API: each plan step at a real agency, parallel steps,
an untimed step, out-of-plan handovers, the 15:00 rule, and each step's own timeliness."""

from __future__ import annotations

from datetime import datetime

import pytest

from onestop.calendar import VN_TZ
from tests.factories import OFFICE, intake_data

WARD = "000.00.31.H21"  # Ủy ban nhân dân phường Quy Nhơn
POLICE = "000.02.31.H21"  # Công an phường Quy Nhơn
BHXH = "000.00.12.H21"  # Bảo hiểm xã hội tỉnh
TAX = "000.00.13.H21"  # Thuế tỉnh
PROVINCE_CENTRE = "000.00.01.H21"
FINANCE = "000.00.05.H21"  # Sở Tài chính
PEOPLES_COMMITTEE = "000.00.00.H21"


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


class Desk:
    """A client acting as one user after another, each at the instant given."""

    def __init__(self, client, token):
        self.client, self.make_token, self.tokens = client, token, {}

    def as_(self, role, agency):
        key = (role, agency)
        if key not in self.tokens:
            self.tokens[key] = {
                "Authorization": f"Bearer {self.make_token(role, agency_code=agency)}"
            }
        return self.tokens[key]

    def at(self, moment):
        self.client.application.config["NOW"] = moment

    def receive(self, procedure, *, agency=OFFICE, **changes):
        body = intake_data(procedure_code=procedure, documents=None, **changes)
        response = self.client.post(
            "/api/v1/dossiers", json=body, headers=self.as_("officer", agency)
        )
        assert response.status_code == 201, response.json
        return response.json["code"]

    def act(self, code, action, role, agency, **body):
        return self.client.post(
            f"/api/v1/dossiers/{code}/actions",
            json={"action": action, **body},
            headers=self.as_(role, agency),
        )

    def ok(self, code, action, role, agency, **body):
        response = self.act(code, action, role, agency, **body)
        assert response.status_code == 200, (action, agency, response.json)
        return response.json


@pytest.fixture
def desk(client, token):
    return Desk(client, token)


def test_birth_registration_goes_to_police_and_insurance_in_parallel(desk):
    """2.000986: civil status at the ward, then police and social insurance together."""
    desk.at(vn(2026, 11, 25, 9))
    code = desk.receive("2.000986")
    moved = desk.ok(code, "transfer", "officer", OFFICE)
    (first,) = moved["steps"]
    assert (first["agency"], first["started_at"]) == (WARD, "2026-11-25T09:00:00+07:00")
    assert first["due_at"] == "2026-11-25T17:00:00+07:00"  # same working day
    assert moved["current_agencies"] == [WARD] and moved["status"] == 4
    desk.at(vn(2026, 11, 25, 16))
    both = desk.ok(code, "transfer", "handler", WARD)
    assert sorted(both["current_agencies"]) == sorted([POLICE, BHXH])
    assert both["steps"][0]["timeliness"] == "on_time" and both["steps"][0]["by"]
    # 2 working days from Wednesday 16:00: Friday 16:00, for each of the two.
    assert {s["due_at"] for s in both["steps"][1:]} == {"2026-11-27T16:00:00+07:00"}
    desk.at(vn(2026, 11, 26, 10))
    police_done = desk.ok(code, "complete", "handler", POLICE)
    assert police_done["status"] == 4 and police_done["current_agencies"] == [BHXH]
    desk.at(vn(2026, 11, 30, 9))  # Monday: the insurance step is late
    done = desk.ok(code, "complete", "handler", BHXH)
    assert done["status"] == 9 and done["current_agency"] == OFFICE
    assert [s["timeliness"] for s in done["steps"]] == ["on_time", "early", "late"]
    back = desk.ok(code, "return_result", "officer", OFFICE)
    assert back["status"] == 10


def test_after_1500_the_first_step_starts_the_next_working_day(desk):
    desk.at(vn(2026, 11, 27, 15, 30))  # Friday
    code = desk.receive("2.000986")
    moved = desk.ok(code, "transfer", "officer", OFFICE)
    assert moved["steps"][0]["started_at"] == "2026-11-30T07:00:00+07:00"  # Monday
    assert moved["steps"][0]["due_at"] == "2026-11-30T17:00:00+07:00"
    # Handled at once all the same: the step ends where it starts, and the next ones follow.
    desk.at(vn(2026, 11, 27, 15, 40))
    both = desk.ok(code, "transfer", "handler", WARD)
    first, *parallel = both["steps"]
    assert first["ended_at"] == first["started_at"] == "2026-11-30T07:00:00+07:00"
    assert {s["started_at"] for s in parallel} == {"2026-11-30T07:00:00+07:00"}


def test_a_provincial_plan_starts_at_the_centre_and_goes_step_by_step(desk):
    """1.009645 received at the province's centre: its first step is the centre's own."""
    desk.at(vn(2026, 11, 25, 9))
    code = desk.receive("1.009645", agency=PROVINCE_CENTRE)
    shown = desk.client.get(
        f"/api/v1/dossiers/{code}", headers=desk.as_("officer", PROVINCE_CENTRE)
    )
    (reception,) = shown.json["steps"]
    assert (
        reception["agency"] == PROVINCE_CENTRE
        and reception["due_at"] == "2026-11-25T15:00:00+07:00"
    )
    at_finance = desk.ok(code, "transfer", "officer", PROVINCE_CENTRE)
    assert at_finance["current_agencies"] == [FINANCE]
    # Steps at one agency are handed on inside it, one after the other.
    for _ in range(9):
        body = desk.ok(code, "transfer", "handler", FINANCE)
    assert body["current_agencies"] == [PEOPLES_COMMITTEE]
    # This plan counts the centre's return step (0,5 working day): the centre closes it.
    back = desk.ok(code, "transfer", "handler", PEOPLES_COMMITTEE)
    assert back["current_agencies"] == [PROVINCE_CENTRE] and back["status"] == 4
    finished = desk.ok(code, "complete", "officer", PROVINCE_CENTRE)
    assert finished["status"] == 9
    assert len(finished["steps"]) == 12 and all(s["ended_at"] for s in finished["steps"])


def test_an_untimed_step_stops_the_clock(desk):
    """1.001612: the ward registers the business household, then the tax office, untimed."""
    desk.at(vn(2026, 11, 25, 9))
    code = desk.receive("1.001612")
    first = desk.ok(code, "transfer", "officer", OFFICE)
    due = first["due_at"]
    desk.at(vn(2026, 11, 26, 9))
    waiting = desk.ok(code, "transfer", "handler", WARD)
    assert waiting["status"] == 6 and waiting["current_agencies"] == [TAX]
    assert waiting["steps"][-1]["due_at"] is None and waiting["steps"][-1]["stops_clock"]
    # Waiting at the tax office, the dossier cannot be completed by the ward.
    assert desk.act(code, "complete", "handler", WARD).status_code == 403
    desk.at(vn(2026, 11, 26, 11))
    done = desk.ok(code, "complete", "handler", TAX)
    assert done["status"] == 9
    # Two working hours at the tax office do not count: the due time moved by two hours.
    moved = datetime.fromisoformat(done["due_at"]) - datetime.fromisoformat(due)
    assert moved.total_seconds() == 2 * 3600


def test_out_of_plan_and_the_ends_of_the_plan(desk):
    desk.at(vn(2026, 11, 25, 9))
    code = desk.receive("2.000986")
    desk.ok(code, "transfer", "officer", OFFICE)
    early = desk.act(code, "complete", "handler", WARD)
    assert early.status_code == 409 and early.json["error"]["code"] == "not_last_step"
    out = desk.ok(code, "transfer", "handler", WARD, to_agency=FINANCE, note="Xin ý kiến")
    assert out["current_agencies"] == [FINANCE] and out["steps"][-1]["task"] == "Xin ý kiến"
    assert desk.ok(code, "complete", "handler", FINANCE)["status"] == 9


def test_a_procedure_without_a_plan_is_handed_on_by_name(desk):
    desk.at(vn(2026, 11, 25, 9))
    code = desk.receive("1.004222")
    missing = desk.act(code, "transfer", "officer", OFFICE)
    assert missing.status_code == 422 and missing.json["error"]["code"] == "to_agency_required"
    desk.ok(code, "transfer", "officer", OFFICE, to_agency=POLICE)
    listed = desk.client.get(
        f"/api/v1/dossiers?agency={POLICE}", headers=desk.as_("handler", POLICE)
    )
    assert [d["code"] for d in listed.json["items"]] == [code]
    assert desk.ok(code, "complete", "handler", POLICE)["status"] == 9


def test_no_next_step_at_the_end_of_the_plan(desk):
    desk.at(vn(2026, 11, 25, 9))
    code = desk.receive("2.000986")
    desk.ok(code, "transfer", "officer", OFFICE)
    desk.ok(code, "transfer", "handler", WARD)
    last = desk.act(code, "transfer", "handler", POLICE)
    assert last.status_code == 409 and last.json["error"]["code"] == "no_next_step"


def test_stopping_closes_the_open_steps(desk):
    desk.at(vn(2026, 11, 25, 9))
    code = desk.receive("2.000986")
    desk.ok(code, "transfer", "officer", OFFICE)
    desk.ok(code, "transfer", "handler", WARD)
    stopped = desk.ok(code, "stop", "handler", POLICE, note="Hồ sơ giả mạo")
    assert stopped["status"] == 8 and stopped["current_agencies"] == [OFFICE]
    assert all(s["ended_at"] for s in stopped["steps"])
    assert [s["outcome"] for s in stopped["steps"]] == ["transfer", "stop", "stop"]
