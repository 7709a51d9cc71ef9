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


def test_links_never_follow_the_host_header(client, token):
    from tests.factories import intake_data

    headers = {"Authorization": f"Bearer {token('officer', agency_code=OFFICE)}"}
    response = client.post(
        "/api/v1/dossiers",
        json=intake_data(),
        headers=headers,
        base_url="http://evil.example",
    )
    assert response.status_code == 201
    assert response.json["receipt_url"].startswith("http://127.0.0.1:5000/api/v1/")
    assert response.json["lookup_url"].startswith("http://127.0.0.1:5000/tra-cuu/")


def test_the_sqlite_file_and_its_folder_are_private(tmp_path):
    from onestop import db

    url = f"sqlite:///{tmp_path / 'new' / 'onestop.db'}"
    engine = db.make_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x)")
        conn.commit()
    engine.dispose()
    assert (tmp_path / "new" / "onestop.db").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o700


def test_an_existing_world_readable_file_is_made_private(tmp_path):
    from onestop import db

    path = tmp_path / "old.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    engine = db.make_engine(f"sqlite:///{path}")
    engine.connect().close()
    engine.dispose()
    assert path.stat().st_mode & 0o777 == 0o600


def test_the_access_log_cuts_the_qr_token(client, session, make_user, caplog):
    officer, _ = make_user("officer", agency_code=OFFICE)
    dossier = make_dossier(session, officer)
    session.commit()
    with caplog.at_level("INFO", logger="onestop.access"):
        assert client.get(f"/tra-cuu/{dossier.public_token}").status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "onestop.access"]
    assert lines and f"/tra-cuu/{dossier.public_token[:4]}…" in lines[-1]
    assert dossier.public_token not in "\n".join(lines)


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
