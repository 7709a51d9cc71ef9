"""API tokens: named, expiring, revocable one by one and all at once, stopped with their
user; a refused token answers 401 with WWW-Authenticate. And the `onestop token` and
`onestop user disable|enable` commands."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from onestop import db
from onestop.accounts.models import ApiToken, User
from onestop.accounts.services import (
    create_token,
    revoke_token,
    revoke_tokens,
    set_active,
    user_for_token,
)
from onestop.cli import main
from tests.conftest import NOW

INVALID = 'Bearer realm="onestop", error="invalid_token"'


def call(client, secret=None):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    response = client.get("/api/v1/agencies", headers=headers)
    response.close()  # as a server does: the deferred bookkeeping runs now
    return response


def refused_as_invalid(response):
    return (
        response.status_code == 401
        and response.headers["WWW-Authenticate"] == INVALID
        and response.json["error"]["code"] == "unauthorized"
    )


def test_no_token_is_401_with_the_bearer_challenge(client):
    response = call(client)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="onestop"'
    assert "Bearer" in response.json["error"]["message"]


def test_an_unknown_token_is_401_invalid_token(client):
    assert refused_as_invalid(call(client, "os_khong-co-ma-nay"))


def test_a_revoked_token_is_401(client, session, make_user):
    user, _ = make_user("officer")
    kept, revoked = (create_token(session, user=user, now=NOW) for _ in range(2))
    session.commit()
    assert call(client, revoked).status_code == 200
    row = session.exec(select(ApiToken).where(ApiToken.prefix == revoked[:10])).one()
    revoke_token(session, user=user, token_id=row.id, now=NOW)
    session.commit()
    assert refused_as_invalid(call(client, revoked))
    assert call(client, kept).status_code == 200  # one by one


def test_revoking_all_stops_every_token_of_the_user(client, session, make_user):
    user, _ = make_user("officer")
    other, _ = make_user("officer")
    secrets_ = [create_token(session, user=user, now=NOW) for _ in range(2)]
    theirs = create_token(session, user=other, now=NOW)
    session.commit()
    assert revoke_tokens(session, user=user, now=NOW) == 2
    session.commit()
    assert all(refused_as_invalid(call(client, s)) for s in secrets_)
    assert call(client, theirs).status_code == 200


def test_an_expired_token_is_401(app, client, session, make_user):
    user, _ = make_user("officer")
    secret = create_token(session, user=user, now=NOW, days=1)
    session.commit()
    app.config["NOW"] = NOW + timedelta(days=1, seconds=-1)
    assert call(client, secret).status_code == 200
    app.config["NOW"] = NOW + timedelta(days=1)
    assert refused_as_invalid(call(client, secret))


def test_a_token_lives_one_year_by_default(app, client, session, make_user):
    user, _ = make_user("officer")
    secret = create_token(session, user=user, now=NOW, name="cổng dịch vụ công")
    session.commit()
    row = session.exec(select(ApiToken)).one()
    assert (row.name, row.expires_at) == ("cổng dịch vụ công", NOW + timedelta(days=365))
    app.config["NOW"] = NOW + timedelta(days=365)
    assert refused_as_invalid(call(client, secret))


def test_a_disabled_users_token_is_401_until_enabled(client, session, make_user):
    user, _ = make_user("officer")
    secret = create_token(session, user=user, now=NOW)
    session.commit()
    set_active(session, user=user, active=False, actor=None, now=NOW)
    session.commit()
    assert refused_as_invalid(call(client, secret))
    set_active(session, user=user, active=True, actor=None, now=NOW)
    session.commit()
    assert call(client, secret).status_code == 200


def test_the_last_use_is_written_once_a_day(app, client, session, make_user):
    user, _ = make_user("officer")
    secret = create_token(session, user=user, now=NOW)
    session.commit()

    def last_use():
        session.expire_all()
        return session.exec(select(ApiToken)).one().last_used_at

    assert call(client, secret).status_code == 200
    assert last_use() == NOW
    app.config["NOW"] = NOW + timedelta(hours=14)  # 23:00 the same day in Vietnam
    call(client, secret)
    assert last_use() == NOW
    app.config["NOW"] = NOW + timedelta(hours=15)  # 00:00 the next day in Vietnam
    call(client, secret)
    assert last_use() == NOW + timedelta(hours=15)


# --- the command line --------------------------------------------------------------------


@pytest.fixture
def run(empty_database_url, tmp_path, monkeypatch):
    from onestop import migrate

    migrate.upgrade(empty_database_url)
    monkeypatch.setenv("ONESTOP_DATABASE_URL", empty_database_url)
    monkeypatch.setenv("ONESTOP_SECRET_KEY", "test")
    monkeypatch.setenv("ONESTOP_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    invoke.url = empty_database_url  # type: ignore[attr-defined]
    return invoke


def token_user(url, secret):
    engine = db.make_engine(url)
    try:
        with Session(engine) as s:
            use = user_for_token(s, secret, now=db.utcnow())
            return use.user.username if use else None
    finally:
        engine.dispose()


def rows(url, model):
    engine = db.make_engine(url)
    try:
        with Session(engine) as s:
            return s.exec(select(model)).all()
    finally:
        engine.dispose()


def test_token_command_prints_the_token_and_nothing_else(run):
    assert run("user", "add", "quantri", "--role", "admin", "--password", "x" * 12).exit_code == 0
    out = run("token", "quantri", "--name", "cổng DVC", "--days", "30")
    assert out.exit_code == 0
    secret = out.output.strip()
    assert out.output == secret + "\n" and secret.startswith("os_")
    assert token_user(run.url, secret) == "quantri"
    (row,) = rows(run.url, ApiToken)
    assert row.name == "cổng DVC"
    assert row.expires_at - row.created_at == timedelta(days=30)
    plain = run("token", "quantri").output.strip()
    assert token_user(run.url, plain) == "quantri"


def test_token_revoke_all(run):
    run("user", "add", "quantri", "--role", "admin", "--password", "x" * 12)
    secrets_ = [run("token", "quantri").output.strip() for _ in range(2)]
    out = run("token", "quantri", "--revoke-all")
    assert out.exit_code == 0 and "2" in out.output
    assert [token_user(run.url, s) for s in secrets_] == [None, None]


def test_token_command_errors_exit_1(run):
    missing = run("token", "khong.co.ai")
    assert missing.exit_code == 1 and "khong.co.ai" in missing.output
    run("user", "add", "quantri", "--role", "admin", "--password", "x" * 12)
    too_short = run("token", "quantri", "--days", "0")
    assert too_short.exit_code == 1 and "Lỗi:" in too_short.output
    assert rows(run.url, ApiToken) == []


def test_user_disable_and_enable(run):
    run("user", "add", "quantri", "--role", "admin", "--password", "x" * 12)
    run("user", "add", "quantri2", "--role", "admin", "--password", "x" * 12)
    secret = run("token", "quantri").output.strip()
    out = run("user", "disable", "quantri")
    assert out.exit_code == 0, out.output
    assert token_user(run.url, secret) is None
    assert [u.active for u in rows(run.url, User) if u.username == "quantri"] == [False]
    assert run("user", "enable", "quantri").exit_code == 0
    assert token_user(run.url, secret) == "quantri"


def test_user_disable_refuses_the_last_admin_and_unknown_users(run):
    run("user", "add", "quantri", "--role", "admin", "--password", "x" * 12)
    last = run("user", "disable", "quantri")
    assert last.exit_code == 1 and "quản trị cuối cùng" in last.output
    assert [u.active for u in rows(run.url, User)] == [True]
    assert run("user", "enable", "khong.co.ai").exit_code == 1
