"""Demo accounts and sample dossiers for trying onestop out (`onestop init --demo`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlmodel import Session, select

from onestop.accounts.models import User
from onestop.accounts.services import create_user
from onestop.calendar import WorkingCalendar
from onestop.dossiers import services
from onestop.dossiers.models import Dossier
from onestop.dossiers.states import Action

# username, role, agency, full name
ACCOUNTS = (
    ("tiepnhan.quynhon", "officer", "000.01.31.H21", "Nguyễn Thị Lan"),
    ("tiepnhan.tinh", "officer", "000.00.01.H21", "Trần Văn Minh"),
    ("xuly.quynhon", "handler", "000.00.31.H21", "Lê Thị Hoa"),
    ("xuly.congan.quynhon", "handler", "000.02.31.H21", "Phạm Quốc Huy"),
    ("xuly.sotuphap", "handler", "000.00.02.H21", "Võ Thanh Tùng"),
    ("giamsat.tinh", "supervisor", "000.00.00.H21", "Đặng Thu Hà"),
    ("quantri", "admin", None, "Quản trị hệ thống"),
)


def create_accounts(session: Session, *, now: datetime) -> list[tuple[str, str, str]]:
    """Create the demo accounts that do not exist yet; returns (name, role, password)."""
    existing = set(session.exec(select(User.username)))
    created = []
    for username, role, agency, full_name in ACCOUNTS:
        if username in existing:
            continue
        _, password = create_user(
            session,
            username=username,
            role=role,
            agency_code=agency,
            full_name=full_name,
            now=now,
        )
        created.append((username, role, password))
    return created


def format_logins(logins: list[tuple[str, str, str]]) -> str:
    return "\n".join(f"  {name:<22} {role:<11} {password}" for name, role, password in logins)


def save_logins(instance: Path, logins: list[tuple[str, str, str]]) -> Path:
    """Keep the generated passwords beside the demo database, readable by its owner only."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "demo-logins.txt"
    with path.open("a", encoding="utf-8") as out:
        out.write(format_logins(logins) + "\n")
    path.chmod(0o600)
    return path


# Sample dossiers: (procedure, outcome, owner, ID number, phone, documents received)
SAMPLES: tuple[tuple[str, Action, str, str, str, list[str]], ...] = (
    (
        "1.001193",
        Action.RECEIVE,
        "Trần Thị Mai",
        "052190004321",
        "0905111222",
        ["Tờ khai đăng ký khai sinh (hoặc biểu mẫu điện tử tương tác)"],
    ),
    (
        "1.004222",
        Action.RECEIVE,
        "Lê Văn Bình",
        "052088001122",
        "0935222333",
        ["Tờ khai thay đổi thông tin cư trú (CT01)"],
    ),
    ("1.000894", Action.REQUEST_SUPPLEMENT, "Phạm Quốc Anh", "052095007788", "0914333444", []),
    ("2.000815", Action.REFUSE, "Võ Thị Thu", "052075009900", "0987444555", []),
)
SAMPLE_OFFICER = "tiepnhan.quynhon"


def create_samples(session: Session, *, calendar: WorkingCalendar, now: datetime) -> list[str]:
    """A few dossiers at phường Quy Nhơn's centre, one of each outcome; once only."""
    if session.exec(select(Dossier.id)).first() is not None:
        return []
    officer = session.exec(select(User).where(User.username == SAMPLE_OFFICER)).one()
    codes = []
    for procedure, outcome, name, id_number, phone, papers in SAMPLES:
        data = {
            "procedure_code": procedure,
            "applicant": {"full_name": name, "id_number": id_number, "phone": phone},
            "documents": [{"name": paper, "originals": 1} for paper in papers],
        }
        checked = services.check_intake(session, data, actor=officer)
        dossier = services.intake(
            session,
            request=checked,
            outcome=outcome,
            actor=officer,
            calendar=calendar,
            now=now,
            reason=None if outcome is Action.RECEIVE else "Hồ sơ mẫu: thiếu giấy tờ",
            missing=[{"name": "Tờ khai đăng ký kết hôn", "note": None}]
            if outcome is Action.REQUEST_SUPPLEMENT
            else [],
        )
        codes.append(dossier.code)
    return codes
