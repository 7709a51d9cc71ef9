"""Benchmark: the receipt endpoint and the public lookup page (issue 4, "Speed").

    .venv/bin/python bench/intake.py [--dossiers 100000] [--n 30] [--duration 10] [--rounds 3]
                                     [--database-url postgresql://postgres@127.0.0.1:5432/test]

Set-up (timed on its own): a new database in a temporary folder (SQLite), or a new schema in the
PostgreSQL database given, migrated, with the catalogue, one officer per reception centre, a
handler at each agency dossiers are handed on to, and --dossiers dossiers bulk-inserted with
their documents and events, shaped like the ones the services write (bench/data.py, checked by
tests/test_bench_data.py).

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

from __future__ import annotations

import sys
from pathlib import Path

if not __package__ and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    # Run as a file, Python put bench/ first on sys.path: put the project root, which holds
    # the packages `bench` and `tests`, in its place (`python -m bench.NAME` needs none of it).
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import random
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from sqlalchemy import text

from bench import data, database, public_page, report
from bench import receipt as receipts
from bench.fixed_page import with_fixed_page
from bench.report import goal
from onestop import db
from onestop.accounts.services import create_token
from onestop.app import create_app
from onestop.calendar import VN_TZ
from onestop.config import ROOT
from onestop.deadlines.services import calendar_for

TOKEN_SAMPLE = 10_000  # distinct lookup pages the load generator picks from
RECEIPT_AGENCY = data.WARD_CENTRE  # the officer whose token calls the receipt endpoint
RECEIPT_GOAL = 1.3
PUBLIC_GOAL = 0.5


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


def set_up(url: str, tmp: Path, n: int, seed: int, history_days: int) -> Fixture:
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    now = datetime.now(UTC)
    database.prepare(url, now=now)
    seconds["migrate + catalogue"] = time.perf_counter() - started

    mark = time.perf_counter()
    database_ = db.Database(url)
    with database_.session_scope() as session:
        agencies = data.load_agencies(session)
        offers = data.load_offers(session)
        staff = data.make_staff(session, agencies, offers, now=now)
        api_token = create_token(session, user=staff[RECEIPT_AGENCY], now=now)
        calendar = calendar_for(session, catalogue_dir=ROOT / "procedures", extra=None)
    seconds["users + token"] = time.perf_counter() - mark

    mark = time.perf_counter()
    gen = data.Generator(random.Random(seed), now, calendar, agencies, staff, offers)
    days = data.working_days(calendar, now.astimezone(VN_TZ).date(), history_days)
    with database_.session_scope() as session:
        inserted = data.bulk_insert(session, gen, n, days)
    seconds[f"bulk insert of {n:,} dossiers"] = time.perf_counter() - mark

    mark = time.perf_counter()
    with database_.session_scope() as session:
        # The receipt's dossier goes through the services, exactly as the counter records one.
        officer = session.merge(staff[RECEIPT_AGENCY])
        dossier = data.receive(
            session, data.RECEIPT_INTAKE, officer=officer, calendar=calendar, now=now
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
    return app if fixed_html is None else with_fixed_page(app, fixed_html)


# ---------------------------------------------------------------------------------------------
# Command line and report


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
    args = parse_args()
    print(report.machine(args.database_url))
    tmp = Path(tempfile.mkdtemp(prefix="onestop-bench-"))
    try:
        with database.empty(tmp, args.database_url, keep=args.keep) as url:
            run(args, url, tmp)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, url: str, tmp: Path) -> None:
    print(f"database: {database.shown(url)}", flush=True)
    fixture = set_up(url, tmp, args.dossiers, args.seed, args.history_days)
    print("set-up:")
    for step, seconds in fixture.seconds.items():
        print(f"  {step:<36} {seconds:8.2f} s")
    print(f"  rows: {fixture.rows}", flush=True)

    app = make_app(fixture)
    receipt = None if args.skip_receipt else run_receipt(app, fixture, args)
    public = None if args.skip_public else run_public(app, fixture, args)
    summary(args, fixture, receipt, public)


def run_receipt(app: Flask, fixture: Fixture, args: argparse.Namespace) -> dict[str, Any]:
    print(f"(a) receipt endpoint against the bare render, N={args.n}:", flush=True)
    code, token = fixture.receipt_code, fixture.api_token
    receipt = receipts.measure(app, code, token, args.n, args.warmup)
    print_receipt(receipt)
    if args.profile or receipt["ratio"] > RECEIPT_GOAL:
        count = max(1, args.profile_requests // 10)
        print(f"  profile of {count} receipt requests:")
        print(receipts.profile(app, code, token, count, fixture.tmp / "receipt.prof"))
    return receipt


def run_public(app: Flask, fixture: Fixture, args: argparse.Namespace) -> dict[str, Any]:
    print(
        f"(b) public page against a fixed page, gunicorn -w {args.workers},"
        f" {args.rounds} x {args.duration} s each:",
        flush=True,
    )
    tokens = fixture.lookup_tokens
    page = public_page.capture(app, tokens[0])
    public = public_page.measure(fixture.url, fixture.tmp, tokens, page.decode(), args)
    print_public(public, len(page), args)
    with_profile = args.profile or public["ratio"] < PUBLIC_GOAL
    with_fixed = make_app(fixture, page.decode())
    count = args.profile_requests
    print(public_page.costs(with_fixed, tokens, count, fixture.tmp, with_profile))
    return public


def print_receipt(receipt: dict[str, Any]) -> None:
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
        f" goal <= {RECEIPT_GOAL}: {goal(receipt['ratio'] <= RECEIPT_GOAL)}",
        flush=True,
    )


def print_public(public: dict[str, Any], page_bytes: int, args: argparse.Namespace) -> None:
    print(f"  server: {' '.join(public['server'])}")
    print(
        f"  loader: {public['loader']}, {args.connections} connections"
        f"{f', {args.threads} threads' if public['loader'] == 'wrk' else ''}; page"
        f" {page_bytes:,} bytes; public {public['public_rps']:.1f} req/s, fixed"
        f" {public['fixed_rps']:.1f} req/s (medians); ratio {public['ratio']:.3f};"
        f" goal >= {PUBLIC_GOAL}: {goal(public['ratio'] >= PUBLIC_GOAL)}",
        flush=True,
    )


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
                f"**{receipt['ratio']:.2f}×** (goal ≤ {RECEIPT_GOAL}×: {goal(ok)})",
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
                f"**{public['ratio']:.2f}×** (goal ≥ {PUBLIC_GOAL}×: {goal(ok)})",
            )
        )
    print("\nsummary\n" + report.markdown(rows, ("measure", "figure")))
    print(f"load average at the end: {report.load_average():.2f}")


if __name__ == "__main__":
    main()
