"""Building blocks for dossier tests: valid intake data and a ready-made dossier."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from onestop.accounts.models import User
from onestop.calendar import WorkingCalendar
from onestop.config import ROOT
from onestop.deadlines.services import file_overrides
from onestop.dossiers import services
from onestop.dossiers.states import Action
from tests.conftest import NOW

OFFICE = "000.01.31.H21"  # Trung tâm Phục vụ hành chính công phường Quy Nhơn
CT01 = "000.00.00.G01-KQ003618"  # Tờ khai thay đổi thông tin cư trú, in a case of 1.004222
CALENDAR = WorkingCalendar(overrides=file_overrides(ROOT / "procedures", None))


def intake_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "procedure_code": "1.004222",
        "channel": "in_person",
        "applicant": {
            "full_name": "Đặng Thị Hường",
            "id_number": "052190001234",
            "phone": "0912 345 678",
            "email": "huong@example.vn",
            "address": "12 Trần Hưng Đạo, phường Quy Nhơn",
        },
        # The required paper of one case of 1.004222's list (registering at one's unit: the
        # CT01 form), named as a client shortens it and matched by its national code.
        "documents": [
            {
                "name": "Tờ khai thay đổi thông tin cư trú (CT01)",
                "code": CT01,
                "originals": 1,
            }
        ],
    }
    for key, value in changes.items():
        if key == "documents" and value is None:
            del data["documents"]  # no list: the procedure's required papers are received
        elif key in data["applicant"]:
            data["applicant"][key] = value
        else:
            data[key] = value
    return data


def make_dossier(
    session: Session,
    actor: User,
    *,
    outcome: Action = Action.RECEIVE,
    now: Any = NOW,
    **changes: Any,
) -> Any:
    reason = {"reason": "Thiếu giấy tờ"} if outcome is not Action.RECEIVE else {}
    missing = (
        [{"name": "Giấy tờ chứng minh chỗ ở hợp pháp", "note": None}]
        if outcome is Action.REQUEST_SUPPLEMENT
        else []
    )
    checked = services.check_intake(session, intake_data(**changes), actor=actor)
    return services.intake(
        session,
        request=checked,
        outcome=outcome,
        actor=actor,
        calendar=CALENDAR,
        now=now,
        missing=missing,
        **reason,
    )
