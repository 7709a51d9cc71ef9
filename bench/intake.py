"""Benchmark: the receipt endpoint and the public lookup page (issue 4, "Speed").

    .venv/bin/python bench/intake.py [--dossiers 100000] [--n 30] [--duration 10] [--rounds 3]
                                     [--database-url postgresql://postgres@127.0.0.1:5432/test]

Set-up (timed on its own): a new database in a temporary folder (SQLite), or a new schema in the
PostgreSQL database given, migrated, with the catalogue, one officer per reception centre, and
--dossiers dossiers bulk-inserted with their documents and events, shaped like the ones the
services write.

(a) N GETs of /api/v1/dossiers/<code>/receipt.pdf (Flask test client, bearer token) against N
    calls of `render_html_to_pdf` on the very HTML that endpoint renders, interleaved in the same
    process. Goal: endpoint / render <= 1.3 (the render is the floor).
(b) The public page /tra-cuu/<token> under gunicorn (2 sync workers, 127.0.0.1 only), loaded by
    `wrk` (or a Python load generator when wrk is missing) from a second process with random
    tokens among 10,000, against /bench/fixed, a route that returns a fixed copy of a public page
    from the same app on the same server. Goal: public / fixed >= 0.5 (requests per second).

When a goal is missed, or with --profile, the slow side is profiled in-process with cProfile.
Figures are kept in docs/PERFORMANCE.md. Nothing here asserts a timing; a person reads them.
"""

# ruff: noqa: E402
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder heads sys.path, and bench/calendar.py would hide the standard
# library's `calendar` (imported by `holidays`, `email`, ...). Put the project root there instead.
_HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == _HERE:
    sys.path[0] = str(_HERE.parent)

import argparse
import cProfile
import gc
import http.client
import json
import os
import platform
import pstats
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock

from flask import Flask, render_template
from sqlalchemy import create_engine, func, insert, text
from sqlmodel import Session, SQLModel, select

from onestop import db, migrate
from onestop.accounts.models import User
from onestop.accounts.services import create_token, create_user
from onestop.app import create_app
from onestop.calendar import VN_TZ, WorkingCalendar
from onestop.catalogue.loading import load_catalogue
from onestop.catalogue.models import Agency, Procedure
from onestop.config import ROOT, normalise_database_url
from onestop.deadlines.services import calendar_for
from onestop.dossiers import services
from onestop.dossiers.codes import public_token
from onestop.dossiers.models import Dossier, DossierCounter, DossierDocument, DossierEvent
from onestop.dossiers.queries import get_dossier
from onestop.dossiers.states import Action, Status
from onestop.lookup import services as lookup

BATCH = 5_000
TOKEN_SAMPLE = 10_000  # distinct lookup pages the load generator picks from
PROVINCE_CENTRE = "000.00.01.H21"  # Trung tâm Phục vụ hành chính công tỉnh
RECEIPT_AGENCY = "000.01.31.H21"  # the officer whose token calls the receipt endpoint
FIXED_PATH = "/bench/fixed"
# The public page's own headers, so both answers are the same size on the wire.
FIXED_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
RECEIPT_GOAL = 1.3
PUBLIC_GOAL = 0.5

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
# Working sessions in minutes after midnight, Vietnam time (07:30-11:30, 13:30-17:00).
SESSIONS = ((450, 690), (810, 1020))


# ---------------------------------------------------------------------------------------------
# Set-up


@dataclass
class Fixture:
    """What the measurements need from the set-up."""

    url: str
    tmp: Path
    api_token: str
    receipt_code: str
    lookup_tokens: list[str]
    rows: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)


def _with_schema(url: str, schema: str) -> str:
    # As tests/conftest.py does: libpq's `options` puts every connection in that schema.
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


@contextmanager
def database(args: argparse.Namespace, tmp: Path) -> Iterator[str]:
    """A new, empty database: a SQLite file in `tmp`, or a dedicated PostgreSQL schema."""
    if not args.database_url:
        yield f"sqlite:///{tmp / 'onestop.db'}"
        return
    base = normalise_database_url(args.database_url)
    if not base.startswith("postgresql"):
        raise SystemExit("--database-url: only PostgreSQL URLs (SQLite is the default)")
    schema = f"bench_{secrets.token_hex(6)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield _with_schema(base, schema)
    finally:
        if args.keep:
            print(f"kept schema {schema}")
        else:
            with admin.connect() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def working_days(calendar: WorkingCalendar, before: date, count: int) -> list[date]:
    """The `count` working days before `before`, oldest first."""
    days: list[date] = []
    day = before
    while len(days) < count:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            days.append(day)
    return days[::-1]


def _instant(day: date, minute: float) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=VN_TZ) + timedelta(minutes=minute)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


@dataclass(frozen=True)
class Offer:
    """A procedure as intake uses it, read once: rows are built from plain values, fast."""

    code: str
    name: str
    level: str
    time: dict[str, Any] | None
    time_text: str
    documents: tuple[str, ...]


def _offers(session: Session) -> list[Offer]:
    out = []
    for p in session.exec(select(Procedure).where(Procedure.active)):
        time_ = services.processing_time(p, "in_person")
        docs = tuple(d["name"] for d in p.data.get("documents", []) if d.get("required", True))
        out.append(
            Offer(
                code=p.code,
                name=p.name,
                level=p.level,
                time=time_,
                time_text=services.time_text(time_),
                documents=docs or (f"Tờ khai {p.name}"[:500],),
            )
        )
    return out


class Generator:
    """Builds dossier rows and their events as `services.intake` and `services.apply` would."""

    def __init__(
        self,
        rng: random.Random,
        now: datetime,
        calendar: WorkingCalendar,
        agencies: dict[str, Agency],
        officers: dict[str, User],
        offers: list[Offer],
    ) -> None:
        self.rng = rng
        self.now = now
        self.calendar = calendar
        self.agencies = agencies
        self.officers = officers
        # Commune procedures are received at the commune centres, provincial ones at the
        # provincial centre, as the catalogue's levels say.
        communes = [c for c in officers if c != PROVINCE_CENTRE]
        self.where = {
            "commune": communes,
            "province": [PROVINCE_CENTRE],
            "province_and_commune": [PROVINCE_CENTRE, *communes],
        }
        self.offers = offers

    def due(self, offer: Offer, received: datetime) -> datetime | None:
        if offer.time is None:
            return None
        return self.calendar.due(received, str(offer.time["value"]), offer.time["unit"])

    def event(
        self, at: datetime, action: Action, before: Status | None, after: Status, agency: str
    ) -> dict[str, Any]:
        officer = self.officers[agency]
        citizen = action is Action.SUBMIT_ONLINE
        note = {Action.REFUSE: REFUSAL, Action.REQUEST_SUPPLEMENT: SUPPLEMENT}.get(action)
        return {
            "at": at,
            "action": action.value,
            "from_status": before.value if before else None,
            "to_status": after.value,
            "actor_id": None if citizen else officer.id,
            "actor_name": "Công dân" if citizen else officer.full_name,
            "agency_code": None if citizen else agency,
            "note": note,
            "public": True,
        }

    def dossier(
        self, agency: str, day: date, number: int, minute: float, offer: Offer
    ) -> tuple[dict[str, Any], list[dict[str, Any]], tuple[str, ...]]:
        """One dossier row, its events (without dossier_id) and the names of its papers."""
        rng = self.rng
        at = _instant(day, minute)
        channel = rng.choices(("in_person", "online", "post"), weights=(85, 10, 5))[0]
        owner = _person(rng)
        place = self.agencies[agency].name.removeprefix("Trung tâm Phục vụ hành chính công ")
        row: dict[str, Any] = {
            "code": f"{agency}-{day:%y%m%d}-{number:04d}",
            "public_token": public_token(),
            "procedure_code": offer.code,
            "procedure_name": offer.name,
            "receiving_agency_code": agency,
            "current_agency_code": agency,
            "channel": channel,
            "owner_name": owner,
            "owner_id_number": f"0{rng.randrange(10**10, 10**11)}",
            "owner_phone": f"09{rng.randrange(10**7, 10**8)}",
            "owner_email": f"cd{rng.randrange(10**6)}@example.vn" if rng.random() < 0.3 else None,
            "owner_address": f"{rng.randint(1, 300)} {rng.choice(STREETS)}, {place}",
            "submitter_name": owner,
            "submitter_phone": None,
            "sets": 1,
            "summary": f"{offer.name} - {owner}"[:500],
            "result_place": f"Tại {self.agencies[agency].name}",
            "time_value": float(offer.time["value"]) if offer.time else None,
            "time_unit": offer.time["unit"] if offer.time else None,
            "time_text": offer.time_text,
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
            "created_by_id": self.officers[agency].id,
            "updated_at": at,
        }
        events: list[dict[str, Any]] = []
        status: Status | None = None
        if channel == "online":  # submitted on the portal, checked at the counter later
            row["submitted_at"] = at - timedelta(hours=rng.uniform(1, 72))
            status = Status.SUBMITTED
            events.append(
                self.event(row["submitted_at"], Action.SUBMIT_ONLINE, None, status, agency)
            )
        outcome = rng.random()
        if outcome < 0.03:  # refused at the counter (Mẫu 03)
            events.append(self.event(at, Action.REFUSE, status, Status.REFUSED, agency))
            row |= {"status": 3, "ended_at": at, "request_reason": REFUSAL}
            return row, events, offer.documents
        if outcome < 0.07:  # asked to complete (Mẫu 02): the clock has not started
            events.append(
                self.event(at, Action.REQUEST_SUPPLEMENT, status, Status.SUPPLEMENT, agency)
            )
            missing = [{"name": offer.documents[-1], "note": None}]
            row |= {"status": 5, "paused_at": at, "request_reason": SUPPLEMENT}
            resume = status.value if status else None  # as services.apply() keeps it
            row |= {"missing_documents": missing, "resume_status": resume}
            return row, events, offer.documents[:-1]
        due = self.due(offer, at)
        row |= {"received_at": at, "due_at": due}
        steps = [(at, Action.RECEIVE, Status.RECEIVED)]
        # Handled, finished (on time mostly) and handed back, as far as `now` allows.
        span = (due or at + timedelta(days=14)) - at
        transfer = at + timedelta(minutes=rng.uniform(5, 120))
        done = at + span * (rng.uniform(0.3, 0.98) if rng.random() < 0.93 else rng.uniform(1, 1.4))
        returned = done + timedelta(hours=rng.uniform(1, 72))
        steps += [
            (transfer, Action.TRANSFER, Status.PROCESSING),
            (done, Action.COMPLETE, Status.DONE),
            (returned, Action.RETURN_RESULT, Status.RETURNED),
        ]
        for when, action, after in steps:
            if when > self.now:
                break
            events.append(self.event(when, action, status, after, agency))
            status = after
            row["updated_at"] = when
            if after is Status.DONE:
                row["ended_at"] = when
        assert status is not None
        row["status"] = status.value
        return row, events, offer.documents

    def plan(self, n: int, days: Sequence[date]) -> list[tuple[str, date, int, float, Offer]]:
        """(agency, day, number, minute, procedure) of n receptions, in the order of time."""
        picks = []
        for _ in range(n):
            offer = self.rng.choice(self.offers)
            agency = self.rng.choice(self.where.get(offer.level, [PROVINCE_CENTRE]))
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
                raise SystemExit("over 9,999 dossiers a day at one centre: raise --history-days")
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
    # The day counters as next_code() would have left them, so later receptions get new codes.
    last: dict[tuple[str, str], int] = {}
    for agency, day, number, _, _ in plan:
        last[agency, f"{day:%y%m%d}"] = number
    counters = [{"agency_code": a, "day": d, "last": k} for (a, d), k in last.items()]
    session.execute(_insert(DossierCounter), counters)
    if session.get_bind().dialect.name == "postgresql":
        # Given ids leave the id sequence behind: move it on, so the services can insert.
        session.execute(
            text("SELECT setval(pg_get_serial_sequence('dossier', 'id'), :n)"),
            {"n": last_id + len(plan)},
        )
    return {"tokens": tokens, "counts": dict(counts)}


def set_up(url: str, tmp: Path, n: int, seed: int, history_days: int) -> Fixture:
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    now = datetime.now(UTC)
    migrate.upgrade(url)
    database_ = db.Database(url)
    with database_.session_scope() as session:
        load_catalogue(session, directory=ROOT / "procedures", now=now)
    seconds["migrate + catalogue"] = time.perf_counter() - started

    mark = time.perf_counter()
    with database_.session_scope() as session:
        agencies = {a.code: a for a in session.exec(select(Agency))}
        centres = [a for a in agencies.values() if a.role in ("ttpvhcc_tinh", "ttpvhcc_xa")]
        officers = {}
        for i, agency in enumerate(sorted(centres, key=lambda a: a.code), 1):
            officers[agency.code], _ = create_user(
                session,
                username=f"bench.officer{i}",
                role="officer",
                agency_code=agency.code,
                full_name=_person(random.Random(i)),
                now=now,
            )
        api_token = create_token(session, user=officers[RECEIPT_AGENCY], now=now)
        calendar = calendar_for(session, catalogue_dir=ROOT / "procedures", extra=None)
        offers = _offers(session)
    seconds["users + token"] = time.perf_counter() - mark

    mark = time.perf_counter()
    rng = random.Random(seed)
    gen = Generator(rng, now, calendar, agencies, officers, offers)
    today = now.astimezone(VN_TZ).date()
    with database_.session_scope() as session:
        inserted = bulk_insert(session, gen, n, working_days(calendar, today, history_days))
    seconds[f"bulk insert of {n:,} dossiers"] = time.perf_counter() - mark

    mark = time.perf_counter()
    with database_.session_scope() as session:
        # The receipt's dossier goes through the services, exactly as the counter records one.
        db.begin_write(session)
        request = services.check_intake(session, _receipt_intake(), agency_code=RECEIPT_AGENCY)
        officer = session.get(User, officers[RECEIPT_AGENCY].id)
        assert officer is not None
        dossier = services.intake(
            session,
            request=request,
            outcome=Action.RECEIVE,
            actor=officer,
            calendar=calendar,
            now=now,
        )
        receipt_code = dossier.code
        if session.get_bind().dialect.name == "postgresql":
            # Autovacuum would analyse the new rows within a minute; do it now so the planner
            # sees the real table sizes from the first request.
            session.execute(text("ANALYZE"))
    seconds["receipt dossier (services)"] = time.perf_counter() - mark
    database_.engine.dispose()
    seconds["total"] = time.perf_counter() - started
    tokens = inserted["tokens"]
    return Fixture(
        url=url,
        tmp=tmp,
        api_token=api_token,
        receipt_code=receipt_code,
        lookup_tokens=random.Random(seed + 1).sample(tokens, min(TOKEN_SAMPLE, len(tokens))),
        rows=inserted["counts"] | {"dossiers": inserted["counts"].get("dossiers", 0) + 1},
        seconds=seconds,
    )


def _receipt_intake() -> dict[str, Any]:
    """A usual counter intake (residence registration), with three papers on Mẫu 01."""
    return {
        "procedure_code": "1.004222",
        "channel": "in_person",
        "applicant": {
            "full_name": "Đặng Thị Hường",
            "id_number": "052190001234",
            "phone": "0912 345 678",
            "email": "huong@example.vn",
            "address": "12 Trần Hưng Đạo, phường Quy Nhơn",
        },
        "documents": [
            {"name": "Tờ khai thay đổi thông tin cư trú (CT01)", "originals": 1},
            {"name": "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp", "certified_copies": 1},
            {"name": "Ý kiến đồng ý của chủ sở hữu chỗ ở hợp pháp", "originals": 1},
        ],
    }


def make_app(fixture: Fixture, fixed_html: str | None = None) -> Flask:
    """The app as gunicorn builds it, in this process; optionally with the fixed page route."""
    app = create_app(
        {
            "DATABASE_URL": fixture.url,
            "SECRET_KEY": "bench",
            "PUBLIC_RATE_LIMIT": "0",
            "INSTANCE_PATH": str(fixture.tmp / "instance"),
        }
    )
    if fixed_html is not None:
        app.add_url_rule(FIXED_PATH, "bench_fixed", lambda: (fixed_html, 200, FIXED_HEADERS))
    return app


# ---------------------------------------------------------------------------------------------
# (a) The receipt endpoint against the bare render


@dataclass
class Series:
    name: str
    seconds: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def mean_ms(self) -> float:
        return statistics.fmean(self.seconds) * 1000


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


class RenderSpy:
    """Stands in for `render.render_html_to_pdf`: calls it, keeping the HTML and the time.

    render.py's `_render` looks the function up in its module at each call, so patching the
    module attribute catches the very HTML a real request renders, and how long WeasyPrint
    took inside that request, without rebuilding the template context here.
    """

    def __init__(self, real: Callable[[str], bytes]) -> None:
        self.real = real
        self.html: list[str] = []
        self.seconds: list[float] = []

    def __call__(self, html: str) -> bytes:
        started = time.perf_counter()
        try:
            return self.real(html)
        finally:
            self.seconds.append(time.perf_counter() - started)
            self.html.append(html)


def measure_receipt(app: Flask, fixture: Fixture, n: int, warmup: int) -> dict[str, Any]:
    # WeasyPrint takes a second to import: only a run that measures the receipt pays for it.
    from onestop.receipts import build, render

    path = f"/api/v1/dossiers/{fixture.receipt_code}/receipt.pdf"
    headers = {"Authorization": f"Bearer {fixture.api_token}"}
    client = app.test_client()
    real = render.render_html_to_pdf
    spy = RenderSpy(real)

    def endpoint() -> bytes:
        before = len(spy.html)
        response = client.get(path, headers=headers)
        if response.status_code != 200 or response.mimetype != "application/pdf":
            raise SystemExit(f"GET {path}: {response.status} {response.get_data()[:300]!r}")
        if len(spy.html) != before + 1:
            raise SystemExit(
                "the receipt endpoint did not call render.render_html_to_pdf exactly once:"
                " render.py changed, update bench/intake.py"
            )
        return response.get_data()

    # render_receipt(data) alone (QR code + template + WeasyPrint, no request, no database):
    # the gap between the endpoint and the bare render splits into this and the rest.
    with app.app_context():
        session = db.session()
        data = build.receipt_data(session, get_dossier(session, fixture.receipt_code))
        session.close()

    def bare() -> bytes:
        # The floor: WeasyPrint alone on the endpoint's HTML, called as render.py calls it.
        return real(spy.html[0])

    def receipt() -> bytes:
        return render.render_receipt(data)

    calls = {"endpoint": endpoint, "render_receipt(data)": receipt, "render_html_to_pdf": bare}
    results: dict[str, list[float]] = {name: [] for name in calls}
    inside: list[float] = []  # WeasyPrint's share of each timed endpoint call
    sizes: dict[str, int] = {}
    with mock.patch.object(render, "render_html_to_pdf", spy):
        endpoint()
        for _ in range(warmup):
            for call in calls.values():
                call()
        for i in range(n):
            # Interleaved, in a rotating order, so drift on the machine hits every series alike.
            names = list(calls)
            names = names[i % 3 :] + names[: i % 3]
            for name in names:
                # A render leaves a great many objects behind: collect them outside the timing,
                # so that no call pays for the garbage of the one before it.
                gc.collect()
                seconds, pdf = _timed(calls[name])
                results[name].append(seconds)
                sizes[name] = len(pdf)
                if name == "endpoint":
                    inside.append(spy.seconds[-1])
    if len(set(spy.html)) != 1:
        raise SystemExit("the receipt's HTML changed between calls: the floor is not the same page")
    series = [Series(name, s) for name, s in results.items()]
    endpoint_s, bare_s = series[0].seconds, series[2].seconds
    return {
        "series": series,
        "ratio": series[0].median_ms / series[2].median_ms,
        "ratio_mean": series[0].mean_ms / series[2].mean_ms,
        # Less sensitive to other work on the machine: the best of each, and the median of the
        # ratios of calls made side by side in the same round.
        "ratio_min": min(endpoint_s) / min(bare_s),
        "ratio_paired": statistics.median(e / b for e, b in zip(endpoint_s, bare_s, strict=True)),
        # What the endpoint adds around its own WeasyPrint call, measured within each request.
        "outside_ms": statistics.median(e - w for e, w in zip(endpoint_s, inside, strict=True))
        * 1000,
        "inside_ms": statistics.median(inside) * 1000,
        "ratio_within": statistics.median(e / w for e, w in zip(endpoint_s, inside, strict=True)),
        "html_chars": len(spy.html[0]),
        "pdf_bytes": sizes,
        "path": path,
    }


# ---------------------------------------------------------------------------------------------
# (b) The public page under gunicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


APP_MODULE = '''"""Written by bench/intake.py: the app, plus a route returning a fixed page."""

from pathlib import Path

from onestop.app import create_app

FIXED_HTML = (Path(__file__).parent / "fixed.html").read_text(encoding="utf-8")
HEADERS = {headers!r}

app = create_app()


@app.get({path!r})
def fixed() -> tuple[str, int, dict[str, str]]:
    return FIXED_HTML, 200, HEADERS
'''

# Picks a path at random for every request from the file named after `--`; `done` prints one
# machine-readable line. One script for both routes, so wrk does the same work for each.
WRK_SCRIPT = r"""
local paths = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time() * 100 + (id or 0))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.6f, "bytes": %d, "non_2xx": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "timeout": %d, "p50_ms": %.3f, "p99_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, summary.bytes, e.status, e.connect, e.read,
    e.write, e.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    command: list[str]
    log: Path


def start_gunicorn(fixture: Fixture, fixed_html: str, workers: int) -> Server:
    folder = fixture.tmp / "server"
    folder.mkdir(exist_ok=True)
    (folder / "fixed.html").write_text(fixed_html, encoding="utf-8")
    module = APP_MODULE.format(headers=FIXED_HEADERS, path=FIXED_PATH)
    (folder / "bench_intake_app.py").write_text(module, encoding="utf-8")
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--chdir",
        str(folder),
        "--log-level",
        "warning",
        "bench_intake_app:app",
    ]
    env = os.environ | {
        "ONESTOP_DATABASE_URL": fixture.url,
        "ONESTOP_SECRET_KEY": "bench",
        "ONESTOP_PUBLIC_RATE_LIMIT": "0",
    }
    log = folder / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(process, port, command, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            if _get(port, FIXED_PATH)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_gunicorn(server)
    raise SystemExit(f"gunicorn did not answer within 60 s:\n{log.read_text()}")


def stop_gunicorn(server: Server) -> None:
    server.process.terminate()  # SIGTERM: the arbiter stops its workers gracefully
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass
class LoadRun:
    label: str
    requests: int
    seconds: float
    non_2xx: int
    socket_errors: dict[str, int]
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def run_wrk(port: int, paths_file: Path, script: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}/",
        "--",
        str(paths_file),
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=args.duration + 60, check=False
    )
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            result: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
            return result
    raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def run_python_loader(port: int, paths_file: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The same load from another Python process (threads, keep-alive) when wrk is missing."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--load-worker",
        str(port),
        str(paths_file),
        "--duration",
        str(args.duration),
        "--connections",
        str(args.connections),
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=args.duration + 60, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"load generator failed:\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def load_worker(port: int, paths_file: Path, duration: float, connections: int) -> None:
    """Entry point of the Python load generator's process: prints one JSON line."""
    paths = paths_file.read_text().split()
    deadline = time.monotonic() + duration
    lock = threading.Lock()
    totals: Counter[str] = Counter()
    latencies: list[float] = []

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine: list[float] = []
        counts: Counter[str] = Counter()
        while time.monotonic() < deadline:  # bounded in time
            started = time.perf_counter()
            try:
                conn.request("GET", rng.choice(paths))
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                counts["read"] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append(time.perf_counter() - started)
            counts["requests"] += 1
            counts["bytes"] += len(body)
            if not 200 <= response.status < 300:
                counts["non_2xx"] += 1
            if response.will_close:  # gunicorn's sync workers close after each answer
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.close()
        with lock:
            totals.update(counts)
            latencies.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + 30)
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[int(p * (len(latencies) - 1))] * 1000 if latencies else 0.0

    print(
        json.dumps(
            {
                "requests": totals["requests"],
                "seconds": elapsed,
                "bytes": totals["bytes"],
                "non_2xx": totals["non_2xx"],
                "connect": 0,
                "read": totals["read"],
                "write": 0,
                "timeout": 0,
                "p50_ms": pct(0.5),
                "p99_ms": pct(0.99),
            }
        )
    )


def measure_public(app: Flask, fixture: Fixture, args: argparse.Namespace) -> dict[str, Any]:
    tmp = fixture.tmp
    public_paths = tmp / "public-paths.txt"
    public_paths.write_text("".join(f"/tra-cuu/{t}\n" for t in fixture.lookup_tokens))
    fixed_paths = tmp / "fixed-paths.txt"
    fixed_paths.write_text(f"{FIXED_PATH}\n")
    script = tmp / "paths.lua"
    script.write_text(WRK_SCRIPT)

    # The fixed page is a real public page captured once: same size, same bytes on the wire.
    page = app.test_client().get(f"/tra-cuu/{fixture.lookup_tokens[0]}")
    if page.status_code != 200:
        raise SystemExit(f"public page: {page.status}")
    fixed_html = page.get_data(as_text=True)

    use_wrk = args.loader == "wrk" or (args.loader == "auto" and shutil.which("wrk"))
    loader = "wrk" if use_wrk else "python"

    def load(paths: Path, options: argparse.Namespace) -> dict[str, Any]:
        if use_wrk:
            return run_wrk(server.port, paths, script, options)
        return run_python_loader(server.port, paths, options)

    server = start_gunicorn(fixture, fixed_html, args.workers)
    runs: list[LoadRun] = []
    try:
        # Warm-up, not counted: each worker opens its connections and compiles its templates.
        warm = argparse.Namespace(**(vars(args) | {"duration": 2}))
        for paths in (public_paths, fixed_paths):
            load(paths, warm)
        order = [("public", public_paths), ("fixed", fixed_paths)]
        for r in range(args.rounds):
            # Alternate which route goes first, so a trend on the machine does not favour one.
            for label, paths in order if r % 2 == 0 else order[::-1]:
                raw = load(paths, args)
                run = LoadRun(
                    label=label,
                    requests=raw["requests"],
                    seconds=raw["seconds"],
                    non_2xx=raw["non_2xx"],
                    socket_errors={k: raw[k] for k in ("connect", "read", "write", "timeout")},
                    p50_ms=raw["p50_ms"],
                    p99_ms=raw["p99_ms"],
                )
                print(
                    f"  round {r + 1} {label:<6} {run.rps:8.1f} req/s  p50 {run.p50_ms:6.1f} ms"
                    f"  p99 {run.p99_ms:6.1f} ms  ({run.requests} requests, {run.non_2xx}"
                    f" non-2xx, socket errors {run.socket_errors})",
                    flush=True,
                )
                if run.requests == 0 or run.non_2xx:
                    raise SystemExit(
                        f"{label}: {run.non_2xx} non-2xx answers of {run.requests}; "
                        f"see {server.log}"
                    )
                runs.append(run)
    finally:
        stop_gunicorn(server)
    public = statistics.median(r.rps for r in runs if r.label == "public")
    fixed = statistics.median(r.rps for r in runs if r.label == "fixed")
    return {
        "runs": runs,
        "public_rps": public,
        "fixed_rps": fixed,
        "ratio": public / fixed,
        "page_bytes": len(page.get_data()),
        "loader": loader,
        "server": server.command,
        "fixed_html": fixed_html,
    }


# ---------------------------------------------------------------------------------------------
# Profiles: where the time goes, in-process


# (file ending, function): the steps worth naming, in the order a request meets them.
RECEIPT_STEPS = (
    ("flask/app.py", "wsgi_app"),
    ("onestop/web/api.py", "_authenticate"),
    ("onestop/accounts/services.py", "user_for_token"),
    ("onestop/web/api.py", "_visible"),
    ("onestop/receipts/build.py", "receipt_data"),
    ("onestop/receipts/render.py", "render_receipt"),
    ("onestop/receipts/qr.py", "qr_svg"),
    ("jinja2/environment.py", "render"),
    ("onestop/receipts/render.py", "render_html_to_pdf"),
    ("weasyprint/__init__.py", "render"),
    ("weasyprint/document.py", "write_pdf"),
)
PUBLIC_STEPS = (
    ("flask/app.py", "wsgi_app"),
    ("flask/app.py", "preprocess_request"),
    ("onestop/web/public.py", "dossier"),
    ("onestop/lookup/services.py", "by_token"),
    ("onestop/lookup/services.py", "public_view"),
    ("onestop/dossiers/queries.py", "events"),
    ("flask/templating.py", "render_template"),
    ("flask/app.py", "process_response"),
    ("flask/sessions.py", "save_session"),
)


def profile(
    calls: Callable[[], None], count: int, steps: Sequence[tuple[str, str]], out: Path
) -> str:
    """Run `calls` under cProfile; per-call milliseconds of the named steps, then the top."""
    profiler = cProfile.Profile()
    profiler.enable()
    calls()
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.dump_stats(out)
    table: dict[tuple[str, str], float] = {}
    for (filename, _, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        for step in steps:
            if filename.endswith(step[0]) and name == step[1]:
                table[step] = table.get(step, 0.0) + cumulative
    lines = [f"  {'step (cumulative, under cProfile)':<58} ms/request"]
    for step in steps:
        if step in table:
            lines.append(f"  {step[0] + ':' + step[1]:<58} {table[step] / count * 1000:8.2f}")
    with (out.with_suffix(".txt")).open("w") as report:
        pstats.Stats(str(out), stream=report).sort_stats("tottime").print_stats(25)
    top = pstats.Stats(str(out), stream=_Lines()).sort_stats("tottime")
    lines.append("  top functions by own time (tottime), ms/request:")
    for (filename, line, name), (_, _, own, _, _) in _top(top, 12):
        where = "/".join(Path(filename).parts[-2:])
        lines.append(f"    {own / count * 1000:7.2f}  {where}:{line} {name}")
    lines.append(f"  full profile: {out} and {out.with_suffix('.txt')} (kept with --keep)")
    return "\n".join(lines)


class _Lines:
    """A stream that swallows pstats' printing (only its sorted list is wanted)."""

    def write(self, _text: str) -> int:
        return 0


def _top(stats: pstats.Stats, k: int) -> list[tuple[tuple[str, int, str], tuple[Any, ...]]]:
    keys = stats.fcn_list[:k] if stats.fcn_list else []  # type: ignore[attr-defined]
    return [(key, stats.stats[key]) for key in keys]  # type: ignore[attr-defined]


def profile_receipt(app: Flask, fixture: Fixture, count: int) -> str:
    path = f"/api/v1/dossiers/{fixture.receipt_code}/receipt.pdf"
    headers = {"Authorization": f"Bearer {fixture.api_token}"}
    client = app.test_client()

    def calls() -> None:
        for _ in range(count):
            client.get(path, headers=headers)

    return profile(calls, count, RECEIPT_STEPS, fixture.tmp / "receipt.prof")


def public_steps(app: Flask, tokens: Sequence[str]) -> dict[str, float]:
    """Seconds spent in each step of the public view, summed over one request per token."""
    spent = dict.fromkeys(("lookup.by_token (1 query)", "lookup.public_view (events query)"), 0.0)
    spent["render_template('lookup/dossier.html')"] = 0.0
    names = list(spent)
    now = db.utcnow()
    for token in tokens:
        # A request context of its own, as each real request has (a new session each time).
        with app.test_request_context(f"/tra-cuu/{token}"):
            session = db.session()
            t0 = time.perf_counter()
            row = lookup.by_token(session, token)
            t1 = time.perf_counter()
            view = lookup.public_view(session, row, now=now)
            t2 = time.perf_counter()
            render_template("lookup/dossier.html", d=view)
            t3 = time.perf_counter()
        spent[names[0]] += t1 - t0
        spent[names[1]] += t2 - t1
        spent[names[2]] += t3 - t2
    return spent


def page_costs(fixture: Fixture, fixed_html: str, count: int, with_profile: bool) -> str:
    """Single-thread milliseconds per request, no HTTP: the public page against the fixed one."""
    app = make_app(fixture, fixed_html)
    client = app.test_client()
    rng = random.Random(7)
    tokens = fixture.lookup_tokens

    def public() -> None:
        for _ in range(count):
            client.get(f"/tra-cuu/{rng.choice(tokens)}")

    def fixed() -> None:
        for _ in range(count):
            client.get(FIXED_PATH)

    public()  # warm: templates compiled, pool connections open
    fixed()
    public_s, _ = _timed(public)
    fixed_s, _ = _timed(fixed)
    lines = [
        f"  in-process, one thread, {count} requests each (Flask test client, no HTTP):",
        f"    public page {public_s / count * 1000:6.2f} ms/request,"
        f" fixed page {fixed_s / count * 1000:6.2f} ms/request",
        "    the public view's own steps (no profiler), ms/request:",
    ]
    for step, seconds in public_steps(app, tokens[:count]).items():
        lines.append(f"      {step:<44} {seconds / min(count, len(tokens)) * 1000:6.2f}")
    if with_profile:
        lines.append(profile(public, count, PUBLIC_STEPS, fixture.tmp / "public.prof"))
        lines.append("  the fixed page, same steps:")
        lines.append(profile(fixed, count, PUBLIC_STEPS, fixture.tmp / "fixed.prof"))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Report


def machine() -> str:
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()},"
        f" load average {load:.2f} at start"
    )


def _goal(met: bool) -> str:
    return "met" if met else "NOT MET"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--history-days", type=int, default=250, help="working days spanned")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="PostgreSQL URL; a schema is made and dropped")
    parser.add_argument("--n", type=int, default=30, help="receipt requests and renders each")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds of each load run")
    parser.add_argument("--rounds", type=int, default=3, help="load runs of each route")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--loader", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--profile", action="store_true", help="profile even if goals are met")
    parser.add_argument("--profile-requests", type=int, default=300)
    parser.add_argument("--skip-receipt", action="store_true")
    parser.add_argument("--skip-public", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 300 or not 1 <= args.rounds <= 20:
        parser.error("--duration must be 1-300 s and --rounds 1-20 (bounded runs)")
    if args.n < 1 or args.dossiers < 1:
        parser.error("--n and --dossiers must be at least 1")
    if args.loader == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed (apt-get install -y wrk), or use --loader python")
    return args


def main() -> None:
    # Internal: the Python load generator runs as this same file in a second process.
    if len(sys.argv) > 1 and sys.argv[1] == "--load-worker":
        worker = argparse.ArgumentParser()
        worker.add_argument("--load-worker", type=int, dest="port")
        worker.add_argument("paths", type=Path)
        worker.add_argument("--duration", type=float)
        worker.add_argument("--connections", type=int)
        w = worker.parse_args()
        load_worker(w.port, w.paths, w.duration, w.connections)
        return
    args = parse_args()
    print(machine())
    tmp = Path(tempfile.mkdtemp(prefix="onestop-bench-"))
    try:
        with database(args, tmp) as url:
            run(args, url, tmp)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, url: str, tmp: Path) -> None:
    shown = url.split("?")[0]
    print(f"database: {shown}{' (own schema)' if '?' in url else ''}", flush=True)
    fixture = set_up(url, tmp, args.dossiers, args.seed, args.history_days)
    print("set-up:")
    for step, seconds in fixture.seconds.items():
        print(f"  {step:<36} {seconds:8.2f} s")
    print(f"  rows: {fixture.rows}", flush=True)

    app = make_app(fixture)
    receipt: dict[str, Any] | None = None
    public: dict[str, Any] | None = None
    if not args.skip_receipt:
        print(f"(a) receipt endpoint against the bare render, N={args.n}:", flush=True)
        receipt = measure_receipt(app, fixture, args.n, args.warmup)
        for s in receipt["series"]:
            print(
                f"  {s.name:<22} median {s.median_ms:8.1f} ms  mean {s.mean_ms:8.1f} ms"
                f"  min {min(s.seconds) * 1000:8.1f} ms  max {max(s.seconds) * 1000:8.1f} ms"
            )
        end, whole, bare = (s.median_ms for s in receipt["series"])
        print(
            f"  HTML {receipt['html_chars']:,} characters, PDF bytes {receipt['pdf_bytes']}\n"
            f"  within each endpoint call (medians): WeasyPrint {receipt['inside_ms']:.1f} ms,"
            f" everything else (request, auth, queries, data, QR, template)"
            f" {receipt['outside_ms']:.1f} ms; endpoint / its own render"
            f" {receipt['ratio_within']:.3f}\n"
            f"  across series (medians): endpoint - render_receipt {end - whole:+.1f} ms,"
            f" render_receipt - bare render {whole - bare:+.1f} ms\n"
            f"  ratio endpoint/render {receipt['ratio']:.3f} (medians),"
            f" {receipt['ratio_mean']:.3f} (means), {receipt['ratio_min']:.3f} (minimums),"
            f" {receipt['ratio_paired']:.3f} (median of paired ratios);"
            f" goal <= {RECEIPT_GOAL}: {_goal(receipt['ratio'] <= RECEIPT_GOAL)}",
            flush=True,
        )
        if args.profile or receipt["ratio"] > RECEIPT_GOAL:
            print(f"  profile of {args.profile_requests // 10} receipt requests:")
            print(profile_receipt(app, fixture, max(1, args.profile_requests // 10)))
    if not args.skip_public:
        print(
            f"(b) public page against a fixed page, gunicorn -w {args.workers},"
            f" {args.rounds} x {args.duration} s each:",
            flush=True,
        )
        public = measure_public(app, fixture, args)
        print(f"  server: {' '.join(public['server'])}")
        print(
            f"  loader: {public['loader']}, {args.connections} connections"
            f"{f', {args.threads} threads' if public['loader'] == 'wrk' else ''}; page"
            f" {public['page_bytes']:,} bytes; public {public['public_rps']:.1f} req/s, fixed"
            f" {public['fixed_rps']:.1f} req/s (medians); ratio {public['ratio']:.3f};"
            f" goal >= {PUBLIC_GOAL}: {_goal(public['ratio'] >= PUBLIC_GOAL)}",
            flush=True,
        )
        with_profile = args.profile or public["ratio"] < PUBLIC_GOAL
        print(page_costs(fixture, public["fixed_html"], args.profile_requests, with_profile))
    summary(args, fixture, receipt, public)


def summary(
    args: argparse.Namespace,
    fixture: Fixture,
    receipt: dict[str, Any] | None,
    public: dict[str, Any] | None,
) -> None:
    """The figures as a Markdown table, ready for docs/PERFORMANCE.md."""
    rows = [
        (f"set-up ({fixture.rows['dossiers']:,} dossiers)", f"{fixture.seconds['total']:.1f} s")
    ]
    if receipt:
        for s in receipt["series"]:
            rows.append((f"{s.name}, median (mean)", f"{s.median_ms:.1f} ms ({s.mean_ms:.1f})"))
        ok = receipt["ratio"] <= RECEIPT_GOAL
        rows.append(
            (
                "**receipt endpoint / bare render** (medians)",
                f"**{receipt['ratio']:.2f}×** (goal ≤ {RECEIPT_GOAL}×: {_goal(ok)})",
            )
        )
    if public:
        rows.append(
            (f"public page, gunicorn -w {args.workers}", f"{public['public_rps']:.0f} req/s")
        )
        rows.append(("fixed page, same server", f"{public['fixed_rps']:.0f} req/s"))
        ok = public["ratio"] >= PUBLIC_GOAL
        rows.append(
            (
                "**public / fixed** (medians of the rounds)",
                f"**{public['ratio']:.2f}×** (goal ≥ {PUBLIC_GOAL}×: {_goal(ok)})",
            )
        )
    print("\nsummary\n| measure | figure |\n|---|---|")
    for name, figure in rows:
        print(f"| {name} | {figure} |")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average at the end: {load:.2f}")


if __name__ == "__main__":
    main()
