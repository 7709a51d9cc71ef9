"""What the citizen sees: the QR page and the lookup form; what it must never show."""

from __future__ import annotations

import re
import unicodedata

import pytest
from sqlalchemy import update

from onestop import db
from onestop.dossiers.models import Dossier
from onestop.dossiers.states import Action
from onestop.lookup.services import by_token, mask_name
from tests.factories import CALENDAR, make_dossier


@pytest.fixture
def officer(make_user):
    return make_user("officer", agency_code="000.01.31.H21")[0]


@pytest.fixture
def dossier(session, officer):
    d = make_dossier(session, officer)
    session.commit()
    return d


def test_mask_name():
    assert mask_name("Nguyễn Văn An") == "Nguyễn V** A**"
    assert mask_name("Đặng Thị Hường") == "Đặng T** H**"
    assert mask_name("An") == "A**"
    assert mask_name("  Lê   Thị\u00a0 Bích  ") == "Lê T** B**"
    assert mask_name("nguyễn văn an") == "nguyễn V** A**"
    assert mask_name("Trần\u200bVăn\x00Minh") == "Trần V** M**"
    assert mask_name("(Hoàng) Khuê.") == "Hoàng K**"
    assert mask_name(unicodedata.normalize("NFD", "Ánh")) == "Á**"
    assert mask_name("- . ") == mask_name("") == ""


# Stored names as they may come (typed with extra spaces, pasted with invisible or control
# characters, imported from elsewhere), and what the public page shows of them.
ODD_NAMES = [
    ("Khuê", "K**"),
    ("  Lương   Thị\u00a0 Bích  ", "Lương T** B**"),
    ("Trần\u200bVăn Minh", "Trần V** M**"),
    ("Phạm\x1bThu Trang", "Phạm T** T**"),
    ("Ngô\tGia\nKhánh", "Ngô G** K**"),
    ("(Hoàng) Yến.", "Hoàng Y**"),
    (unicodedata.normalize("NFD", "Đỗ Ánh Dương"), "Đỗ Á** D**"),
    ("Quách", "Q**"),
]
OWNER = re.compile(r'<dd id="owner">([^<]*)</dd>')


@pytest.mark.parametrize(("stored", "shown"), ODD_NAMES)
def test_the_public_page_masks_every_name(client, session, dossier, stored, shown):
    session.execute(update(Dossier).where(Dossier.id == dossier.id).values(owner_name=stored))
    session.commit()
    page = client.get(f"/tra-cuu/{dossier.public_token}").get_data(as_text=True)
    assert OWNER.findall(page) == [shown]
    words = re.findall(r"\w+", unicodedata.normalize("NFC", stored))
    # Only the family name of a name of several words appears whole, anywhere on the page.
    hidden = words[1:] if len(words) > 1 else words
    for word in hidden:
        assert word not in page, word
    for word in {unicodedata.normalize("NFD", w) for w in hidden} - set(hidden):
        assert word not in page, word


def test_a_stored_nul_in_a_name_is_masked_too(client, session, dossier):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL cannot store a NUL in a text column")
    session.execute(
        update(Dossier).where(Dossier.id == dossier.id).values(owner_name="Phạm\x00Thu Trang")
    )
    session.commit()
    page = client.get(f"/tra-cuu/{dossier.public_token}").get_data(as_text=True)
    assert OWNER.findall(page) == ["Phạm T** T**"]
    assert "Thu" not in page and "\x00" not in page


def test_qr_page_shows_what_the_citizen_needs(client, dossier):
    page = client.get(f"/tra-cuu/{dossier.public_token}").get_data(as_text=True)
    for text in (
        dossier.code,
        "Đăng ký thường trú",
        "Được tiếp nhận",
        "Đặng T** H**",
        "09:00 04/12/2026",
        "Tiếp nhận hồ sơ",
    ):
        assert text in page


def test_qr_page_never_shows_personal_data(client, session, officer, dossier):
    from onestop.dossiers import actions

    actions.record(
        session,
        dossier=dossier,
        action=Action.TRANSFER,
        actor=officer,
        now=dossier.received_at,
        calendar=CALENDAR,
        asked=actions.Asked(
            note="Ghi chú nội bộ: gọi lại cho chị Hường", to_agency="000.00.31.H21"
        ),
    )
    session.commit()
    response = client.get(f"/tra-cuu/{dossier.public_token}")
    page = response.get_data(as_text=True)
    for secret in (
        "052190001234",
        "0912345678",
        "huong@example.vn",
        "Trần Hưng Đạo",
        "Đặng Thị Hường",
        "Ghi chú nội bộ",
    ):
        assert secret not in page
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_token_is_404(client):
    assert client.get("/tra-cuu/khong-co-ma-nay").status_code == 404


def test_supplement_shows_what_is_asked(client, session, officer):
    d = make_dossier(session, officer, outcome=Action.REQUEST_SUPPLEMENT)
    session.commit()
    page = client.get(f"/tra-cuu/{d.public_token}").get_data(as_text=True)
    assert "Bạn cần bổ sung" in page
    assert "Giấy tờ chứng minh chỗ ở hợp pháp" in page


def lookup(client, auth, code: str, digits: str):
    token = auth.csrf("/tra-cuu")
    return client.post("/tra-cuu", data={"code": code, "digits": digits, "csrf_token": token})


def test_lookup_by_code_and_last_digits(client, auth, dossier):
    by_phone = lookup(client, auth, dossier.code, "5678")
    assert by_phone.headers["Location"] == f"/tra-cuu/{dossier.public_token}"
    by_id = lookup(client, auth, dossier.code.lower(), "1234")
    assert by_id.status_code == 302


def test_lookup_with_wrong_digits_says_the_same_as_an_unknown_code(client, auth, dossier):
    wrong = lookup(client, auth, dossier.code, "0000")
    unknown = lookup(client, auth, "000.01.31.H21-261125-9999", "5678")
    assert wrong.status_code == unknown.status_code == 404
    message = "Không tìm thấy hồ sơ với mã và 4 số cuối đã nhập."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)


@pytest.mark.config(PUBLIC_RATE_LIMIT="3/minute")
def test_public_pages_are_rate_limited(client, dossier):
    statuses = [client.get(f"/tra-cuu/{dossier.public_token}").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_the_driver_query_reads_what_the_orm_reads(app, session, officer):
    """The QR page reads on the driver's cursor; its values must be the ORM's, on each
    database: aware UTC instants, the JSON list of missing papers, the public events."""
    from datetime import timedelta

    from onestop.dossiers import actions
    from onestop.dossiers.queries import events

    asked = make_dossier(session, officer, outcome=Action.REQUEST_SUPPLEMENT)
    received = make_dossier(session, officer)
    later = received.received_at + timedelta(days=1)
    for action, body in (
        (Action.APOLOGIZE, {"note": "Chậm", "new_due_at": later + timedelta(days=20)}),
        (Action.COMPLETE, {}),
    ):
        asked_for = actions.Asked(**body)
        actions.record(
            session,
            dossier=received,
            action=action,
            actor=officer,
            now=later,
            calendar=CALENDAR,
            asked=asked_for,
        )
    session.commit()
    with db.database(app).reader() as conn:
        for row in (asked, received):
            view = by_token(conn, row.public_token, now=later)
            session.refresh(row)
            for name in ("submitted_at", "received_at", "due_at", "extended_due_at", "ended_at"):
                value = getattr(view, name)
                assert value == getattr(row, name), name
                assert value is None or value.utcoffset() == timedelta(0), name
            names = tuple(m["name"] for m in row.missing_documents or [])
            assert view.asked_documents == (names if row.status == 5 else ())
            assert [e.at for e in view.history] == [e.at for e in events(session, row)]
