"""The dossier core: intake outcomes, the state machine, audit events, codes and tokens."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import func, select

from onestop import db, migrate
from onestop.calendar import VN_TZ
from onestop.catalogue.loading import load_catalogue
from onestop.config import ROOT
from onestop.dossiers import actions, services
from onestop.dossiers.actions import InvalidTransition
from onestop.dossiers.models import Dossier, DossierCounter, DossierEvent
from onestop.dossiers.states import TRANSITIONS, Action, Status, allowed_actions
from onestop.dossiers.validation import ValidationFailed
from tests.conftest import NOW
from tests.factories import CALENDAR, OFFICE, intake_data, make_dossier


@pytest.fixture
def officer(make_user):
    return make_user("officer", agency_code=OFFICE)[0]


def act(session, dossier, action, actor, *, now=NOW, **asked):
    """One action through the action service, on a dossier already in hand."""
    return actions.record(
        session,
        dossier=dossier,
        action=action,
        actor=actor,
        now=now,
        calendar=CALENDAR,
        asked=actions.Asked(**asked),
    )


def test_receive_records_code_token_due_and_event(session, officer):
    dossier = make_dossier(session, officer)
    assert dossier.status == Status.RECEIVED
    assert dossier.code == f"{OFFICE}-261125-0001"
    assert len(dossier.public_token) >= 22 and dossier.code not in dossier.public_token
    # 1.004222: 7 working days from Wednesday 25/11/2026 09:00 -> Friday 04/12/2026 09:00.
    assert dossier.due_at.astimezone(VN_TZ) == datetime(2026, 12, 4, 9, 0, tzinfo=VN_TZ)
    assert dossier.time_text == "07 ngày làm việc"
    (event,) = session.exec(select(DossierEvent)).all()
    assert (event.action, event.from_status, event.to_status) == ("receive", None, 2)
    assert event.actor_name == officer.full_name


def test_codes_count_per_agency_and_day(session, officer):
    first = make_dossier(session, officer)
    second = make_dossier(session, officer)
    tomorrow = make_dossier(session, officer, now=NOW + timedelta(days=1))
    assert (first.code[-4:], second.code[-4:]) == ("0001", "0002")
    assert tomorrow.code == f"{OFFICE}-261126-0001"


def test_code_day_is_vietnam_day(session, officer):
    # 18:00 UTC on the 25th is 01:00 on the 26th in Vietnam.
    late = make_dossier(session, officer, now=datetime(2026, 11, 25, 18, 0, tzinfo=UTC))
    assert "-261126-" in late.code


def test_supplement_at_the_counter_does_not_start_the_clock(session, officer):
    dossier = make_dossier(session, officer, outcome=Action.REQUEST_SUPPLEMENT)
    assert dossier.status == Status.SUPPLEMENT
    assert dossier.received_at is None and dossier.due_at is None
    assert dossier.missing_documents == [
        {"name": "Giấy tờ chứng minh chỗ ở hợp pháp", "note": None}
    ]
    act(session, dossier, Action.SUPPLEMENT_RECEIVED, officer, now=NOW + timedelta(days=2))
    assert dossier.status == Status.RECEIVED


def test_refusal_ends_the_dossier_with_its_reason(session, officer):
    dossier = make_dossier(session, officer, outcome=Action.REFUSE)
    assert dossier.status == Status.REFUSED
    assert dossier.ended_at == NOW and dossier.request_reason == "Thiếu giấy tờ"


@pytest.mark.parametrize(
    ("outcome", "reason", "missing", "field"),
    [
        (Action.REFUSE, "", [], "reason"),
        (Action.REQUEST_SUPPLEMENT, "Thiếu", [], "missing"),
        (Action.REQUEST_SUPPLEMENT, "", [{"name": "x"}], "reason"),
    ],
)
def test_outcomes_need_their_reasons(session, officer, outcome, reason, missing, field):
    checked = services.check_intake(session, intake_data(), actor=officer)
    with pytest.raises(ValidationFailed) as caught:
        services.intake(
            session,
            request=checked,
            outcome=outcome,
            actor=officer,
            calendar=CALENDAR,
            now=NOW,
            reason=reason,
            missing=missing,
        )
    assert field in caught.value.errors
    assert session.exec(select(func.count()).select_from(Dossier)).one() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"full_name": "  "}, "applicant.full_name", "Nhập họ và tên."),
        ({"id_number": "12345"}, "applicant.id_number", "Số định danh cá nhân gồm đúng 12 chữ số."),
        (
            {"id_number": "999190001234"},
            "applicant.id_number",
            "Số định danh cá nhân gồm đúng 12 chữ số.",
        ),
        ({"phone": "12345"}, "applicant.phone", "Số điện thoại không đúng (ví dụ 0912345678)."),
        ({"email": "not-an-email"}, "applicant.email", "Địa chỉ email không đúng."),
        ({"procedure_code": "9.999999"}, "procedure_code", "Không có thủ tục mã 9.999999."),
        ({"channel": "fax"}, "channel", "Hình thức nộp không hợp lệ."),
        ({"sets": 0}, "sets", "Từ 1 đến 99."),
    ],
)
def test_bad_input_names_the_field_and_uses_no_code(session, officer, changes, field, message):
    with pytest.raises(ValidationFailed) as caught:
        services.check_intake(session, intake_data(**changes), actor=officer)
    assert caught.value.errors[field] == message
    assert session.exec(select(DossierCounter)).all() == []


def test_phone_numbers_are_normalised(session, officer):
    checked = services.check_intake(session, intake_data(phone="+84 912.345.678"), actor=officer)
    assert checked.owner_phone == "0912345678"


def test_idempotency_key_returns_the_same_dossier(session, officer):
    checked = services.check_intake(session, intake_data(), actor=officer)
    args = {
        "request": checked,
        "outcome": Action.RECEIVE,
        "actor": officer,
        "calendar": CALENDAR,
        "now": NOW,
        "idempotency_key": "form-1",
    }
    first = services.intake(session, **args)
    again = services.intake(session, **args)
    assert again.id == first.id
    assert session.exec(select(DossierCounter)).one().last == 1


def test_every_transition_outside_the_table_is_refused(session, officer):
    for status in Status:
        for action, rule in TRANSITIONS.items():
            dossier = Dossier(code="x", public_token="t", status=status.value)
            allowed = status in rule.sources
            assert (action in allowed_actions(status)) == allowed
            if allowed:
                continue
            with pytest.raises(InvalidTransition) as caught:
                act(session, dossier, action, officer)
            assert caught.value.code == "invalid_transition"


def test_pause_and_resume_keep_the_status_before(session, officer):
    dossier = make_dossier(session, officer)
    act(session, dossier, Action.TRANSFER, officer, to_agency="000.00.31.H21")
    act(session, dossier, Action.REQUEST_PAYMENT, officer, note="Lệ phí")
    assert (dossier.status, dossier.resume_status) == (Status.PAYMENT, Status.PROCESSING)
    new_date = NOW + timedelta(days=30)
    act(session, dossier, Action.APOLOGIZE, officer, note="Chậm", new_due_at=new_date)
    assert dossier.status == Status.PAYMENT  # apologising does not end the pause
    act(session, dossier, Action.PAYMENT_RECEIVED, officer)
    assert dossier.status == Status.PROCESSING and dossier.paused_at is None


def test_audit_events_are_append_only(session, officer):
    make_dossier(session, officer)
    session.commit()
    event = session.exec(select(DossierEvent)).one()
    event.note = "rewritten"
    with pytest.raises(RuntimeError, match="append-only"):
        session.flush()
    session.rollback()
    # The database itself refuses too, whatever code runs against it.
    with pytest.raises(Exception, match="append-only"):
        session.execute(text("UPDATE dossier_event SET note = 'x'"))
    session.rollback()
    with pytest.raises(Exception, match="append-only"):
        session.execute(text("DELETE FROM dossier_event"))
    session.rollback()


def test_sixteen_parallel_receptions_get_sixteen_codes(empty_database_url):
    migrate.upgrade(empty_database_url)
    database = db.Database(empty_database_url)
    with database.session_scope() as s:
        load_catalogue(s, directory=ROOT / "procedures", now=NOW)
        from onestop.accounts.services import create_user

        officer, _ = create_user(
            s,
            username="lan",
            role="officer",
            agency_code=OFFICE,
            password="mat-khau-dai-du",
            now=NOW,
        )
        officer_id = officer.id
    codes: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(16)

    def receive() -> None:
        try:
            barrier.wait()
            with database.session_scope() as s:
                db.begin_write(s)
                from onestop.accounts.models import User

                actor = s.get(User, officer_id)
                checked = services.check_intake(s, intake_data(), actor=actor)
                dossier = services.intake(
                    s,
                    request=checked,
                    outcome=Action.RECEIVE,
                    actor=actor,
                    calendar=CALENDAR,
                    now=NOW,
                )
                codes.append(dossier.code)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=receive) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    database.engine.dispose()
    assert errors == []
    assert sorted(codes) == [f"{OFFICE}-261125-{n:04d}" for n in range(1, 17)]


def test_a_refusal_carries_no_supplement_request(session, officer):
    checked = services.check_intake(session, intake_data(), actor=officer)
    dossier = services.intake(
        session,
        request=checked,
        outcome=Action.REFUSE,
        actor=officer,
        calendar=CALENDAR,
        now=NOW,
        reason="Không thuộc thẩm quyền",
        missing=[{"name": "x"}],
    )
    assert dossier.missing_documents is None
