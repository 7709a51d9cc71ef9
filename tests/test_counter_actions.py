"""The dossier page's action buttons: what each user is offered, and what pressing does."""

from __future__ import annotations

from sqlmodel import select

from onestop.dossiers.models import Dossier
from onestop.dossiers.states import Action
from tests.factories import OFFICE, make_dossier


def page(client, code):
    return client.get(f"/counter/ho-so/{code}").get_data(as_text=True)


def csrf(html):
    marker = 'name="csrf_token" type="hidden" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def press(client, code, action, **fields):
    token = csrf(page(client, code))
    data = {"csrf_token": token, "action": action, **fields}
    return client.post(f"/counter/ho-so/{code}/thao-tac", data=data)


def test_a_supplement_asked_at_the_counter_can_be_taken_in(client, auth, session, make_user):
    officer, password = make_user("officer", agency_code=OFFICE)
    asked = make_dossier(session, officer, outcome=Action.REQUEST_SUPPLEMENT)
    session.commit()
    auth.login(officer.username, password)
    html = page(client, asked.code)
    assert 'id="action-supplement_received"' in html and 'id="action-refuse"' in html
    assert 'id="action-complete"' not in html  # not from status 5
    response = press(client, asked.code, "supplement_received", documents="Sổ hộ khẩu\n")
    assert response.status_code == 302
    html = page(client, asked.code)
    assert "Đã ghi nhận: Nhận hồ sơ bổ sung." in html
    assert 'id="print-receipt"' in html  # the clock started: Mẫu 01 can be printed
    row = session.exec(select(Dossier).where(Dossier.code == asked.code)).one()
    session.refresh(row)
    assert row.status == 2 and row.received_at is not None


def test_a_missing_reason_is_shown_beside_the_field_and_changes_nothing(
    client, auth, session, make_user
):
    officer, password = make_user("officer", agency_code=OFFICE)
    dossier = make_dossier(session, officer)
    session.commit()
    auth.login(officer.username, password)
    response = press(client, dossier.code, "stop", note="  ")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nêu lý do dừng xử lý." in html
    assert html.count("<details open") == 1 and '<details open id="action-stop">' in html
    session.refresh(dossier)
    assert dossier.status == 2


def test_a_wrong_status_is_refused_with_a_message(client, auth, session, make_user):
    officer, password = make_user("officer", agency_code=OFFICE)
    dossier = make_dossier(session, officer)
    session.commit()
    auth.login(officer.username, password)
    response = press(client, dossier.code, "return_result")
    assert response.status_code == 422
    assert "Không thể" in response.get_data(as_text=True)


def test_a_supervisor_sees_no_buttons_and_cannot_act(client, auth, session, make_user):
    officer, _ = make_user("officer", agency_code=OFFICE)
    supervisor, password = make_user("supervisor", agency_code=OFFICE)
    dossier = make_dossier(session, officer)
    session.commit()
    auth.login(supervisor.username, password)
    assert 'id="actions"' not in page(client, dossier.code)
    assert press(client, dossier.code, "complete").status_code == 403
    session.refresh(dossier)
    assert dossier.status == 2


def test_a_handler_hands_on_and_the_counter_returns_the_result(client, auth, session, make_user):
    officer, password = make_user("officer", agency_code=OFFICE)
    dossier = make_dossier(session, officer)
    session.commit()
    auth.login(officer.username, password)
    assert press(client, dossier.code, "transfer", to_agency="000.02.31.H21").status_code == 302
    html = page(client, dossier.code)
    assert 'id="action-complete"' not in html  # the police hold it now
    steps = html[html.index('id="steps"') :]
    assert "Công an phường Quy Nhơn" in steps and "Đang xử lý" in steps
    handler, handler_password = make_user("handler", agency_code="000.02.31.H21")
    client.post("/dang-xuat", data={"csrf_token": csrf(html)})
    auth.login(handler.username, handler_password)
    done = press(client, dossier.code, "complete")
    # The police no longer hold it: the handler goes back to their desk, not to a 403.
    assert done.status_code == 302 and done.headers["Location"] == "/desk/"
    client.post("/dang-xuat", data={"csrf_token": csrf(page(client, dossier.code))})
    auth.login(officer.username, password)
    assert press(client, dossier.code, "return_result").status_code == 302
    session.refresh(dossier)
    assert dossier.status == 10
