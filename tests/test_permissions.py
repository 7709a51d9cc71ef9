"""The permission matrix through HTTP: each role × each action × own / other agency.

The expected answers are written out here, from the rules in docs/domain.md#roles, not
computed from the policy module: a change of the policy that breaks a rule must fail here.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from onestop.accounts.models import User
from onestop.dossiers import actions
from onestop.dossiers.models import Dossier
from onestop.dossiers.states import Action
from tests.conftest import NOW
from tests.factories import CALENDAR, OFFICE, make_dossier

OTHER_CENTRE = "000.01.32.H21"
DEPT = "000.02.31.H21"  # the police of the ward: where the dossier is handed on to

# What each action needs to be allowed by the table of transitions: how to prepare the
# dossier, and what to send with it.
PREPARE: dict[Action, tuple[list[tuple[Action, dict]], dict]] = {
    Action.REQUEST_SUPPLEMENT: ([], {"note": "Thiếu", "documents": ["Tờ khai"]}),
    Action.SUPPLEMENT_RECEIVED: (
        [(Action.REQUEST_SUPPLEMENT, {"note": "x", "documents": ["a"]})],
        {},
    ),
    Action.REFUSE: (
        [(Action.REQUEST_SUPPLEMENT, {"note": "x", "documents": ["a"]})],
        {"note": "Sai"},
    ),
    Action.TRANSFER: ([], {"to_agency": "000.00.12.H21"}),
    Action.REQUEST_PAYMENT: ([], {"note": "Lệ phí"}),
    Action.PAYMENT_RECEIVED: ([(Action.REQUEST_PAYMENT, {"note": "Lệ phí"})], {}),
    Action.APOLOGIZE: ([], {"note": "Chậm", "new_due_at": "2027-01-29T17:00:00"}),
    Action.COMPLETE: ([], {}),
    Action.RETURN_RESULT: ([(Action.COMPLETE, {})], {}),
    Action.WITHDRAW: ([], {"note": "Xin rút"}),
    Action.STOP: ([], {"note": "Dừng"}),
    Action.RESCHEDULE: ([], {}),
}

ALL = set(PREPARE)
HOLDER = {
    Action.REQUEST_SUPPLEMENT,
    Action.SUPPLEMENT_RECEIVED,
    Action.TRANSFER,
    Action.REQUEST_PAYMENT,
    Action.PAYMENT_RECEIVED,
    Action.APOLOGIZE,
    Action.COMPLETE,
    Action.STOP,
}
COUNTER = {
    Action.REQUEST_SUPPLEMENT,
    Action.SUPPLEMENT_RECEIVED,
    Action.REFUSE,
    Action.PAYMENT_RECEIVED,
    Action.RETURN_RESULT,
    Action.WITHDRAW,
}

# (who, where the dossier is) -> the actions allowed. "at the counter": received and still at
# the receiving centre; "handed on": transferred to the ward police.
MATRIX = {
    ("officer", OFFICE, "at the counter"): HOLDER | COUNTER,
    ("officer", OFFICE, "handed on"): COUNTER,
    ("officer", OTHER_CENTRE, "at the counter"): set(),
    ("officer", DEPT, "handed on"): HOLDER,
    ("handler", OFFICE, "at the counter"): HOLDER,
    ("handler", OFFICE, "handed on"): set(),
    ("handler", DEPT, "handed on"): HOLDER,
    ("handler", DEPT, "at the counter"): set(),
    ("handler", OTHER_CENTRE, "handed on"): set(),
    ("supervisor", OFFICE, "at the counter"): set(),
    ("supervisor", DEPT, "handed on"): set(),
    ("admin", None, "at the counter"): ALL,
    ("admin", None, "handed on"): ALL,
}


def sees(role: str, agency: str | None, dossier: Dossier) -> bool:
    """Staff see what their agency received or holds now; supervisors and admins see all."""
    return role in ("supervisor", "admin") or agency in (OFFICE, dossier.current_agency_code)


def _prepare(session: Session, officer: User, admin: User, where: str, action: Action) -> Dossier:
    dossier = make_dossier(session, officer)
    steps, _ = PREPARE[action]
    if where == "handed on":
        steps = [(Action.TRANSFER, {"to_agency": DEPT}), *steps]
    for step, body in steps:
        actions.record(
            session,
            dossier=dossier,
            action=step,
            actor=admin,
            now=NOW + timedelta(minutes=1),
            calendar=CALENDAR,
            asked=actions.Asked(**body),
        )
    session.commit()
    return dossier


@pytest.mark.parametrize(("role", "agency", "where"), list(MATRIX))
def test_permission_matrix(client, session, make_user, token, role, agency, where):
    officer, _ = make_user("officer", agency_code=OFFICE)
    admin, _ = make_user("admin")
    headers = {"Authorization": f"Bearer {token(role, agency_code=agency)}"}
    allowed = MATRIX[(role, agency, where)]
    for action in PREPARE:
        dossier = _prepare(session, officer, admin, where, action)
        # Seen before the action: after it the dossier may be elsewhere (transfer, complete).
        shown = client.get(f"/api/v1/dossiers/{dossier.code}", headers=headers)
        assert shown.status_code == (200 if sees(role, agency, dossier) else 403)
        body = {"action": action.value, **PREPARE[action][1]}
        response = client.post(
            f"/api/v1/dossiers/{dossier.code}/actions", json=body, headers=headers
        )
        if action not in allowed:
            assert response.status_code == 403, (action, response.json)
            assert response.json["error"]["code"] == "forbidden"
        elif action is Action.RESCHEDULE:  # allowed, but the calendar has not changed
            assert response.json["error"]["code"] == "nothing_to_reschedule"
        else:
            assert response.status_code == 200, (action, response.json)


@pytest.mark.parametrize(
    ("role", "agency", "status"),
    [
        ("officer", OFFICE, 201),
        ("officer", OTHER_CENTRE, 403),
        ("handler", OFFICE, 403),
        ("supervisor", OFFICE, 403),
        ("admin", None, 201),
    ],
)
def test_who_may_receive_here(client, token, role, agency, status):
    from tests.factories import intake_data

    headers = {"Authorization": f"Bearer {token(role, agency_code=agency)}"}
    body = intake_data(agency=OFFICE)
    response = client.post("/api/v1/dossiers", json=body, headers=headers)
    assert response.status_code == status, response.json


@pytest.mark.parametrize(
    ("role", "agency", "asked", "status"),
    [
        ("officer", OFFICE, None, 200),
        ("officer", OFFICE, OTHER_CENTRE, 403),
        ("handler", DEPT, OFFICE, 403),
        ("supervisor", OFFICE, OTHER_CENTRE, 200),
        ("admin", None, OFFICE, 200),
    ],
)
def test_who_may_list_which_agency(client, token, role, agency, asked, status):
    headers = {"Authorization": f"Bearer {token(role, agency_code=agency)}"}
    query = f"?agency={asked}" if asked else ""
    assert client.get(f"/api/v1/dossiers{query}", headers=headers).status_code == status


@pytest.mark.parametrize(
    ("role", "pages"),
    [
        ("officer", {"/counter/": 200, "/counter/so-theo-doi": 200, "/admin/lich": 403}),
        ("handler", {"/counter/": 403, "/counter/so-theo-doi": 403, "/admin/lich": 403}),
        ("supervisor", {"/counter/": 403, "/counter/so-theo-doi": 200, "/admin/lich": 403}),
        ("admin", {"/counter/": 200, "/admin/lich": 200}),
    ],
)
def test_pages_by_role(client, auth, make_user, role, pages):
    user, password = make_user(role, agency_code=OFFICE)
    auth.login(user.username, password)
    for path, status in pages.items():
        assert client.get(path).status_code == status, path
