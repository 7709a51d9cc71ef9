"""Measurement (b) of bench/intake.py: the public page /tra-cuu/<token> under gunicorn, against
a fixed copy of a public page served by the same app on the same server (bench/fixed_page.py).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flask import Flask

from bench import load, profiling, server
from bench.fixed_page import FIXED_PATH
from bench.report import timed
from onestop import db
from onestop.lookup import services as lookup


def capture(app: Flask, token: str) -> bytes:
    """A real public page, captured once: the fixed page is the same bytes on the wire."""
    page = app.test_client().get(f"/tra-cuu/{token}")
    if page.status_code != 200:
        raise SystemExit(f"public page: {page.status}")
    return page.get_data()


def measure(
    url: str, tmp: Path, tokens: Sequence[str], fixed_html: str, args: argparse.Namespace
) -> dict[str, Any]:
    """Requests per second of each route under gunicorn: --rounds runs of --duration s."""
    paths = {"public": tmp / "public-paths.txt", "fixed": tmp / "fixed-paths.txt"}
    paths["public"].write_text("".join(f"/tra-cuu/{t}\n" for t in tokens))
    paths["fixed"].write_text(f"{FIXED_PATH}\n")
    (tmp / "fixed.html").write_text(fixed_html, encoding="utf-8")
    kind = load.loader(args.loader)
    port = server.free_port()
    command = server.gunicorn(port, args.workers, app="bench.fixed_page:create()")
    env = server.environment(url, BENCH_FIXED_HTML=str(tmp / "fixed.html"))
    with server.running(command, port, env, tmp / "gunicorn.log", probe=FIXED_PATH) as running:
        runs = rounds(kind, running, paths, args)
    public = statistics.median(r.rps for r in runs if r.label == "public")
    fixed = statistics.median(r.rps for r in runs if r.label == "fixed")
    return {
        "runs": runs,
        "public_rps": public,
        "fixed_rps": fixed,
        "ratio": public / fixed,
        "loader": kind,
        "server": command,
    }


def rounds(
    kind: str, running: server.Server, paths: dict[str, Path], args: argparse.Namespace
) -> list[load.LoadRun]:
    """A warm-up of each route, then --rounds runs of each, printed as they end."""

    def steady(paths_file: Path, duration: float) -> dict[str, Any]:
        return load.steady(
            kind,
            running.port,
            paths_file,
            duration=duration,
            connections=args.connections,
            threads=args.threads,
        )

    # Warm-up, not counted: each worker opens its connections and compiles its templates.
    for paths_file in paths.values():
        steady(paths_file, 2)
    order = list(paths.items())
    runs = []
    for r in range(args.rounds):
        # Alternate which route goes first, so a trend on the machine does not favour one.
        for label, paths_file in order if r % 2 == 0 else order[::-1]:
            run = load.LoadRun.from_raw(label, steady(paths_file, args.duration))
            print(
                f"  round {r + 1} {label:<6} {run.rps:8.1f} req/s  p50 {run.p50_ms:6.1f} ms"
                f"  p99 {run.p99_ms:6.1f} ms  ({run.requests} requests, {run.non_2xx}"
                f" non-2xx, socket errors {run.socket_errors})",
                flush=True,
            )
            if run.requests == 0 or run.non_2xx:
                raise SystemExit(
                    f"{label}: {run.non_2xx} non-2xx answers of {run.requests}; see {running.log}"
                )
            runs.append(run)
    return runs


def steps(app: Flask, tokens: Sequence[str]) -> dict[str, float]:
    """Seconds spent in each step of the public view, summed over one request per token.

    The steps of onestop/web/public.py's `dossier`, called as it calls them: update this when
    that view changes."""
    from onestop.web.public import render_light

    names = ("lookup.by_token (queries, view)", "render_light('lookup/dossier.html')")
    spent = dict.fromkeys(names, 0.0)
    now = db.utcnow()
    for token in tokens:
        # A request context of its own, as each real request has (a new connection each time).
        with app.test_request_context(f"/tra-cuu/{token}"), db.reading() as conn:
            t0 = time.perf_counter()
            view = lookup.by_token(conn, token, now=now)
            t1 = time.perf_counter()
            render_light("lookup/dossier.html", d=view)
            t2 = time.perf_counter()
        for name, seconds in zip(names, (t1 - t0, t2 - t1), strict=True):
            spent[name] += seconds
    return spent


def costs(app: Flask, tokens: Sequence[str], count: int, tmp: Path, with_profile: bool) -> str:
    """Single-thread milliseconds per request, no HTTP: the public page against the fixed one
    (`app` has the fixed page's route); with a profile of each when asked."""
    client = app.test_client()
    rng = random.Random(7)

    def public() -> None:
        for _ in range(count):
            client.get(f"/tra-cuu/{rng.choice(tokens)}")

    def fixed() -> None:
        for _ in range(count):
            client.get(FIXED_PATH)

    public()  # warm: templates compiled, pool connections open
    fixed()
    public_s, _ = timed(public)
    fixed_s, _ = timed(fixed)
    lines = [
        f"  in-process, one thread, {count} requests each (Flask test client, no HTTP):",
        f"    public page {public_s / count * 1000:6.2f} ms/request,"
        f" fixed page {fixed_s / count * 1000:6.2f} ms/request",
        "    the public view's own steps (no profiler), ms/request:",
    ]
    for step, seconds in steps(app, tokens[:count]).items():
        lines.append(f"      {step:<44} {seconds / min(count, len(tokens)) * 1000:6.2f}")
    if with_profile:
        lines.append(profiling.profile(public, count, profiling.PUBLIC_STEPS, tmp / "public.prof"))
        lines.append("  the fixed page, same steps:")
        lines.append(profiling.profile(fixed, count, profiling.PUBLIC_STEPS, tmp / "fixed.prof"))
    return "\n".join(lines)
