"""The lookup by code and 4 digits cannot be guessed: a limit per dossier code, kept in the
database, whatever the number of addresses; every miss answers alike; typing mistakes are
not guesses; every try is recorded for the admins."""

from __future__ import annotations

import logging
import re
import threading
from datetime import timedelta

import pytest
from sqlmodel import col, select

from onestop import db, migrate
from onestop.app import create_app
from onestop.catalogue.loading import load_catalogue
from onestop.config import ROOT
from onestop.lookup import attempts
from onestop.lookup.models import LookupAttempt
from tests.conftest import NOW
from tests.factories import make_dossier

# Wrong digits that are no part of the dossiers' codes, phones or ID numbers, nor of a date.
WRONG = ("9371", "8462", "7553", "6944", "5735", "4386")
RIGHT = "5678"  # the end of the phone of tests/factories.py; "1234" ends the ID number
MISS = re.compile(r'<p class="error lookup-miss" id="lookup-miss" role="alert">([^<]+)</p>')


@pytest.fixture
def officer(make_user):
    return make_user("officer", agency_code="000.01.31.H21")[0]


@pytest.fixture
def dossiers(session, officer):
    """Two dossiers of the same applicant: the same last digits, two codes."""
    first, second = make_dossier(session, officer), make_dossier(session, officer)
    session.commit()
    return first, second


def lookup(client, code: str, digits: str, address: str = "198.51.100.1"):
    page = client.get("/tra-cuu").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post(
        "/tra-cuu",
        data={"code": code, "digits": digits, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def miss_of(response) -> tuple[int, str]:
    """The status and the message of a miss; fails if the page shows none."""
    found = MISS.search(response.get_data(as_text=True))
    assert found, response.get_data(as_text=True)
    return response.status_code, found.group(1)


def tries(session, code: str) -> list[LookupAttempt]:
    session.expire_all()
    return list(
        session.exec(
            select(LookupAttempt).where(LookupAttempt.code == code).order_by(col(LookupAttempt.id))
        ).all()
    )


def block(client, code: str) -> None:
    """Five wrong tries, from five addresses."""
    for i, digits in enumerate(WRONG[:5]):
        assert lookup(client, code, digits, address=f"203.0.113.{i + 1}").status_code == 404


def test_five_wrong_tries_block_the_code_even_with_the_right_digits(client, dossiers):
    code = dossiers[0].code
    unknown = miss_of(lookup(client, "000.01.31.H21-261125-9999", RIGHT))
    wrong = miss_of(lookup(client, code, WRONG[0]))
    assert unknown == wrong
    assert unknown[0] == 404 and "mã QR" in unknown[1]
    for digits in WRONG[1:5]:
        assert miss_of(lookup(client, code, digits)) == wrong
    # The right digits, from an address that never tried: the same answer as any miss.
    blocked = lookup(client, code, RIGHT, address="192.0.2.77")
    assert miss_of(blocked) == wrong
    assert "Location" not in blocked.headers
    assert dossiers[0].public_token not in blocked.get_data(as_text=True)
    # The ID number's digits do not open it either.
    assert miss_of(lookup(client, code, "1234", address="192.0.2.78")) == wrong


def test_another_code_still_answers(client, dossiers):
    blocked, other = dossiers
    block(client, blocked.code)
    # From one of the addresses that guessed, with the same digits.
    answer = lookup(client, other.code, RIGHT, address="203.0.113.1")
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/tra-cuu/{other.public_token}"


def test_the_qr_link_still_answers_while_the_code_is_blocked(client, dossiers):
    block(client, dossiers[0].code)
    assert client.get(f"/tra-cuu/{dossiers[0].public_token}").status_code == 200


def test_the_block_ends_an_hour_after_it_began(app, client, dossiers):
    code = dossiers[0].code
    block(client, code)
    app.config["NOW"] = NOW + timedelta(minutes=59)
    assert lookup(client, code, RIGHT).status_code == 404
    # Tries refused while blocked do not make the block last longer.
    app.config["NOW"] = NOW + timedelta(hours=1)
    answer = lookup(client, code, RIGHT)
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/tra-cuu/{dossiers[0].public_token}"


def test_wrong_tries_spread_over_more_than_an_hour_do_not_block(app, client, dossiers):
    code = dossiers[0].code
    for minutes, digits in zip((0, 20, 40, 60, 80), WRONG, strict=False):
        app.config["NOW"] = NOW + timedelta(minutes=minutes)
        assert lookup(client, code, digits).status_code == 404
    assert lookup(client, code, RIGHT).status_code == 302


def test_after_a_block_five_new_wrong_tries_are_needed(app, client, dossiers):
    code = dossiers[0].code
    block(client, code)
    app.config["NOW"] = NOW + timedelta(hours=1, minutes=1)
    assert lookup(client, code, WRONG[5]).status_code == 404
    assert lookup(client, code, RIGHT).status_code == 302


def test_every_try_is_recorded_without_the_digits(client, session, dossiers):
    code = dossiers[0].code
    block(client, code)
    lookup(client, code, RIGHT, address="192.0.2.77")
    lookup(client, dossiers[1].code, RIGHT, address="192.0.2.78")
    rows = tries(session, code)
    assert [(r.address, r.ok, r.blocked) for r in rows] == [
        *((f"203.0.113.{i}", False, False) for i in range(1, 6)),
        ("192.0.2.77", False, True),
    ]
    assert all(r.at == NOW for r in rows)
    assert [(r.ok, r.blocked) for r in tries(session, dossiers[1].code)] == [(True, False)]
    # The table has no column that could hold what was typed as digits.
    assert set(LookupAttempt.model_fields) == {"id", "code", "address", "at", "ok", "blocked"}


@pytest.mark.config(NOW=NOW + timedelta(days=40))
def test_old_tries_are_pruned(app, client, session, dossiers):
    attempts.record(session, code=dossiers[0].code, address="x", now=NOW, ok=False)
    attempts.record(
        session, code=dossiers[0].code, address="y", now=NOW + timedelta(days=39), ok=False
    )
    session.commit()
    lookup(client, dossiers[1].code, RIGHT)
    assert [r.address for r in tries(session, dossiers[0].code)] == ["y"]


def test_one_log_line_when_a_code_becomes_blocked(client, dossiers, caplog):
    code = dossiers[0].code
    with caplog.at_level(logging.INFO, logger="onestop"):
        block(client, code)
        lookup(client, code, RIGHT)
        lookup(client, code, WRONG[5])
    lines = [r.getMessage() for r in caplog.records if r.name == "onestop.lookup"]
    assert len(lines) == 1, lines
    assert code in lines[0] and "203.0.113.5" in lines[0]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (*WRONG, RIGHT, "1234", "0912345678", "052190001234"):
        assert secret not in logged


@pytest.mark.parametrize(
    ("code", "digits", "field", "message"),
    [
        ("", RIGHT, "code", "Nhập mã hồ sơ"),
        ("   ", RIGHT, "code", "Nhập mã hồ sơ"),
        ("không phải mã", RIGHT, "code", "Mã hồ sơ không đúng dạng"),
        ("000.01.31.H21-261125", RIGHT, "code", "Mã hồ sơ không đúng dạng"),
        (None, "", "digits", "Nhập 4 số cuối"),
        (None, "567", "digits", "Nhập đúng 4 chữ số"),
        (None, "56789", "digits", "Nhập đúng 4 chữ số"),
        (None, "56a8", "digits", "Nhập đúng 4 chữ số"),
        (None, "٥٦٧٨", "digits", "Nhập đúng 4 chữ số"),  # digits, but not 0-9
    ],
)
def test_typing_mistakes_are_shown_beside_the_field_and_not_counted(
    client, session, dossiers, code, digits, field, message
):
    typed = dossiers[0].code if code is None else code
    for _ in range(6):
        answer = lookup(client, typed, digits)
        assert answer.status_code == 422
        page = answer.get_data(as_text=True)
        shown = re.search(rf'<p class="error" id="{field}-error" role="alert">([^<]+)</p>', page)
        assert shown and shown.group(1).startswith(message), page
        assert 'id="lookup-miss"' not in page
    if code is None:
        assert f'value="{dossiers[0].code}"' in page  # what was typed stays
    session.expire_all()
    assert session.exec(select(LookupAttempt)).all() == []
    assert lookup(client, dossiers[0].code, RIGHT).status_code == 302


def test_a_code_typed_in_lower_case_with_spaces_is_the_same_code(client, session, dossiers):
    code = dossiers[0].code
    block(client, code.lower())
    assert lookup(client, f" {code[:6]} {code[6:]} ", RIGHT).status_code == 404
    assert {r.code for r in tries(session, code)} == {code}


def test_the_admins_list_of_blocked_codes(client, session, dossiers):
    blocked, other = dossiers
    block(client, blocked.code)
    lookup(client, blocked.code, RIGHT, address="192.0.2.77")
    for digits in WRONG[:4]:  # one short of a block
        lookup(client, other.code, digits)
    lookup(client, other.code, RIGHT)
    for digits in WRONG[:5]:  # a code that names no dossier is blocked alike
        lookup(client, "000.01.31.H21-261125-9999", digits)
    session.expire_all()
    found = attempts.recent_blocks(session, now=NOW + timedelta(minutes=5))
    assert {b.code for b in found} == {blocked.code, "000.01.31.H21-261125-9999"}
    mine = next(b for b in found if b.code == blocked.code)
    assert (mine.wrong, mine.refused, mine.found, mine.addresses) == (5, 1, 0, 6)
    assert mine.blocked_until == NOW + timedelta(hours=1) and mine.blocked_now
    later = attempts.recent_blocks(session, now=NOW + timedelta(hours=2))
    assert {b.code for b in later} == {blocked.code, "000.01.31.H21-261125-9999"}
    assert not any(b.blocked_now for b in later)
    assert attempts.recent_blocks(session, now=NOW + timedelta(days=2)) == []
    counts = attempts.attempt_counts(session, now=NOW + timedelta(minutes=5))
    assert counts == attempts.AttemptCounts(
        total=16, found=1, wrong=14, refused=1, codes=3, addresses=7
    )


def test_the_service_refuses_malformed_input_without_counting(session, dossiers):
    from onestop.errors import Invalid, NotFound
    from onestop.lookup.services import by_code_and_digits

    for code, digits, field in (("", RIGHT, "code"), (dossiers[0].code, "12", "digits")):
        with pytest.raises(Invalid) as refused:
            by_code_and_digits(session, code=code, last_digits=digits, address="a", now=NOW)
        assert refused.value.field == field
    assert session.exec(select(LookupAttempt)).all() == []
    with pytest.raises(NotFound) as missed:
        by_code_and_digits(session, code=dossiers[0].code, last_digits="0000", address="a", now=NOW)
    assert missed.value.code == "dossier_not_found"
    token = by_code_and_digits(
        session, code=dossiers[0].code, last_digits=RIGHT, address="a", now=NOW
    )
    assert token == dossiers[0].public_token


def test_block_end_counts_wrong_tries_within_the_window():
    limit = attempts.Limit(max_failures=3, window=timedelta(hours=1))
    at = [NOW + timedelta(minutes=m) for m in (0, 30, 61, 62)]
    assert attempts.block_end(at[:2], limit=limit) is None
    assert attempts.block_end(at[:3], limit=limit) is None  # 61 minutes from first to last
    assert attempts.block_end(at, limit=limit) == at[3] + timedelta(hours=1)


def test_parallel_guesses_from_many_addresses_stop_at_the_limit(empty_database_url, tmp_path):
    """Guesses sent at once, each from its own address, on a real database (no test
    transaction): the tries of one code are serialised, so only five are ever compared."""
    migrate.upgrade(empty_database_url)
    database = db.Database(empty_database_url)
    with database.session_scope() as s:
        load_catalogue(s, directory=ROOT / "procedures", now=NOW)
        from onestop.accounts.services import create_user

        user, _ = create_user(
            s,
            username="officer1",
            role="officer",
            agency_code="000.01.31.H21",
            password="mat-khau-dung-1",
            now=NOW,
        )
        code = make_dossier(s, user).code
    database.engine.dispose()
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": empty_database_url,
            "SECRET_KEY": "t",
            "PUBLIC_RATE_LIMIT": "0",
            "NOW": NOW,
            "WTF_CSRF_ENABLED": False,
            "INSTANCE_PATH": str(tmp_path / "instance"),
        }
    )
    guesses = [f"{n:04d}" for n in range(1000, 1040)]
    statuses: list[int] = []
    start = threading.Barrier(len(guesses))

    def guess(digits: str, n: int) -> None:
        client = app.test_client()
        start.wait()
        answer = client.post(
            "/tra-cuu",
            data={"code": code, "digits": digits},
            environ_base={"REMOTE_ADDR": f"10.0.{n}.1"},
        )
        statuses.append(answer.status_code)

    threads = [threading.Thread(target=guess, args=(d, n)) for n, d in enumerate(guesses)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert statuses == [404] * len(guesses)
    with db.database(app).session_scope(write=False) as s:
        rows = s.exec(select(LookupAttempt)).all()
        assert len(rows) == len(guesses)
        assert sum(1 for r in rows if not r.blocked) == 5
    db.database(app).engine.dispose()


def test_the_admins_see_the_blocked_codes(client, auth, make_user, dossiers):
    code = dossiers[0].code
    for digits in WRONG[:5]:
        lookup(client, code, digits)
    lookup(client, code, RIGHT, address="192.0.2.77")
    admin, password = make_user("admin", agency_code=None)
    auth.login(admin.username, password)
    page = client.get("/admin/tra-cuu")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    row = text[text.index('id="blocked"') :]
    assert code in row and "đang khóa" in row
    assert RIGHT not in row and dossiers[0].public_token not in text
    assert "/admin/tra-cuu" in client.get("/admin/").get_data(as_text=True)
