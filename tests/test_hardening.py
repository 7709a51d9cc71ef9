"""Hardening already in place: no open redirect after login; no caching of personal data."""

from __future__ import annotations

import pytest

from tests.factories import OFFICE, make_dossier


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/phish",
        "////evil.example/phish",
        "/\\evil.example/phish",
        "/\\\\evil.example",
        "https://evil.example/",
        "/\t/evil.example",
        "javascript:alert(1)",
    ],
)
def test_login_never_redirects_to_another_host(client, auth, make_user, target):
    user, password = make_user("officer", agency_code=OFFICE)
    response = auth.login(user.username, password, query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_keeps_a_path_of_this_site(client, auth, make_user):
    user, password = make_user("officer", agency_code=OFFICE)
    response = auth.login(user.username, password, query_string={"next": "/cong-cu/ngay-hen"})
    assert response.headers["Location"] == "/cong-cu/ngay-hen"


def test_personal_data_is_never_cached(client, auth, session, make_user, token):
    officer, password = make_user("officer", agency_code=OFFICE)
    dossier = make_dossier(session, officer)
    session.commit()
    headers = {"Authorization": f"Bearer {token('officer', agency_code=OFFICE)}"}
    for path in (
        f"/api/v1/dossiers/{dossier.code}",
        f"/api/v1/dossiers/{dossier.code}/receipt.pdf",
    ):
        assert client.get(path, headers=headers).headers["Cache-Control"] == "no-store", path
    auth.login(officer.username, password)
    for path in ("/counter/", f"/counter/ho-so/{dossier.code}", "/counter/so-theo-doi.xlsx"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    assert client.get(f"/tra-cuu/{dossier.public_token}").headers["Cache-Control"] == "no-store"
