"""What a reader of the figures needs besides them: the machine, medians, tables."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from onestop.config import normalise_database_url


def cpus() -> int:
    """The CPUs this process may run on, as `nproc` counts them."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def postgresql_version(url: str) -> str:
    engine = create_engine(normalise_database_url(url))
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SHOW server_version")).scalar_one())
    finally:
        engine.dispose()


def machine(database_url: str | None = None) -> str:
    """One line: CPUs, CPU model, Python, SQLite (and PostgreSQL when used), load average."""
    versions = f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    if database_url:
        versions += f", PostgreSQL {postgresql_version(database_url)}"
    return f"{cpus()} CPUs ({cpu_model()}), {versions}, load average {load_average():.2f} at start"


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds `call` took, and what it returned."""
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


@dataclass
class Series:
    """Timings of one thing, in seconds."""

    name: str
    seconds: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def mean_ms(self) -> float:
        return statistics.fmean(self.seconds) * 1000


def goal(met: bool) -> str:
    return "met" if met else "NOT MET"


def markdown(rows: Iterable[Sequence[str]], header: Sequence[str]) -> str:
    """A Markdown table, ready for docs/PERFORMANCE.md."""
    lines = [f"| {' | '.join(header)} |", f"|{'---|' * len(header)}"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines)
