"""Demo accounts and sample dossiers for trying onestop out (`onestop init --demo`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path

from sqlmodel import Session, select

from onestop.accounts.models import User
from onestop.accounts.services import create_user
from onestop.calendar import VN_TZ, WorkingCalendar
from onestop.catalogue.queries import get_procedure
from onestop.dossiers import actions, checklist, services
from onestop.dossiers.models import Dossier
from onestop.dossiers.states import Action

# username, role, agency, full name
ACCOUNTS = (
    ("tiepnhan.quynhon", "officer", "000.01.31.H21", "Nguyễn Thị Lan"),
    ("tiepnhan.tinh", "officer", "000.00.01.H21", "Trần Văn Minh"),
    ("xuly.quynhon", "handler", "000.00.31.H21", "Lê Thị Hoa"),
    ("xuly.congan.quynhon", "handler", "000.02.31.H21", "Phạm Quốc Huy"),
    ("xuly.sotuphap", "handler", "000.00.02.H21", "Võ Thanh Tùng"),
    ("xuly.bhxh", "handler", "000.00.12.H21", "Huỳnh Thị Ngọc"),
    ("xuly.thue", "handler", "000.00.13.H21", "Đỗ Minh Khoa"),
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
    instance.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = instance / "demo-logins.txt"
    with path.open("a", encoding="utf-8") as out:
        out.write(format_logins(logins) + "\n")
    path.chmod(0o600)
    return path


# Sample dossiers: (procedure, outcome, owner, ID number, phone). A received one brings the
# papers its catalogue list requires; the others are short of them.
SAMPLES: tuple[tuple[str, Action, str, str, str], ...] = (
    (
        "1.001193",
        Action.RECEIVE,
        "Trần Thị Mai",
        "052190004321",
        "0905111222",
    ),
    (
        "1.004222",
        Action.RECEIVE,
        "Lê Văn Bình",
        "052088001122",
        "0935222333",
    ),
    ("1.000894", Action.REQUEST_SUPPLEMENT, "Phạm Quốc Anh", "052095007788", "0914333444"),
    ("2.000815", Action.REFUSE, "Võ Thị Thu", "052075009900", "0987444555"),
)
SAMPLE_OFFICER = "tiepnhan.quynhon"


@dataclass(frozen=True)
class Move:
    """One action of an interconnected sample, `after` working time after the one before."""

    after: timedelta
    action: Action
    by: str  # a demo username
    asked: actions.Asked = field(default_factory=actions.Asked)


@dataclass(frozen=True)
class Journey:
    """An interconnected sample: received at phường Quy Nhơn's centre, then driven through the
    action service up to the stage it shows."""

    procedure: str
    owner: str
    id_number: str
    phone: str
    moves: Sequence[Move] = field(default_factory=tuple)


WARD_HANDLER = "xuly.quynhon"
LAND_PAPER = "Bản sao một trong những giấy tờ chứng minh quyền sử dụng đất hợp pháp"
_MINUTES = timedelta(minutes=30)
_HOUR = timedelta(hours=1)
_FORWARD = Move(_MINUTES, Action.TRANSFER, SAMPLE_OFFICER)  # the centre hands it on
# Liên thông dossiers at each stage of docs/domain.md#routing, each received with the papers
# its list requires.
JOURNEYS: tuple[Journey, ...] = (
    # At its first step: the ward registers the birth.
    Journey("2.001023", "Nguyễn Văn Phúc", "052091003344", "0905666777", (_FORWARD,)),
    # In parallel steps: police and social insurance at the same time, after the ward.
    Journey(
        "2.000986",
        "Trương Thị Yến",
        "052193005566",
        "0935777888",
        (_FORWARD, Move(_HOUR, Action.TRANSFER, WARD_HANDLER)),
    ),
    # Paused during handling: the ward asks the citizen for a supplement (status 5).
    Journey(
        "1.013225",
        "Lê Quang Vinh",
        "052080006677",
        "0914888999",
        (
            Move(_HOUR, Action.TRANSFER, SAMPLE_OFFICER),
            Move(
                2 * _HOUR,
                Action.REQUEST_SUPPLEMENT,
                WARD_HANDLER,
                actions.Asked(
                    note="Hồ sơ mẫu: thiếu giấy tờ về quyền sử dụng đất",
                    documents=({"name": LAND_PAPER},),
                ),
            ),
        ),
    ),
    # Waiting at an untimed step: the tax office (status 6, the clock stopped).
    Journey(
        "1.001612",
        "Phan Thị Hạnh",
        "052187007788",
        "0987999000",
        (_FORWARD, Move(2 * _HOUR, Action.TRANSFER, WARD_HANDLER)),
    ),
    # Ready to return (status 9): the tax office confirmed, the ward closed the household.
    Journey(
        "1.001266",
        "Bùi Văn Tài",
        "052079008899",
        "0905000111",
        (
            _FORWARD,
            Move(_HOUR, Action.TRANSFER, "xuly.thue"),
            Move(2 * _HOUR, Action.COMPLETE, WARD_HANDLER),
        ),
    ),
    # Returned (status 10): ward, then police and social insurance, then the counter.
    Journey(
        "2.000986",
        "Hồ Thị Kim",
        "052195009911",
        "0935111000",
        (
            _FORWARD,
            Move(_HOUR, Action.TRANSFER, WARD_HANDLER),
            Move(2 * _HOUR, Action.COMPLETE, "xuly.congan.quynhon"),
            Move(_HOUR, Action.COMPLETE, "xuly.bhxh"),
            Move(_HOUR, Action.RETURN_RESULT, SAMPLE_OFFICER),
        ),
    ),
)


def create_samples(session: Session, *, calendar: WorkingCalendar, now: datetime) -> list[str]:
    """A few dossiers at phường Quy Nhơn's centre, one of each outcome, and interconnected ones
    at each stage of their journey; once only."""
    if session.exec(select(Dossier.id)).first() is not None:
        return []
    officer = _user(session, SAMPLE_OFFICER)
    codes = []
    for procedure, outcome, name, id_number, phone in SAMPLES:
        complete = outcome is Action.RECEIVE
        data = _intake_data(session, procedure, name, id_number, phone, complete=complete)
        checked = services.check_intake(session, data, actor=officer, outcome=outcome)
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
    codes += [_walk(session, journey, calendar=calendar, now=now) for journey in JOURNEYS]
    return codes


def _intake_data(
    session: Session,
    procedure: str,
    name: str,
    id_number: str,
    phone: str,
    *,
    complete: bool = True,
) -> dict[str, object]:
    listed = get_procedure(session, procedure).data
    return {
        "procedure_code": procedure,
        "applicant": {"full_name": name, "id_number": id_number, "phone": phone},
        "documents": checklist.complete_set(listed) if complete else [],
    }


def _user(session: Session, username: str) -> User:
    return session.exec(select(User).where(User.username == username)).one()


def _walk(session: Session, journey: Journey, *, calendar: WorkingCalendar, now: datetime) -> str:
    """Receive the dossier, then do its moves through the action service, each in working
    time after the one before; the last one half an hour of work before `now`."""
    moment = _received_at(calendar, now, sum((m.after for m in journey.moves), _MINUTES))
    officer = _user(session, SAMPLE_OFFICER)
    data = _intake_data(session, journey.procedure, journey.owner, journey.id_number, journey.phone)
    dossier = services.intake(
        session,
        request=services.check_intake(session, data, actor=officer, outcome=Action.RECEIVE),
        outcome=Action.RECEIVE,
        actor=officer,
        calendar=calendar,
        now=moment,
    )
    for move in journey.moves:
        moment = calendar.add_working_time(moment, move.after)
        actions.perform(
            session,
            code=dossier.code,
            action=move.action,
            actor=_user(session, move.by),
            now=moment,
            calendar=calendar,
            asked=move.asked,
        )
    return dossier.code


def _received_at(calendar: WorkingCalendar, now: datetime, ahead: timedelta) -> datetime:
    """The instant `ahead` of working time before `now`, moved to 14:00 if it is after 15:00:
    a dossier received later goes on only the next working day (docs/domain.md#the-1500-rule)
    and its first step would start after `now`."""
    day = now.astimezone(VN_TZ).date()
    while True:
        midnight = datetime.combine(day, time(0), VN_TZ)
        worked = calendar.working_time_between(midnight, now)
        if worked >= ahead:
            break
        day -= timedelta(days=1)
    moment = calendar.add_working_time(midnight, worked - ahead).astimezone(VN_TZ)
    if moment.time() >= time(15, 0):
        moment = moment.replace(hour=14, minute=0)
    return moment
