"""Server-side web sessions: the cookie carries a random id whose SHA-256 is a row; logout, a
new password and disabling end the row, so an old copy of the cookie opens nothing."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlmodel import select

from onestop.accounts.models import User, UserSession
from tests.conftest import NOW


def cookie_of(client):
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def session_id(app, client):
    """The id inside the signed cookie (Flask-Login's `_user_id`)."""
    data = app.session_interface.get_signing_serializer(app).loads(cookie_of(client))
    return data["_user_id"]


def logout(auth):
    return auth.client.post("/dang-xuat", data={"csrf_token": auth.csrf("/")})


def at(app, **delta):
    app.config["NOW"] = NOW + timedelta(**delta)


def visit(client, path="/counter/"):
    """A page view, its response closed as a server closes it: deferred work runs then."""
    response = client.get(path)
    response.close()
    return response.status_code


def rows(session):
    session.expire_all()
    return session.exec(select(UserSession).order_by(UserSession.id)).all()


def test_an_old_cookie_no_longer_opens_the_counter_after_logout(client, auth, make_user):
    user, password = make_user("officer")
    assert auth.login(user.username, password).status_code == 302
    assert client.get("/counter/").status_code == 200
    saved = cookie_of(client)
    assert logout(auth).status_code == 302
    client.set_cookie("session", saved)  # the copy taken before logout
    response = client.get("/counter/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/dang-nhap")


def test_the_session_row_keeps_only_the_hash_of_the_cookie_id(
    app, client, auth, make_user, session
):
    user, password = make_user("officer")
    response = auth.login(user.username, password, environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert "remember_token" not in response.headers.get("Set-Cookie", "")
    secret = session_id(app, client)
    assert str(secret) != str(user.id) and len(secret) >= 40
    (row,) = rows(session)
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in row.token_hash
    assert (row.user_id, row.address, row.created_at, row.last_seen_at) == (
        user.id,
        "203.0.113.7",
        NOW,
        NOW,
    )
    assert row.expires_at == NOW + timedelta(hours=2) and row.revoked_at is None
    assert session.get(User, user.id).last_login_at == NOW
    logout(auth)
    assert rows(session)[0].revoked_at == NOW


def test_a_cookie_with_a_user_id_instead_of_a_session_id_opens_nothing(app, client, make_user):
    user, _ = make_user("officer")
    with client.session_transaction() as s:  # what the cookie held before: the user's id
        s["_user_id"] = str(user.id)
        s["_fresh"] = True
    assert client.get("/counter/").status_code == 302


def test_a_staff_page_view_keeps_the_key_that_marks_it_no_store(app, client, auth, make_user):
    user, password = make_user("officer")
    assert "no-store" not in client.get("/thu-tuc").headers.get("Cache-Control", "")
    auth.login(user.username, password)
    assert client.get("/thu-tuc").headers["Cache-Control"] == "no-store"
    assert session_id(app, client)


def test_the_last_activity_is_written_every_few_minutes_not_on_every_page(
    app, client, auth, make_user, session
):
    user, password = make_user("officer")
    auth.login(user.username, password)
    at(app, minutes=4)
    assert visit(client) == 200
    assert rows(session)[0].last_seen_at == NOW  # within five minutes: not written
    at(app, minutes=6)
    assert visit(client) == 200
    (row,) = rows(session)
    assert row.last_seen_at == NOW + timedelta(minutes=6)
    assert row.expires_at == NOW + timedelta(minutes=6, hours=2)
    at(app, minutes=8)
    visit(client)
    assert rows(session)[0].last_seen_at == NOW + timedelta(minutes=6)


def test_an_idle_session_ends(app, client, auth, make_user):
    user, password = make_user("officer")
    auth.login(user.username, password)
    at(app, hours=1, minutes=59)
    assert visit(client) == 200
    at(app, hours=3, minutes=58)  # the page at 1:59 moved the end to 3:59
    assert visit(client) == 200
    at(app, hours=5, minutes=58)  # two hours after the last page
    assert visit(client) == 302


def test_a_busy_session_still_ends_twelve_hours_after_the_login(app, client, auth, make_user):
    user, password = make_user("officer")
    auth.login(user.username, password)
    for step in range(1, 7):
        at(app, hours=step * 1.9)
        assert visit(client) == 200, step
    at(app, hours=12, seconds=-1)
    assert visit(client) == 200
    at(app, hours=12)
    assert visit(client) == 302


def test_a_new_password_ends_the_users_sessions(client, auth, app, make_user):
    user, password = make_user("officer")
    auth.login(user.username, password)
    other = app.test_client()
    admin, admin_password = make_user("admin")
    from tests.conftest import Auth

    Auth(other).login(admin.username, admin_password)
    reset = other.post(
        f"/admin/nguoi-dung/{user.username}/mat-khau",
        data={"password": "mat-khau-moi-123", "csrf_token": Auth(other).csrf("/admin/nguoi-dung")},
    )
    assert reset.status_code == 200
    assert client.get("/counter/").status_code == 302
    assert auth.login(user.username, password).status_code == 401
    assert auth.login(user.username, "mat-khau-moi-123").status_code == 302


def test_disabling_ends_the_users_sessions_at_once(client, auth, make_user, session):
    from onestop.accounts.services import set_active

    user, password = make_user("officer")
    auth.login(user.username, password)
    set_active(session, user=session.get(User, user.id), active=False, actor=None, now=NOW)
    session.commit()
    assert client.get("/counter/").status_code == 302
    set_active(session, user=session.get(User, user.id), active=True, actor=None, now=NOW)
    session.commit()
    assert client.get("/counter/").status_code == 302  # ended sessions do not come back


def test_two_logins_are_two_sessions_and_logout_ends_one(app, client, auth, make_user):
    from tests.conftest import Auth

    user, password = make_user("officer")
    auth.login(user.username, password)
    other = app.test_client()
    Auth(other).login(user.username, password)
    logout(auth)
    assert client.get("/counter/").status_code == 302
    assert other.get("/counter/").status_code == 200
