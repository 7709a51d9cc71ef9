"""Demo accounts for trying onestop out (`onestop init --demo`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlmodel import Session, select

from onestop.accounts.models import User
from onestop.accounts.services import create_user

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
