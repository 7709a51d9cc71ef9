"""The dossier API (docs/architecture.md#interfaces)."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from onestop.dossiers.models import Dossier, DossierCounter
from tests.factories import OFFICE, intake_data


@pytest.fixture
def officer_token(token):
    return {"Authorization": f"Bearer {token('officer', agency_code=OFFICE)}"}


def count(session) -> int:
    return session.exec(select(func.count()).select_from(Dossier)).one()


def test_post_receives_a_dossier(client, officer_token):
    response = client.post("/api/v1/dossiers", json=intake_data(), headers=officer_token)
    assert response.status_code == 201
    body = response.json
    assert body["code"] == f"{OFFICE}-261125-0001"
    assert body["status"] == 2 and body["status_name"] == "Được tiếp nhận"
    assert body["received_at"] == "2026-11-25T09:00:00+07:00"
    assert body["due_at"] == "2026-12-04T09:00:00+07:00"
    assert body["lookup_url"].startswith("http://127.0.0.1:5000/tra-cuu/")
    assert body["receipt_url"].endswith(f"/api/v1/dossiers/{body['code']}/receipt.pdf")
    assert response.headers["Location"] == f"/api/v1/dossiers/{body['code']}"


def test_idempotency_key_gives_one_dossier(client, officer_token, session):
    headers = officer_token | {"Idempotency-Key": "abc-123"}
    first = client.post("/api/v1/dossiers", json=intake_data(), headers=headers).json
    second = client.post("/api/v1/dossiers", json=intake_data(), headers=headers).json
    assert first["code"] == second["code"]
    assert count(session) == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (intake_data(procedure_code="9.999999"), "procedure_code"),
        (intake_data(id_number="0521900012"), "applicant.id_number"),
        (intake_data(phone="12345"), "applicant.phone"),
        (intake_data(full_name=""), "applicant.full_name"),
    ],
)
def test_bad_input_is_422_and_writes_nothing(client, officer_token, session, payload, field):
    response = client.post("/api/v1/dossiers", json=payload, headers=officer_token)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_failed" and field in error["fields"]
    assert count(session) == 0
    assert session.exec(select(DossierCounter)).all() == []


def test_malformed_json_is_422(client, officer_token, session):
    response = client.post(
        "/api/v1/dossiers",
        data="{not json",
        headers=officer_token | {"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json["error"]["code"] == "malformed_json"
    assert count(session) == 0


def test_list_and_detail(client, officer_token):
    code = client.post("/api/v1/dossiers", json=intake_data(), headers=officer_token).json["code"]
    listing = client.get("/api/v1/dossiers?status=2", headers=officer_token).json
    assert [d["code"] for d in listing["items"]] == [code]
    assert listing["total"] == 1
    detail = client.get(f"/api/v1/dossiers/{code}", headers=officer_token).json
    assert detail["history"][0] | {"at": None} == {
        "at": None,
        "action": "receive",
        "from_status": None,
        "to_status": 2,
        "actor": detail["history"][0]["actor"],
        "note": None,
    }
    assert detail["timeliness"] is None and detail["steps"] == []
    assert detail["documents"][0]["originals"] == 1


def test_other_agencies_cannot_read_it(client, officer_token, make_user, session):
    from onestop.accounts.services import create_token

    code = client.post("/api/v1/dossiers", json=intake_data(), headers=officer_token).json["code"]
    stranger, _ = make_user("handler", agency_code="000.00.32.H21")  # phường Pleiku
    secret = create_token(session, user=stranger, now=stranger.created_at)
    session.commit()
    response = client.get(f"/api/v1/dossiers/{code}", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"
    supervisor, _ = make_user("supervisor", agency_code="000.00.00.H21")
    secret = create_token(session, user=supervisor, now=supervisor.created_at)
    session.commit()
    assert (
        client.get(
            f"/api/v1/dossiers/{code}", headers={"Authorization": f"Bearer {secret}"}
        ).status_code
        == 200
    )


def test_unknown_dossier_is_404(client, officer_token):
    response = client.get("/api/v1/dossiers/000.01.31.H21-261125-9999", headers=officer_token)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "dossier_not_found"


def test_officer_cannot_receive_for_another_agency(client, officer_token):
    payload = intake_data() | {"agency": "000.01.32.H21"}
    response = client.post("/api/v1/dossiers", json=payload, headers=officer_token)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"
