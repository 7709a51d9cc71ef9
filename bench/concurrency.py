"""Benchmark: parallel receptions and readers against the servers a centre may run.

    .venv/bin/python bench/concurrency.py [--receptions 48] [--readers 16] [--rounds 3]
                                          [--workers 2] [--timeout 30]
                                          [--database-url postgresql://postgres@127.0.0.1:5432/test]

Settings: (1) `onestop serve` (one process) on SQLite, (2) gunicorn -w 2 on SQLite, (3) gunicorn
-w 2 on PostgreSQL, with --database-url only. Each gets a database of its own (a SQLite file in
a temporary folder, or a schema of its own), migrated, with the catalogue, one officer of the
phường Quy Nhơn centre with a bearer token per thread, and a few dossiers for the readers.

Each round sends, all at once, --receptions `POST /api/v1/dossiers` (the counter's usual
intake, a different applicant each) and --readers GETs (half `/api/v1/dossiers/{code}`, half the
public page `/tra-cuu/{token}`). Printed per setting: the HTTP statuses, the distinct codes
among the 201s, whether every 201 dossier is in the database (and none without a 201), and the
receptions per second of each round (201s / time to the last POST's answer) with their median.

Only 127.0.0.1 is ever contacted; a request unanswered after --timeout seconds counts as status
0, so every round ends. Nothing here asserts anything; a person reads the figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

if not __package__ and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    # Run as a file, Python put bench/ first on sys.path: put the project root, which holds
    # the packages `bench` and `tests`, in its place (`python -m bench.NAME` needs none of it).
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import json
import random
import shutil
import statistics
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import select

from bench import data, database, load, report, server
from onestop import db
from onestop.accounts.services import create_token, create_user
from onestop.config import ROOT
from onestop.deadlines.services import calendar_for
from onestop.dossiers.models import Dossier

SEED_DOSSIERS = 8  # what the readers read
WARM_UP = 4  # requests of each kind before the rounds, not counted: workers load the app


@dataclass
class Accounts:
    """What the requests carry: tokens, and the dossiers the readers read."""

    post_tokens: list[str]
    read_tokens: list[str]
    codes: list[str]
    lookup_tokens: list[str]


@dataclass
class Outcome:
    """One setting's figures, over every round."""

    name: str
    command: list[str]
    posts: Counter[int] = field(default_factory=Counter)
    gets: Counter[int] = field(default_factory=Counter)
    codes: list[str] = field(default_factory=list)  # of every 201, warm-up included
    rates: list[float] = field(default_factory=list)  # receptions per second, per round
    errors: dict[int, str] = field(default_factory=dict)  # a sample answer per failing status
    in_database: int = 0
    without_201: int = 0


def set_up(url: str, receptions: int, readers: int) -> Accounts:
    """The officer, one token per thread, and the readers' dossiers, through the services."""
    now = datetime.now(UTC)
    database_ = db.Database(url)
    try:
        with database_.session_scope() as session:
            officer, _ = create_user(
                session,
                username="bench.counter",
                role="officer",
                agency_code=data.WARD_CENTRE,
                full_name="Nguyễn Thị Lan",
                now=now,
            )
            tokens = [create_token(session, user=officer, now=now) for _ in range(receptions)]
            readers_ = [create_token(session, user=officer, now=now) for _ in range(readers)]
            calendar = calendar_for(session, catalogue_dir=ROOT / "procedures", extra=None)
            rng = random.Random(1)
            seeds = [
                data.receive(
                    session, data.intake_body(rng), officer=officer, calendar=calendar, now=now
                )
                for _ in range(SEED_DOSSIERS)
            ]
            codes, lookups = [d.code for d in seeds], [d.public_token for d in seeds]
    finally:
        database_.engine.dispose()
    return Accounts(tokens, readers_, codes, lookups)


def requests(
    accounts: Accounts, rng: random.Random, receptions: int, readers: int
) -> tuple[list[load.Request], list[load.Request]]:
    """The POSTs (a token each) and the GETs of one round (half API, half public page)."""
    posts = [
        load.Request(
            "POST",
            "/api/v1/dossiers",
            {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            json.dumps(data.intake_body(rng)).encode(),
        )
        for token in accounts.post_tokens[:receptions]
    ]
    gets = []
    for i, token in enumerate(accounts.read_tokens[:readers]):
        if i % 2 == 0:
            code = rng.choice(accounts.codes)
            headers = {"Authorization": f"Bearer {token}"}
            gets.append(load.Request("GET", f"/api/v1/dossiers/{code}", headers))
        else:
            gets.append(load.Request("GET", f"/tra-cuu/{rng.choice(accounts.lookup_tokens)}"))
    return posts, gets


def tally(outcome: Outcome, result: load.Burst, *, counted: bool) -> None:
    """Add one burst's answers to the setting's figures (the warm-up only adds its codes)."""
    for answer in [*result.posts, *result.gets]:
        if answer.status not in (200, 201):
            outcome.errors.setdefault(answer.status, answer.body[:160].decode(errors="replace"))
    created = [a for a in result.posts if a.status == 201]
    outcome.codes += [body["code"] for a in created if isinstance(body := a.json(), dict)]
    if counted:
        outcome.posts.update(load.Burst.statuses(result.posts))
        outcome.gets.update(load.Burst.statuses(result.gets))
        outcome.rates.append(len(created) / result.post_seconds)


def check_database(outcome: Outcome, url: str, seeds: Sequence[str]) -> None:
    """Every 201's dossier is in the database, and no dossier is there without a 201."""
    database_ = db.Database(url)
    try:
        with database_.sessionmaker() as session:
            stored = set(session.exec(select(Dossier.code))) - set(seeds)
    finally:
        database_.engine.dispose()
    outcome.in_database = len(stored & set(outcome.codes))
    outcome.without_201 = len(stored - set(outcome.codes))


def measure(
    name: str, command: list[str], port: int, url: str, tmp: Path, args: argparse.Namespace
) -> Outcome:
    accounts = set_up(url, args.receptions, args.readers)
    outcome = Outcome(name, command)
    rng = random.Random(2)
    log = tmp / f"{name.split()[0]}-{port}.log"
    with server.running(command, port, server.environment(url), log):
        posts, gets = requests(accounts, rng, WARM_UP, WARM_UP)
        tally(outcome, load.burst(port, posts, gets, args.timeout), counted=False)
        for r in range(args.rounds):
            posts, gets = requests(accounts, rng, args.receptions, args.readers)
            result = load.burst(port, posts, gets, args.timeout)
            tally(outcome, result, counted=True)
            print(
                f"  round {r + 1}: POST {dict(load.Burst.statuses(result.posts))} in"
                f" {result.post_seconds:.2f} s ({outcome.rates[-1]:.1f} receptions/s);"
                f" GET {dict(load.Burst.statuses(result.gets))}; all answered in"
                f" {result.seconds:.2f} s",
                flush=True,
            )
    check_database(outcome, url, accounts.codes)
    return outcome


def print_outcome(outcome: Outcome) -> None:
    created = outcome.codes
    print(
        f"  {len(created)} dossiers created (201, warm-up included), {len(set(created))} distinct"
        f" codes; in the database: {outcome.in_database} of them"
        f" ({'all' if outcome.in_database == len(set(created)) else 'NOT ALL'}),"
        f" {outcome.without_201} without a 201"
    )
    for status, body in sorted(outcome.errors.items()):
        print(f"  a {status or 'no'} answer: {body!r}")


Setting = tuple[str, list[str], int, str | None]  # name, command, port, PostgreSQL URL


def settings(args: argparse.Namespace) -> list[Setting]:
    """The settings measured, each with a port of its own."""
    ports = [server.free_port() for _ in range(3)]
    gunicorn = f"gunicorn -w {args.workers}"
    out: list[Setting] = [
        ("onestop serve, SQLite", server.onestop_serve(ports[0]), ports[0], None),
        (f"{gunicorn}, SQLite", server.gunicorn(ports[1], args.workers), ports[1], None),
    ]
    if args.database_url:
        command = server.gunicorn(ports[2], args.workers)
        out.append((f"{gunicorn}, PostgreSQL", command, ports[2], args.database_url))
    return out


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--receptions", type=int, default=48, help="parallel POSTs a round")
    parser.add_argument("--readers", type=int, default=16, help="parallel GETs a round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--timeout", type=float, default=30, help="seconds a request may take")
    parser.add_argument("--database-url", help="PostgreSQL URL: adds setting (3), own schema")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if not 1 <= args.receptions <= 500 or not 0 <= args.readers <= 500:
        parser.error("--receptions must be 1-500 and --readers 0-500 (bounded runs)")
    if not 1 <= args.rounds <= 20 or not 1 <= args.timeout <= 120:
        parser.error("--rounds must be 1-20 and --timeout 1-120 s (bounded runs)")
    return args


def main() -> None:
    args = parse_args()
    print(report.machine(args.database_url))
    tmp = Path(tempfile.mkdtemp(prefix="onestop-concurrency-"))
    outcomes = []
    try:
        for n, (name, command, port, pg) in enumerate(settings(args), 1):
            print(f"({n}) {name}: {' '.join(command)}", flush=True)
            with database.throwaway(tmp, pg, now=datetime.now(UTC), keep=args.keep) as url:
                outcomes.append(measure(name, command, port, url, tmp, args))
            print_outcome(outcomes[-1])
    finally:
        if args.keep:
            print(f"kept {tmp} (server logs)")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    summary(outcomes, args)


def summary(outcomes: Sequence[Outcome], args: argparse.Namespace) -> None:
    """The figures as a Markdown table, ready for docs/PERFORMANCE.md."""
    rows = []
    for o in outcomes:
        median = statistics.median(o.rates) if o.rates else 0.0
        complete = "yes" if o.in_database == len(set(o.codes)) and not o.without_201 else "NO"
        rows.append(
            (
                o.name,
                ", ".join(f"{s or 'none'}: {k}" for s, k in sorted(o.posts.items())),
                ", ".join(f"{s or 'none'}: {k}" for s, k in sorted(o.gets.items())),
                f"{len(set(o.codes))} / {len(o.codes)}",
                complete,
                f"{median:.1f} ({', '.join(f'{r:.1f}' for r in o.rates)})",
            )
        )
    header = (
        "setting",
        "POST statuses",
        "GET statuses",
        "distinct codes / 201s",
        "201s all stored, none extra",
        "receptions/s, median (rounds)",
    )
    print(
        f"\nsummary: {args.rounds} rounds of {args.receptions} receptions and {args.readers}"
        f" readers at once\n" + report.markdown(rows, header)
    )
    print(f"load average at the end: {report.load_average():.2f}")


if __name__ == "__main__":
    main()
