"""Users, login, CSRF and API tokens (the throttle, sessions and tokens over HTTP have
their own files: test_login_throttle.py, test_sessions.py, test_tokens.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from onestop.accounts.models import ApiToken
from onestop.accounts.services import (
    authenticate,
    create_token,
    create_user,
    record_token_use,
    user_for_token,
)
from onestop.errors import Conflict, Invalid
from tests.conftest import NOW

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."


def test_password_is_stored_hashed(session):
    user, password = create_user(
        session, username="Lan.Nguyen", role="officer", agency_code="000.01.31.H21", now=NOW
    )
    assert user.username == "lan.nguyen"
    assert password not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        (
            {"username": "x y", "role": "officer", "agency_code": "000.01.31.H21"},
            Invalid,
            "username",
        ),
        ({"username": "lan", "role": "boss", "agency_code": "000.01.31.H21"}, Invalid, "role"),
        ({"username": "lan", "role": "officer"}, Invalid, "agency"),
        ({"username": "lan", "role": "officer", "agency_code": "000.99.99.H21"}, Invalid, "agency"),
        ({"username": "lan", "role": "admin", "password": "short"}, Invalid, "password"),
    ],
)
def test_bad_users_are_refused(session, kwargs, error, field):
    with pytest.raises(error) as caught:
        create_user(session, now=NOW, **kwargs)
    assert caught.value.field == field


def test_username_is_unique(session, make_user):
    make_user("officer", username="lan")
    with pytest.raises(Conflict):
        create_user(session, username="LAN", role="admin", password="x" * 12, now=NOW)


def test_login_and_logout(client, auth, make_user):
    user, password = make_user("officer")
    response = auth.login(user.username, password)
    assert response.status_code == 302
    assert user.full_name in client.get("/").get_data(as_text=True)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    client.post("/dang-xuat", data={"csrf_token": auth.csrf("/")})
    assert client.get("/counter/procedures").status_code == 302


def test_wrong_password_and_unknown_user_read_the_same(client, auth, make_user):
    user, _ = make_user("officer")
    wrong = auth.login(user.username, "sai-mat-khau-roi")
    unknown = auth.login("khong.co.ai", "sai-mat-khau-roi")
    assert wrong.status_code == unknown.status_code == 401
    assert WRONG in wrong.get_data(as_text=True)
    assert WRONG in unknown.get_data(as_text=True)


def test_login_form_shows_errors_beside_fields(auth):
    page = auth.login("", "").get_data(as_text=True)
    assert "Nhập tên đăng nhập." in page and "Nhập mật khẩu." in page


def test_login_without_csrf_is_refused(client, make_user):
    user, password = make_user("officer")
    response = client.post("/dang-nhap", data={"username": user.username, "password": password})
    assert response.status_code == 400
    assert client.get("/counter/procedures").status_code == 302


def test_login_redirects_only_within_the_site(client, auth, make_user):
    user, password = make_user("officer")
    data = {"username": user.username, "password": password, "csrf_token": auth.csrf()}
    response = client.post("/dang-nhap?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/"


def test_inactive_user_cannot_log_in(session, make_user):
    user, password = make_user("officer")
    user.active = False
    assert (
        authenticate(session, username=user.username, password=password, address="1.1.1.1", now=NOW)
        is None
    )


def test_token_is_stored_hashed_and_works(session, make_user):
    user, _ = make_user("handler", agency_code="000.00.31.H21")
    secret = create_token(session, user=user, now=NOW)
    stored = session.exec(select(ApiToken)).one()
    assert secret.startswith("os_") and len(secret) > 40
    assert secret not in stored.token_hash and stored.prefix == secret[:10]
    assert stored.expires_at == NOW + timedelta(days=365)
    use = user_for_token(session, secret, now=NOW)
    assert use is not None and use.user == user and use.stale
    assert stored.last_used_at is None  # reading a token writes nothing
    record_token_use(session, token_id=use.token_id, now=NOW)
    session.refresh(stored)
    assert stored.last_used_at == NOW
    # NOW is 09:00 in Vietnam: the last use is not due again until the next Vietnamese day.
    assert not user_for_token(session, secret, now=NOW + timedelta(hours=14, minutes=59)).stale
    assert user_for_token(session, secret, now=NOW + timedelta(hours=15)).stale
    record_token_use(session, token_id=use.token_id, now=NOW + timedelta(hours=3))
    session.refresh(stored)
    assert stored.last_used_at == NOW  # written once a day, whoever asks
    stored.revoked_at = NOW
    assert user_for_token(session, secret, now=NOW) is None


def test_token_expires(session, make_user):
    user, _ = make_user("officer")
    secret = create_token(session, user=user, now=NOW, days=2, name="máy quét")
    assert user_for_token(session, secret, now=NOW + timedelta(days=2, seconds=-1)) is not None
    assert user_for_token(session, secret, now=NOW + timedelta(days=2)) is None
    with pytest.raises(Invalid):
        create_token(session, user=user, now=NOW, days=0)


def test_role_pages_refuse_other_roles(client, auth, make_user):
    from flask import Blueprint

    from onestop.web.access import page

    bp = Blueprint("t", __name__)

    @bp.get("/t/supervisor-only")
    @page("admin")
    def only():
        return "ok"

    client.application.register_blueprint(bp)
    user, password = make_user("officer")
    auth.login(user.username, password)
    assert client.get("/t/supervisor-only").status_code == 403
