"""Hostile and odd input through the API and the counter's form: a clear 4xx that names the
field, the same refusal on both, and nothing written."""

from __future__ import annotations

import json

import pytest
from sqlmodel import func, select

from onestop.dossiers.models import Dossier
from onestop.fields import MAX_DOCUMENTS
from tests.factories import OFFICE, intake_data


@pytest.fixture
def officer(token):
    return {"Authorization": f"Bearer {token('officer', agency_code=OFFICE)}"}


def count(session) -> int:
    return session.exec(select(func.count()).select_from(Dossier)).one()


def post_raw(client, headers, body: str | bytes, path: str = "/api/v1/dossiers"):
    return client.post(path, data=body, headers=headers | {"Content-Type": "application/json"})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"full_name": "Nguyễn\x00An"}, "applicant.full_name"),
        ({"full_name": "Nguyễn \u202eAn"}, "applicant.full_name"),
        ({"full_name": "Nguyễn\x85An"}, "applicant.full_name"),  # C1
        ({"full_name": ["Nguyễn", "An"]}, "applicant.full_name"),
        ({"full_name": "....  --"}, "applicant.full_name"),  # no letter
        ({"full_name": 12}, "applicant.full_name"),
        ({"full_name": "A" * 201}, "applicant.full_name"),
        ({"address": "x" * 301}, "applicant.address"),
        ({"address": {"street": "Lê Lợi"}}, "applicant.address"),
        ({"phone": 912345678}, "applicant.phone"),
        ({"phone": "٠٩١٢٣٤٥٦٧٨"}, "applicant.phone"),  # Arabic-Indic digits
        ({"id_number": "٠٥٢١٩٠٠٠١٢٣٤"}, "applicant.id_number"),
        ({"sets": 1.5}, "sets"),
        ({"sets": True}, "sets"),
        ({"sets": 100}, "sets"),
        ({"sets": "1e3"}, "sets"),
        ({"channel": "fax"}, "channel"),
        ({"documents": [{"name": "Tờ khai"}] * (MAX_DOCUMENTS + 1)}, "documents"),
        ({"documents": [{"name": "Tờ khai", "originals": -1}]}, "documents.0.originals"),
        ({"documents": "Tờ khai"}, "documents"),
        ({"procedure_code": "1.004222\x00"}, "procedure_code"),
    ],
)
def test_odd_fields_are_422_beside_the_field(client, officer, session, changes, field):
    response = client.post("/api/v1/dossiers", json=intake_data(**changes), headers=officer)
    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert error["code"] == "validation_failed"
    assert field in error["fields"], error
    assert count(session) == 0


def test_a_lone_surrogate_is_refused(client, officer, session):
    body = json.dumps(intake_data(), ensure_ascii=False).replace("Đặng", "\\ud800ng")
    response = post_raw(client, officer, body.encode())
    assert response.status_code == 422
    assert response.json["error"]["code"] == "malformed_json"
    assert count(session) == 0


@pytest.mark.parametrize(
    "body",
    [
        '{"procedure_code": "1.004222", "sets": Infinity}',
        '{"procedure_code": "1.004222", "sets": NaN}',
        "[" * 100_000 + "]" * 100_000,
        '["not", "an", "object"]',
        "",
        b"\xff\xfe not utf-8",
    ],
)
def test_malformed_bodies_are_422_malformed_json(client, officer, session, body):
    response = post_raw(client, officer, body)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "malformed_json"
    assert count(session) == 0


def test_a_form_body_is_not_read_as_json(client, officer, session):
    response = client.post("/api/v1/dossiers", data={"procedure_code": "x"}, headers=officer)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "malformed_json"


def test_a_body_over_the_limit_is_a_json_413(client, officer, session):
    big = json.dumps(intake_data(address="x" * (2 * 1024 * 1024)))
    response = post_raw(client, officer, big)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "request_entity_too_large"
    assert count(session) == 0


def test_names_are_stored_clean(client, officer, session):
    # Decomposed Vietnamese (as some keyboards send it) is stored composed, spaces single.
    decomposed = "Đă\u0300ng  Thi\u0323 Hươ\u0300ng"
    response = client.post(
        "/api/v1/dossiers", json=intake_data(full_name=decomposed), headers=officer
    )
    assert response.status_code == 201
    assert session.exec(select(Dossier.owner_name)).one() == "Đằng Thị Hường"


@pytest.mark.parametrize(
    "query",
    [
        "page=99999999999999999999",
        "page=0",
        "per_page=201",
        "status=abc",
        "status=11",
        "from=0001-01-01",
        "from=9999-12-31T00:00",
        "to=hôm qua",
        "agency=a%00b",
    ],
)
def test_list_parameters_out_of_range_are_422(client, officer, query):
    response = client.get(f"/api/v1/dossiers?{query}", headers=officer)
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "validation_failed"
    assert response.json["error"]["fields"]


def test_idempotency_key_reused_with_another_body_is_refused(client, officer, session):
    headers = officer | {"Idempotency-Key": "retry-1"}
    first = client.post("/api/v1/dossiers", json=intake_data(), headers=headers)
    assert first.status_code == 201
    other = intake_data(full_name="Lê Văn Tám", id_number="052190009999")
    again = client.post("/api/v1/dossiers", json=other, headers=headers)
    assert again.status_code == 422
    assert again.json["error"]["code"] == "idempotency_key_reused"
    assert count(session) == 1
    # The same request again is still answered with the first dossier.
    same = client.post("/api/v1/dossiers", json=intake_data(), headers=headers)
    assert same.json["code"] == first.json["code"]


def test_action_notes_refuse_control_characters(client, officer, session):
    code = client.post("/api/v1/dossiers", json=intake_data(), headers=officer).json["code"]
    response = client.post(
        f"/api/v1/dossiers/{code}/actions",
        json={"action": "request_supplement", "note": "Thiếu\x1b[31m", "documents": ["CT01"]},
        headers=officer,
    )
    assert response.status_code == 422
    assert "note" in response.json["error"]["fields"]
    assert client.get(f"/api/v1/dossiers/{code}", headers=officer).json["status"] == 2


# The web pages: the same limits, shown beside the field, with a 4xx status.


@pytest.fixture
def logged_in(auth, make_user):
    user, password = make_user("officer", agency_code=OFFICE)
    auth.login(user.username, password)
    return user


@pytest.mark.parametrize(
    "query", ["q=a%00b", "q=" + "a" * 201, "page=99999999999999999999", "page=0"]
)
def test_public_catalogue_refuses_odd_arguments_beside_the_search_box(client, query):
    response = client.get(f"/thu-tuc?{query}")
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)


def test_public_lookup_path_with_a_nul_is_404(client):
    assert client.get("/tra-cuu/abc%00def").status_code == 404


def test_counter_form_refuses_what_the_api_refuses(client, logged_in, session):
    from tests.test_counter_web import form_for

    data = form_for(client) | {
        "applicant.full_name": "Nguyễn\x00An",
        "applicant.address": "x" * 301,
        "sets": "1.5",
    }
    response = client.post("/counter/tiep-nhan/1.001193", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Có ký tự không được phép (U+0000)." in page
    assert "Tối đa 300 ký tự." in page
    assert "Nhập một số." in page
    assert count(session) == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("value=100000&unit=working_days", "Tối đa 500 ngày làm việc."),
        ("value=3&unit=working_days&received=9999-11-25T09:00", "1900-2100"),
        ("value=Infinity&unit=days", "Thời hạn"),
    ],
)
def test_calculator_bounds_what_it_counts(client, logged_in, query, message):
    response = client.get(f"/cong-cu/ngay-hen?{query}")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "from=0001-01-01",
        "to=9999-12-31",
        "page=99999999999999999999",
        "page=-1",
        "q=a%00b",
        "status=99",
        "date=0001-01-01",
        "q=" + "9" * 5000,
    ],
)
def test_staff_lists_answer_odd_arguments_without_a_500(client, logged_in, query):
    for path in ("/counter/tim-kiem", "/desk/", "/counter/so-theo-doi", "/counter/"):
        response = client.get(f"{path}?{query}")
        assert response.status_code < 500, (path, query)
    assert client.get(f"/counter/tim-kiem?{query}").status_code in (200, 422)


def test_a_qr_path_that_is_no_token_is_404_on_every_database(client):
    for token in ("abc%00def", "%ED%A0%80" * 3, "x" * 500, "a b"):
        assert client.get(f"/tra-cuu/{token}").status_code == 404, token
