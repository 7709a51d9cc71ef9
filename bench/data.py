"""Dossiers for the measurements: through the services, or bulk-inserted by the thousand.

The bulk path builds plain rows shaped as `services.intake` and `actions.perform` write them
(the ORM would take minutes for 100,000 dossiers); tests/test_bench_data.py replays bulk
dossiers through the services and checks both agree, so the measurements read realistic rows.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, text
from sqlmodel import Session, SQLModel, col, select

from onestop import db
from onestop.accounts.models import User
from onestop.accounts.services import create_user
from onestop.calendar import VN_TZ, WorkingCalendar
from onestop.catalogue.models import Agency, Procedure
from onestop.dossiers import checklist, services
from onestop.dossiers.actions import CITIZEN, RETURN_METHODS, return_note
from onestop.dossiers.codes import public_token
from onestop.dossiers.models import Dossier, DossierCounter, DossierDocument, DossierEvent
from onestop.dossiers.states import ENDED, Action, Status
from tests.factories import intake_data

BATCH = 5_000
PROVINCE_CENTRE = "000.00.01.H21"  # Trung tâm Phục vụ hành chính công tỉnh
WARD_CENTRE = "000.01.31.H21"  # Trung tâm Phục vụ hành chính công phường Quy Nhơn
CENTRE_ROLES = ("ttpvhcc_tinh", "ttpvhcc_xa")

# Names and places to make owners look real; the public page masks them, the receipt prints them.
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Kim", "Xuân")
GIVEN = (
    "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh",
    "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm",
    "Thảo", "Trang", "Tuấn", "Vân", "Việt", "Yến",
)  # fmt: skip
STREETS = ("Trần Hưng Đạo", "Lê Lợi", "Nguyễn Huệ", "Hùng Vương", "Phan Bội Châu", "Quang Trung")
REFUSAL = "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan tiếp nhận."
SUPPLEMENT = "Thiếu giấy tờ theo quy định; đề nghị bổ sung một lần."
# Minutes after midnight, Vietnam time, when receptions happen (07:30-11:30, 13:30-17:00).
SESSIONS = ((450, 690), (810, 1020))


def person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def id_number(rng: random.Random) -> str:
    """A citizen ID as the services accept it: 12 digits, the first 3 a province (001-096)."""
    return f"{rng.randint(1, 96):03d}{rng.randrange(10**9):09d}"


def intake_body(rng: random.Random | None = None, **changes: Any) -> dict[str, Any]:
    """An intake request as the counter or the API sends it (residence registration, Mẫu 01).

    With `rng`, another applicant each time; without, the fixed one of the tests.
    """
    body = intake_data()
    if rng is not None:
        body["applicant"] |= {
            "full_name": person(rng),
            "id_number": id_number(rng),
            "phone": f"09{rng.randrange(10**7, 10**8)}",
            "address": f"{rng.randint(1, 300)} {rng.choice(STREETS)}, phường Quy Nhơn",
        }
    return body | changes


# The receipt's dossier: a usual counter intake with three papers on Mẫu 01. The form is
# named by its national code, which completes one case of 1.004222's list.
CT01 = "000.00.00.G01-KQ003618"
RECEIPT_INTAKE = intake_body(
    documents=[
        {"name": "Tờ khai thay đổi thông tin cư trú (CT01)", "code": CT01, "originals": 1},
        {"name": "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp", "certified_copies": 1},
        {"name": "Ý kiến đồng ý của chủ sở hữu chỗ ở hợp pháp", "originals": 1},
    ]
)


def load_agencies(session: Session) -> dict[str, Agency]:
    """Every agency, by code."""
    return {a.code: a for a in session.exec(select(Agency).order_by(col(Agency.code)))}


def is_centre(agency: Agency) -> bool:
    """A reception centre (provincial or commune one): where dossiers are received."""
    return agency.role in CENTRE_ROLES


def destination(agencies: Mapping[str, Agency], role: str, centre: str) -> str:
    """Where a centre hands a dossier on: the agency of the procedure's role, the one of the
    centre's own commune for a commune role (the centre's parent is the commune's committee)."""
    by_role = sorted(code for code, a in agencies.items() if a.role == role and code != centre)
    commune = agencies[centre].parent_code
    for code in by_role:
        if commune in (code, agencies[code].parent_code):
            return code
    # A provincial role has one agency; a commune role asked of the provincial centre has none
    # in its commune: the first one, so the dossier still leaves the counter.
    return by_role[0] if by_role else commune or centre


def destinations(
    agencies: Mapping[str, Agency], offers: Sequence[Offer], centres: Sequence[str]
) -> set[str]:
    """Every agency a dossier of these procedures, received at these centres, can go to."""
    where = reception_centres(centres)
    return {
        destination(agencies, o.role, c)
        for o in offers
        for c in where.get(o.level) or where["province"]  # as Generator.plan() picks
    }


def reception_centres(centres: Sequence[str]) -> dict[str, list[str]]:
    """Where each level of procedure is received: commune ones at the commune centres,
    provincial ones at the provincial centre, as the catalogue's levels say."""
    communes = [c for c in centres if c != PROVINCE_CENTRE]
    province = [c for c in centres if c == PROVINCE_CENTRE]
    return {
        "commune": communes,
        "province": province,
        "province_and_commune": province + communes,
    }


def make_staff(
    session: Session, agencies: Mapping[str, Agency], offers: Sequence[Offer], *, now: datetime
) -> dict[str, User]:
    """By agency code: an officer at each reception centre, a handler at each agency dossiers
    are handed on to. Passwords are never used."""
    centres = [code for code, a in agencies.items() if is_centre(a)]
    wanted = [(code, "officer") for code in centres]
    wanted += [(code, "handler") for code in sorted(destinations(agencies, offers, centres))]
    staff = {}
    for i, (code, role) in enumerate(wanted, 1):
        staff[code], _ = create_user(
            session,
            username=f"bench.{role}{i}",
            role=role,
            agency_code=code,
            full_name=person(random.Random(i)),
            now=now,
        )
    return staff


def receive(
    session: Session,
    body: Mapping[str, Any],
    *,
    officer: User,
    calendar: WorkingCalendar,
    now: datetime,
) -> Dossier:
    """One dossier received through the services, exactly as the counter records one."""
    db.begin_write(session)
    request = services.check_intake(session, body, actor=officer)
    return services.intake(
        session, request=request, outcome=Action.RECEIVE, actor=officer, calendar=calendar, now=now
    )


def working_days(calendar: WorkingCalendar, before: date, count: int) -> list[date]:
    """The `count` working days before `before`, oldest first."""
    days: list[date] = []
    day = before
    while len(days) < count:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            days.append(day)
    return days[::-1]


@dataclass(frozen=True)
class Offer:
    """A procedure as intake uses it, read once: rows are built from plain values, fast."""

    code: str
    name: str
    level: str
    role: str  # the kind of agency that handles it
    times: Mapping[str, dict[str, Any] | None]  # by channel: a channel may have its own
    documents: tuple[str, ...]  # the papers of a complete dossier (checklist.complete_set)
    channels: frozenset[str]  # those its catalogue lists (all when it lists none)


def load_offers(session: Session) -> list[Offer]:
    """The active procedures, in the order of their codes (the same on every backend)."""
    out = []
    query = select(Procedure).where(Procedure.active).order_by(col(Procedure.code))
    for p in session.exec(query):
        docs = tuple(d["name"] for d in checklist.complete_set(p.data))
        listed = frozenset(c["channel"] for c in p.data.get("channels", []))
        out.append(
            Offer(
                code=p.code,
                name=p.name,
                level=p.level,
                role=p.agency_role,
                times={c: services.processing_time(p, c) for c in services.CHANNELS},
                documents=docs or (f"Tờ khai {p.name}"[:500],),
                channels=listed or frozenset(services.CHANNELS),
            )
        )
    return out


@dataclass(frozen=True)
class Mix:
    """How dossiers end at the counter and how they came in (shares, and channel weights)."""

    refused: float = 0.03  # Mẫu 03
    supplement: float = 0.04  # Mẫu 02: the clock has not started
    channels: tuple[tuple[str, int], ...] = (("in_person", 85), ("online", 10), ("post", 5))


Planned = tuple[str, date, int, float, Offer]  # agency, day, number of the day, minute, procedure
Built = tuple[dict[str, Any], list[dict[str, Any]], tuple[str, ...]]  # row, events, papers


class Generator:
    """Builds dossier rows and their events as `services.intake` and `actions.perform` would:
    received at a centre, handed on to the procedure's agency, done there, returned."""

    def __init__(
        self,
        rng: random.Random,
        now: datetime,
        calendar: WorkingCalendar,
        agencies: Mapping[str, Agency],
        staff: Mapping[str, User],
        offers: Sequence[Offer],
        mix: Mix = Mix(),
    ) -> None:
        self.rng = rng
        self.now = now
        self.calendar = calendar
        self.agencies = agencies
        self.staff = staff
        self.offers = offers
        self.mix = mix
        self.where = reception_centres([c for c in staff if is_centre(agencies[c])])
        self.destinations: dict[tuple[str, str], str] = {}

    def destination(self, offer: Offer, centre: str) -> str:
        key = (offer.role, centre)
        if key not in self.destinations:  # a scan of every agency: once per pair
            self.destinations[key] = destination(self.agencies, offer.role, centre)
        return self.destinations[key]

    def due(self, time: Mapping[str, Any] | None, received: datetime) -> datetime | None:
        if time is None:
            return None
        return self.calendar.due(received, str(time["value"]), time["unit"])

    def event(
        self, at: datetime, action: Action, before: Status | None, after: Status, actor: User | None
    ) -> dict[str, Any]:
        note = {
            Action.REFUSE: REFUSAL,
            Action.REQUEST_SUPPLEMENT: SUPPLEMENT,
            Action.RETURN_RESULT: return_note(None, RETURN_METHODS["counter"], None),
        }.get(action)
        return {
            "at": at,
            "action": action.value,
            "from_status": before.value if before else None,
            "to_status": after.value,
            "actor_id": actor.id if actor else None,
            "actor_name": actor.full_name if actor else CITIZEN,
            "agency_code": actor.agency_code if actor else None,
            "note": note,
            "public": True,
        }

    def row(
        self, agency: str, day: date, number: int, at: datetime, offer: Offer
    ) -> dict[str, Any]:
        """The dossier as `services.intake` inserts it, before any action."""
        rng = self.rng
        offered = [(c, w) for c, w in self.mix.channels if c in offer.channels]
        channel = rng.choices(*zip(*(offered or self.mix.channels), strict=True))[0]
        owner = person(rng)
        place = self.agencies[agency].name.removeprefix("Trung tâm Phục vụ hành chính công ")
        time = offer.times[channel]
        return {
            "code": f"{agency}-{day:%y%m%d}-{number:04d}",
            "public_token": public_token(),
            "procedure_code": offer.code,
            "procedure_name": offer.name,
            "receiving_agency_code": agency,
            "current_agency_code": agency,
            "commune_code": self.commune(agency),
            "channel": channel,
            "owner_name": owner,
            "owner_id_number": id_number(rng),
            "owner_phone": f"09{rng.randrange(10**7, 10**8)}",
            "owner_email": f"cd{rng.randrange(10**6)}@example.vn" if rng.random() < 0.3 else None,
            "owner_address": f"{rng.randint(1, 300)} {rng.choice(STREETS)}, {place}",
            "submitter_name": owner,
            "submitter_phone": None,
            "sets": 1,
            "summary": f"{offer.name} - {owner}"[:500],
            "result_place": f"Tại {self.agencies[agency].name}",
            "time_value": float(time["value"]) if time else None,
            "time_unit": time["unit"] if time else None,
            "time_text": services.time_text(time),
            "submitted_at": at,
            "received_at": None,
            "due_at": None,
            "extended_due_at": None,
            "ended_at": None,
            "paused_at": None,
            "resume_status": None,
            "request_reason": None,
            "missing_documents": None,
            "supplement_number": None,
            "created_by_id": self.staff[agency].id,
            "updated_at": at,
        }

    def commune(self, code: str) -> str | None:
        """The commune of a centre, as intake records it (its parent People's Committee)."""
        parent = self.agencies.get(self.agencies[code].parent_code or "")
        return parent.code if parent is not None and parent.role == "ubnd_xa" else None

    def dossier(self, agency: str, day: date, number: int, minute: float, offer: Offer) -> Built:
        """One dossier row, its events (without dossier_id) and the names of its papers."""
        at = datetime(day.year, day.month, day.day, tzinfo=VN_TZ) + timedelta(minutes=minute)
        row = self.row(agency, day, number, at, offer)
        officer = self.staff[agency]
        events: list[dict[str, Any]] = []
        status: Status | None = None
        if row["channel"] == "online":  # submitted on the portal, checked at the counter later
            row["submitted_at"] = at - timedelta(hours=self.rng.uniform(1, 72))
            status = Status.SUBMITTED
            events.append(self.event(row["submitted_at"], Action.SUBMIT_ONLINE, None, status, None))
        outcome = self.rng.random()
        if outcome < self.mix.refused:
            events.append(self.event(at, Action.REFUSE, status, Status.REFUSED, officer))
            row |= {"status": 3, "ended_at": at, "request_reason": REFUSAL}
            return row, events, offer.documents
        if outcome < self.mix.refused + self.mix.supplement:
            events.append(
                self.event(at, Action.REQUEST_SUPPLEMENT, status, Status.SUPPLEMENT, officer)
            )
            missing = [{"name": offer.documents[-1], "note": None}]
            row |= {"status": 5, "paused_at": at, "request_reason": SUPPLEMENT}
            resume = status.value if status else None  # as the clock's pause() keeps it
            row |= {"missing_documents": missing, "resume_status": resume}
            return row, events, offer.documents[:-1]
        row |= {"received_at": at, "due_at": self.due(offer.times[row["channel"]], at)}
        self.handle(row, events, status, self.destination(offer, agency))
        return row, events, offer.documents

    def handle(
        self, row: dict[str, Any], events: list[dict[str, Any]], status: Status | None, to: str
    ) -> None:
        """Received, handed on to `to`, done there (on time mostly) and returned at the counter,
        as far as `now` allows."""
        rng, at, due = self.rng, row["received_at"], row["due_at"]
        span = (due or at + timedelta(days=14)) - at
        transfer = at + timedelta(minutes=rng.uniform(5, 120))
        done = at + span * (rng.uniform(0.3, 0.98) if rng.random() < 0.93 else rng.uniform(1, 1.4))
        returned = done + timedelta(hours=rng.uniform(1, 72))
        officer, handler = self.staff[row["receiving_agency_code"]], self.staff[to]
        steps = [
            (at, Action.RECEIVE, Status.RECEIVED, officer),
            (transfer, Action.TRANSFER, Status.PROCESSING, officer),
            (done, Action.COMPLETE, Status.DONE, handler),
            (returned, Action.RETURN_RESULT, Status.RETURNED, officer),
        ]
        for when, action, after, actor in steps:
            if when > self.now:
                break
            events.append(self.event(when, action, status, after, actor))
            status = after
            row["updated_at"] = when
            if action is Action.TRANSFER:
                row["current_agency_code"] = to
            elif action is Action.COMPLETE:  # the result waits at the counter that received it
                row["current_agency_code"] = row["receiving_agency_code"]
            if after in ENDED and row["ended_at"] is None:  # the first ending status counts
                row["ended_at"] = when
        assert status is not None
        row["status"] = status.value

    def plan(self, n: int, days: Sequence[date]) -> list[Planned]:
        """(agency, day, number, minute, procedure) of n receptions, in the order of time."""
        picks = []
        for _ in range(n):
            offer = self.rng.choice(self.offers)
            agency = self.rng.choice(self.where.get(offer.level) or self.where["province"])
            # A minute within the two working sessions of the day.
            minute = self.rng.uniform(0, 450)
            minute += SESSIONS[0][0] if minute < 240 else SESSIONS[1][0] - 240
            picks.append((self.rng.choice(days), minute, agency, offer))
        picks.sort(key=lambda p: (p[0], p[1]))
        numbers: Counter[tuple[str, date]] = Counter()
        out = []
        for day, minute, agency, offer in picks:
            numbers[agency, day] += 1
            if numbers[agency, day] > 9999:  # the code keeps four digits for the number
                raise SystemExit("over 9,999 dossiers a day at one centre: spread over more days")
            out.append((agency, day, numbers[agency, day], minute, offer))
        return out


def _insert(model: type[SQLModel]) -> Any:
    # The ORM drops None values from each row and so splits rows with NULLs in different places
    # into separate statements; rendering NULLs keeps one executemany per batch.
    return insert(model).execution_options(render_nulls=True)


def bulk_insert(session: Session, gen: Generator, n: int, days: Sequence[date]) -> dict[str, Any]:
    """Insert n dossiers in batches; returns row counts and every public token."""
    plan = gen.plan(n, days)
    tokens: list[str] = []
    counts = Counter[str]()
    # Ids are given, not returned: RETURNING in parameter order makes SQLAlchemy send one row
    # per statement on SQLite, and splice the results in quadratic time.
    last_id = session.scalar(select(func.max(Dossier.id))) or 0
    for start in range(0, len(plan), BATCH):
        built = [gen.dossier(*p) for p in plan[start : start + BATCH]]
        ids = range(last_id + start + 1, last_id + start + 1 + len(built))
        rows = [b[0] | {"id": i} for i, b in zip(ids, built, strict=True)]
        session.execute(_insert(Dossier), rows)
        events = [e | {"dossier_id": i} for i, b in zip(ids, built, strict=True) for e in b[1]]
        papers = [
            {"dossier_id": i, "position": pos, "name": name, "originals": 1}
            for i, b in zip(ids, built, strict=True)
            for pos, name in enumerate(b[2], 1)
        ]
        for table, batch in ((DossierEvent, events), (DossierDocument, papers)):
            for s in range(0, len(batch), BATCH):
                session.execute(_insert(table), batch[s : s + BATCH])
        tokens += [r["public_token"] for r in rows]
        counts.update(dossiers=len(rows), events=len(events), documents=len(papers))
    _leave_counters(session, plan)
    if session.get_bind().dialect.name == "postgresql":
        # Given ids leave the id sequence behind: move it on, so the services can insert.
        session.execute(
            text("SELECT setval(pg_get_serial_sequence('dossier', 'id'), :n)"),
            {"n": last_id + len(plan)},
        )
    return {"tokens": tokens, "counts": dict(counts)}


def _leave_counters(session: Session, plan: Sequence[Planned]) -> None:
    """The day counters as next_code() would have left them, so later receptions get new codes."""
    last: dict[tuple[str, str], int] = {}
    for agency, day, number, _, _ in plan:
        last[agency, f"{day:%y%m%d}"] = number
    counters = [{"agency_code": a, "day": d, "last": k} for (a, d), k in last.items()]
    if counters:
        session.execute(_insert(DossierCounter), counters)
