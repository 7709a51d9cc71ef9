"""Failed logins slow down the next attempts of that name and address, or that address, with
growing delays; the right password from another address still works at once. And the
client's address comes from X-Forwarded-For only behind ONESTOP_TRUSTED_PROXIES proxies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from onestop import config
from onestop.accounts.models import LoginThrottle
from onestop.accounts.services import authenticate
from tests.conftest import NOW

WRONG = "sai-mat-khau-roi"
A, B = "203.0.113.10", "198.51.100.20"


def login(auth, username, password, address=A, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else None
    return auth.login(username, password, environ_base={"REMOTE_ADDR": address}, headers=headers)


def at(app, **delta):
    """Move the views' clock to NOW + delta."""
    app.config["NOW"] = NOW + timedelta(**delta)


def test_five_failures_from_one_address_do_not_lock_the_user_out_elsewhere(auth, make_user):
    user, password = make_user("officer")
    for _ in range(5):
        assert login(auth, user.username, WRONG, A).status_code in (401, 429)
    assert login(auth, user.username, password, A).status_code == 429
    # The user, at another address, logs in at once (before: 15 minutes refused everywhere).
    response = login(auth, user.username, password, B)
    assert response.status_code == 302
    assert response.headers["Location"] == "/counter/"


def test_the_attempt_inside_the_delay_is_refused_without_looking_at_the_password(
    app, auth, make_user, session
):
    user, password = make_user("officer")
    for _ in range(3):
        assert login(auth, user.username, WRONG).status_code == 401
    before = [(r.scope, r.failures, r.not_before) for r in session.exec(select(LoginThrottle))]
    refused = login(auth, user.username, password)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert "Vui lòng chờ 1 giây rồi thử lại." in refused.get_data(as_text=True)
    session.expire_all()
    after = [(r.scope, r.failures, r.not_before) for r in session.exec(select(LoginThrottle))]
    assert after == before  # a refused attempt changes nothing
    at(app, seconds=1)
    assert login(auth, user.username, password).status_code == 302


def test_each_failure_doubles_the_wait_up_to_fifteen_minutes(app, auth, make_user):
    user, _ = make_user("officer")
    for _ in range(2):
        assert login(auth, user.username, WRONG).status_code == 401
    waits, elapsed = [], 0
    for _ in range(13):
        at(app, seconds=elapsed)
        assert login(auth, user.username, WRONG).status_code == 401
        refused = login(auth, user.username, WRONG)
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        elapsed += waits[-1]
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]
    assert "Vui lòng chờ 15 phút rồi thử lại." in refused.get_data(as_text=True)


def test_an_unknown_name_is_counted_and_answered_like_a_wrong_password(auth, make_user):
    user, _ = make_user("officer")
    for name in (user.username, "khong.co.ai"):
        answers = [login(auth, name, WRONG) for _ in range(4)]
        assert [r.status_code for r in answers] == [401, 401, 401, 429]
        assert answers[3].headers["Retry-After"] == "1"
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in answers[0].get_data(as_text=True)


def test_many_names_from_one_address_slow_that_address_only(auth, make_user):
    user, password = make_user("officer")
    for n in range(20):
        assert login(auth, f"doan.ten{n}", WRONG).status_code == 401
    refused = login(auth, user.username, password)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert login(auth, user.username, password, B).status_code == 302


def test_a_distributed_guess_is_slowed_seconds_never_minutes(app, auth, make_user):
    user, password = make_user("officer")
    at(app, minutes=-30)
    assert login(auth, user.username, password, A).status_code == 302  # A is known now
    auth.client.post("/dang-xuat", data={"csrf_token": auth.csrf("/")})
    at(app)
    for n in range(60):
        at(app, seconds=n * 31)  # each after the previous one's delay
        assert login(auth, user.username, WRONG, f"10.1.{n}.1").status_code == 401
    refused = login(auth, user.username, password, "10.9.9.9")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 30
    # From an address the user logged in from before, the name's ceiling does not apply.
    assert login(auth, user.username, password, A).status_code == 302


def test_a_success_clears_the_name_and_address(app, auth, make_user):
    user, password = make_user("officer")
    for _ in range(2):
        login(auth, user.username, WRONG)
    assert login(auth, user.username, password).status_code == 302
    auth.client.post("/dang-xuat", data={"csrf_token": auth.csrf("/")})
    assert [login(auth, user.username, WRONG).status_code for _ in range(3)] == [401] * 3


def test_the_counts_start_again_and_old_rows_are_pruned(session, make_user):
    user, password = make_user("officer")
    for i in range(6):
        authenticate(
            session,
            username=user.username,
            password=WRONG,
            address=A,
            now=NOW + timedelta(seconds=i * 40),
        )
    assert {r.scope for r in session.exec(select(LoginThrottle))} == {"pair", "address", "name"}
    later = NOW + timedelta(hours=25)
    assert authenticate(session, username="x", password="y", address=B, now=later) is None
    rows = session.exec(select(LoginThrottle)).all()
    assert {(r.scope, r.username, r.address) for r in rows} == {
        ("pair", "x", B),
        ("address", "", B),
        ("name", "x", ""),
    }
    assert authenticate(session, username=user.username, password=password, address=A, now=later)


def test_a_disabled_user_with_the_right_password_is_refused_as_a_wrong_one(
    auth, make_user, session
):
    user, password = make_user("officer")
    user.active = False
    session.add(user)
    session.commit()
    response = login(auth, user.username, password)
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)


# --- the client's address behind proxies -----------------------------------------------------


def fail_three_times(auth, username, proxy, client_address):
    for _ in range(3):
        login(auth, username, WRONG, proxy, forwarded=client_address)


def test_a_spoofed_forwarded_for_is_ignored_without_trusted_proxies(auth, make_user):
    user, password = make_user("officer")
    fail_three_times(auth, user.username, A, "192.0.2.1")
    # Another X-Forwarded-For from the same address does not escape the delay...
    response = login(auth, user.username, password, A, forwarded="192.0.2.99")
    assert response.status_code == 429
    # ...and the address recorded is the connection's, not the header's.
    assert login(auth, user.username, password, B).status_code == 302


@pytest.mark.config(TRUSTED_PROXIES=1)
def test_behind_a_trusted_proxy_the_client_address_is_the_forwarded_one(app, auth, make_user):
    user, password = make_user("officer")
    fail_three_times(auth, user.username, A, "192.0.2.1")
    assert login(auth, user.username, password, A, forwarded="192.0.2.1").status_code == 429
    # Another client behind the same proxy is not slowed by the first one's failures.
    ok = login(auth, user.username, password, A, forwarded="192.0.2.99")
    assert ok.status_code == 302


@pytest.mark.config(PUBLIC_RATE_LIMIT="2/minute")
def test_the_rate_limit_counts_the_connection_without_trusted_proxies(client):
    statuses = [
        client.get(
            "/thu-tuc", environ_base={"REMOTE_ADDR": A}, headers={"X-Forwarded-For": f"192.0.2.{n}"}
        ).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


@pytest.mark.config(PUBLIC_RATE_LIMIT="2/minute", TRUSTED_PROXIES=1)
def test_the_rate_limit_counts_the_forwarded_client_behind_a_trusted_proxy(client):
    def get(forwarded):
        return client.get(
            "/thu-tuc", environ_base={"REMOTE_ADDR": A}, headers={"X-Forwarded-For": forwarded}
        ).status_code

    assert [get("192.0.2.1") for _ in range(3)] == [200, 200, 429]
    assert get("192.0.2.2") == 200  # another client behind the same proxy
    # With one trusted proxy, only its own entry counts: a client cannot prepend another.
    assert get("10.0.0.1, 192.0.2.1") == 429


def test_trusted_proxies_is_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ONESTOP_TRUSTED_PROXIES", "2")
    settings = config.load({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    assert settings["TRUSTED_PROXIES"] == 2
    monkeypatch.setenv("ONESTOP_TRUSTED_PROXIES", "yes")
    with pytest.raises(ValueError, match="ONESTOP_TRUSTED_PROXIES"):
        config.load({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    monkeypatch.delenv("ONESTOP_TRUSTED_PROXIES")
    assert config.load({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})["TRUSTED_PROXIES"] == 0
