"""The action service through `POST /api/v1/dossiers/{code}/actions`: every action reachable,
its effects on the clock, and its errors (409, 403, 422) that change nothing."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

from onestop.calendar import VN_TZ
from onestop.dossiers.models import Dossier, DossierEvent
from onestop.dossiers.states import Action
from tests.factories import OFFICE, make_dossier

DEPT = "000.02.31.H21"  # Công an phường Quy Nhơn


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


@pytest.fixture
def officer(make_user):
    return make_user("officer", agency_code=OFFICE)[0]


@pytest.fixture
def headers(session, officer):
    from onestop.accounts.services import create_token

    secret = create_token(session, user=officer, now=vn(2026, 11, 25, 9))
    session.commit()
    return {"Authorization": f"Bearer {secret}"}


class Api:
    """Actions as a client sends them, each at the instant given (the app's pinned clock)."""

    def __init__(self, client, headers):
        self.client, self.headers = client, headers

    def act(self, code, action, *, at=None, headers=None, **body):
        if at is not None:
            self.client.application.config["NOW"] = at
        return self.client.post(
            f"/api/v1/dossiers/{code}/actions",
            json={"action": action, **body},
            headers=headers or self.headers,
        )

    def ok(self, code, action, **kw):
        response = self.act(code, action, **kw)
        assert response.status_code == 200, response.json
        return response.json


@pytest.fixture
def api(client, headers):
    return Api(client, headers)


@pytest.fixture
def received(session, officer):
    """Received Wednesday 25/11/2026 09:00; 7 working days: due Friday 04/12/2026 09:00."""
    dossier = make_dossier(session, officer)
    session.commit()
    return dossier


def due(body):
    return datetime.fromisoformat(body["due_at"])


def test_counter_supplement_then_received_starts_the_clock(api, client, session, officer):
    asked = make_dossier(session, officer, outcome=Action.REQUEST_SUPPLEMENT)
    session.commit()
    body = api.ok(
        asked.code,
        "supplement_received",
        at=vn(2026, 11, 27, 14),
        documents=[{"name": "Giấy tờ chứng minh chỗ ở hợp pháp"}],
    )
    assert body["status"] == 2
    assert body["received_at"] == "2026-11-27T14:00:00+07:00"
    # 7 working days from Friday 27/11 14:00: Monday 30/11 ... Tuesday 08/12 14:00.
    assert body["due_at"] == "2026-12-08T14:00:00+07:00"
    assert "Giấy tờ chứng minh chỗ ở hợp pháp" in [d["name"] for d in body["documents"]]
    receipt = client.get(f"/api/v1/dossiers/{asked.code}/receipt.pdf", headers=api.headers)
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF")


def test_a_pause_moves_the_due_time_by_the_working_hours_paused(api, received):
    missing = [{"name": "Bản sao sổ hộ khẩu"}]
    api.ok(
        received.code,
        "request_supplement",
        at=vn(2026, 11, 25, 10),
        note="Thiếu",
        documents=missing,
    )
    body = api.ok(received.code, "supplement_received", at=vn(2026, 11, 25, 14))
    # 10:00-11:30 and 13:30-14:00: two working hours.
    assert due(body) == vn(2026, 12, 4, 11)
    assert body["status"] == 2


def test_two_pauses_add_up(api, received):
    api.ok(received.code, "request_payment", at=vn(2026, 11, 26, 8), note="Lệ phí 15.000 đồng")
    api.ok(received.code, "payment_received", at=vn(2026, 11, 26, 9))
    missing = [{"name": "Tờ khai"}]
    api.ok(
        received.code, "request_supplement", at=vn(2026, 11, 27, 16), note="x", documents=missing
    )
    body = api.ok(received.code, "supplement_received", at=vn(2026, 11, 30, 8))
    # 1 h, then 16:00-17:00 Friday and 07:00-08:00 Monday: 3 h in all. 09:00 + 3 h of working
    # time on Friday 04/12 is 14:00 (the lunch break does not count).
    assert due(body) == vn(2026, 12, 4, 14)


def test_a_pause_across_new_year_counts_only_working_hours(api, session, officer):
    dossier = make_dossier(session, officer, now=vn(2026, 12, 30, 9))
    session.commit()
    missing = [{"name": "Tờ khai"}]
    api.ok(dossier.code, "request_supplement", at=vn(2026, 12, 31, 16), note="x", documents=missing)
    body = api.ok(dossier.code, "supplement_received", at=vn(2027, 1, 4, 8))
    # Thursday 31/12 16:00-17:00 and Monday 04/01 07:00-08:00; 01/01 is a holiday, then the
    # weekend. 7 working days from 30/12 09:00 end on Monday 11/01 09:00; two hours later: 11:00.
    assert due(body) == vn(2027, 1, 11, 11)


def test_a_pause_with_no_working_time_moves_nothing(api, received):
    missing = [{"name": "Tờ khai"}]
    api.ok(
        received.code,
        "request_supplement",
        at=vn(2026, 11, 27, 17, 30),
        note="x",
        documents=missing,
    )
    body = api.ok(received.code, "supplement_received", at=vn(2026, 11, 29, 20))
    assert due(body) == vn(2026, 12, 4, 9)


def test_the_whole_road_to_the_citizen(api, session, token, received):
    handler = {"Authorization": f"Bearer {token('handler', agency_code=DEPT)}"}
    moved = api.ok(received.code, "transfer", to_agency=DEPT, note="Chuyển công an phường")
    assert moved["status"] == 4 and moved["current_agency"] == DEPT
    # The counter no longer holds it: only the police handler can act on it now.
    assert api.act(received.code, "complete").status_code == 403
    apology = api.ok(
        received.code,
        "apologize",
        at=vn(2026, 12, 3, 10),
        headers=handler,
        note="Cần xác minh thêm",
        new_due_at="2026-12-10T17:00:00",
    )
    assert apology["extended_due_at"] == "2026-12-10T17:00:00+07:00"
    # Written 7 working hours before 04/12 09:00: later than one working day ahead.
    assert apology["apology_late"] is True
    assert apology["due_at"] == "2026-12-04T09:00:00+07:00"  # the law's appointment stays
    again = api.act(
        received.code, "apologize", headers=handler, note="x", new_due_at="2026-12-20T17:00:00"
    )
    assert again.status_code == 409 and again.json["error"]["code"] == "already_apologized"
    done = api.ok(received.code, "complete", at=vn(2026, 12, 9, 10), headers=handler)
    assert done["status"] == 9 and done["current_agency"] == OFFICE
    wrong = api.act(received.code, "return_result", method="pigeon")
    assert wrong.status_code == 422 and "method" in wrong.json["error"]["fields"]
    back = api.ok(
        received.code,
        "return_result",
        at=vn(2026, 12, 10, 8),
        method="post",
        returned_to="Chị Hường",
    )
    assert back["status"] == 10
    assert back["ended_at"] == "2026-12-09T10:00:00+07:00"  # ended when done, not when returned
    assert back["timeliness"] == "late"  # the apology does not make a late dossier on time
    assert back["history"][-1]["note"] == "Trả kết quả qua dịch vụ bưu chính cho Chị Hường."
    actions = [h["action"] for h in back["history"]]
    assert actions == ["receive", "transfer", "apologize", "complete", "return_result"]


@pytest.mark.parametrize(
    ("action", "body", "status"),
    [
        ("withdraw", {"note": "Công dân xin rút"}, 7),
        ("stop", {"note": "Hồ sơ giả mạo"}, 8),
        ("complete", {}, 9),
    ],
)
def test_ending_actions(api, received, action, body, status):
    out = api.ok(received.code, action, at=vn(2026, 11, 26, 9), **body)
    assert out["status"] == status and out["ended_at"] == "2026-11-26T09:00:00+07:00"


def test_refuse_after_a_counter_supplement(api, session, officer):
    asked = make_dossier(session, officer, outcome=Action.REQUEST_SUPPLEMENT)
    session.commit()
    out = api.ok(asked.code, "refuse", note="Quá thời hạn bổ sung")
    assert out["status"] == 3 and out["received_at"] is None


def history(session, dossier):
    query = select(DossierEvent).where(DossierEvent.dossier_id == dossier.id)
    return session.exec(query).all()


def snapshot(session, dossier):
    session.expire_all()
    row = session.get(Dossier, dossier.id)
    return row.model_dump(), len(history(session, row))


@pytest.mark.parametrize(
    ("action", "body", "status", "code"),
    [
        ("return_result", {}, 409, "invalid_transition"),
        ("receive", {}, 409, "invalid_transition"),
        ("payment_received", {}, 409, "invalid_transition"),
        ("fly_away", {}, 422, "unknown_action"),
        ("stop", {}, 422, "validation_failed"),
        ("transfer", {"to_agency": "9.9.9"}, 422, "agency_not_found"),
        ("transfer", {"to_agency": OFFICE}, 422, "same_agency"),
        ("apologize", {"note": "x", "new_due_at": "2026-11-20T17:00"}, 422, "invalid"),
        ("apologize", {"note": "x", "new_due_at": "hôm qua"}, 422, "validation_failed"),
        ("request_supplement", {"note": "x"}, 422, "validation_failed"),
        ("request_supplement", {"note": ["x"], "documents": ["a"]}, 422, "validation_failed"),
        ("request_supplement", {"note": "x\x00", "documents": ["a"]}, 422, "validation_failed"),
        ("apologize", {"note": "x", "new_due_at": "9999-01-01T09:00"}, 422, "validation_failed"),
    ],
)
def test_refused_actions_change_nothing(api, session, received, action, body, status, code):
    before = snapshot(session, received)
    response = api.act(received.code, action, **body)
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code
    assert snapshot(session, received) == before


def test_every_wrong_field_is_named_at_once(api, received):
    response = api.act(received.code, "request_supplement", note=" ", documents=[])
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"note", "documents"}


def test_unknown_dossier_is_404(api):
    response = api.act("000.01.31.H21-261125-9999", "complete")
    assert response.status_code == 404 and response.json["error"]["code"] == "dossier_not_found"


def test_a_body_that_is_not_an_object_is_422(api, received):
    response = api.client.post(
        f"/api/v1/dossiers/{received.code}/actions", json=["complete"], headers=api.headers
    )
    assert response.status_code == 422


def test_the_log_has_one_line_per_action_without_personal_data(api, received, caplog):
    caplog.set_level("INFO", logger="onestop.actions")
    api.ok(received.code, "complete")
    api.act(received.code, "complete")
    lines = [r.getMessage() for r in caplog.records if r.name == "onestop.actions"]
    assert len(lines) == 2
    assert received.code in lines[0] and "complete" in lines[0] and "2 -> 9" in lines[0]
    assert "refused: invalid_transition" in lines[1]
    for line in lines:
        for secret in (received.owner_id_number, received.owner_phone, received.public_token):
            assert secret not in line


def test_an_apology_a_working_day_ahead_is_on_time(api, received):
    body = api.ok(
        received.code,
        "apologize",
        at=vn(2026, 12, 3, 9),  # exactly 8 working hours before 04/12 09:00
        note="Chờ xác minh",
        new_due_at="2026-12-11T17:00:00",
    )
    assert body["apology_late"] is False
