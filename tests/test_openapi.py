"""The OpenAPI document of the JSON API, and schemathesis run against it: no server error, and
every answer as the document declares it (status, content type, shape)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks
from sqlmodel import select

from onestop.dossiers.models import Dossier
from tests.factories import OFFICE, intake_data, make_dossier


@pytest.fixture
def officer_headers(session, make_user, token):
    """An officer's token, with a dossier of their agency for the operations to find."""
    officer, _ = make_user("officer", agency_code=OFFICE)
    make_dossier(session, officer)
    session.commit()
    return {"Authorization": f"Bearer {token('officer', agency_code=OFFICE)}"}


def known_good(operation, session):
    """Requests that succeed, so that the answers of success are checked too: random data
    almost never names a real procedure or dossier."""
    code = session.exec(select(Dossier.code)).first()
    method, path = operation.method.upper(), operation.path
    if (method, path) == ("POST", "/api/v1/dossiers"):
        return [operation.Case(body=intake_data())]
    if (method, path) == ("POST", "/api/v1/dossiers/{code}/actions"):
        body = {"action": "request_supplement", "note": "Thiếu", "documents": ["Tờ khai CT01"]}
        return [operation.Case(path_parameters={"code": code}, body=body)]
    if path == "/api/v1/dossiers/{code}":
        return [operation.Case(path_parameters={"code": code})]
    if path.endswith("{kind}.pdf"):
        return [operation.Case(path_parameters={"code": code, "kind": "receipt"})]
    if path == "/api/v1/procedures/{code}":
        return [operation.Case(path_parameters={"code": "1.004222"})]
    return []


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_the_document_is_openapi_3_1_with_every_operation(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"] == "3.1.0"
    paths = document["paths"]
    assert {"/api/v1/dossiers", "/api/v1/dossiers/{code}/actions", "/api/v1/procedures"} <= set(
        paths
    )
    intake = document["components"]["schemas"]["IntakeRequest"]
    # The limits of the models that validate the requests are the document's.
    assert intake["properties"]["sets"]["maximum"] == 99
    assert (
        document["components"]["schemas"]["Applicant"]["properties"]["full_name"]["maxLength"]
        == 200
    )
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_the_human_page_lists_the_operations(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "POST /api/v1/dossiers" in text and "IntakeRequest" in text


CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]
OPERATIONS = [
    ("GET", "/api/v1/agencies"),
    ("GET", "/api/v1/procedures"),
    ("GET", "/api/v1/procedures/{code}"),
    ("POST", "/api/v1/dossiers"),
    ("GET", "/api/v1/dossiers"),
    ("GET", "/api/v1/dossiers/{code}"),
    ("POST", "/api/v1/dossiers/{code}/actions"),
    ("GET", "/api/v1/dossiers/{code}/{kind}.pdf"),
]


def test_every_operation_is_exercised(client):
    document = client.get("/api/v1/openapi.json").json
    declared = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    assert declared == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_api_conforms_and_never_fails(app, session, officer_headers, method, path):
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]
    for case in known_good(operation, session):
        response = case.call_and_validate(headers=officer_headers, checks=CHECKS)
        assert response.status_code < 300, response.text

    @given(case=operation.as_strategy())
    @settings(
        max_examples=30,
        deadline=None,
        derandomize=True,  # the same examples on every run: a failure can be replayed
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def call(case):
        case.call_and_validate(headers=officer_headers, checks=CHECKS)

    call()


def test_a_drifted_answer_fails_the_tests_but_reaches_clients(
    app, client, token, monkeypatch, caplog
):
    from onestop.catalogue import queries

    real = queries.agency_dict
    monkeypatch.setattr(queries, "agency_dict", lambda a, n: real(a, n) | {"name": None})
    headers = {"Authorization": f"Bearer {token('officer', agency_code=OFFICE)}"}
    assert client.get("/api/v1/agencies", headers=headers).status_code == 500  # TESTING
    app.testing = False
    with caplog.at_level("ERROR", logger="onestop.api"):
        answer = client.get("/api/v1/agencies", headers=headers)
    assert answer.status_code == 200 and answer.json["items"][0]["name"] is None
    assert "does not match its documented shape" in caplog.text
