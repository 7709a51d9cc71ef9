"""The guessing limit of the lookup by dossier code and 4 digits.

A code is 10,000 guesses wide at most, and a limit per client address does not stop someone
with many addresses. So the limit is per code, kept in the database (every app server counts
the same tries): after `max_failures` wrong tries within `window`, the code is blocked for
`window` from the try that completed them, from every address and even with the right digits.
Meanwhile the citizen still has the QR code of the receipt and the counter. Tries refused
while blocked do not count as wrong ones, so a block always ends on time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from onestop.lookup.models import LookupAttempt

log = logging.getLogger("onestop.lookup")


@dataclass(frozen=True)
class Limit:
    max_failures: int = 5
    window: timedelta = timedelta(hours=1)


LIMIT = Limit()
# Long enough for the admins to look back over a few weeks, short enough to stay small.
KEEP = timedelta(days=30)


def block_end(wrong: Iterable[datetime], *, limit: Limit = LIMIT) -> datetime | None:
    """When the latest block the wrong tries at these times caused ends (perhaps already)."""
    times = sorted(wrong)
    span = limit.max_failures - 1
    ends = [
        times[i] + limit.window
        for i in range(span, len(times))
        if times[i] - times[i - span] <= limit.window
    ]
    return max(ends, default=None)


def wrong_tries(
    session: Session, *, code: str, now: datetime, limit: Limit = LIMIT
) -> list[datetime]:
    """The times of the code's wrong tries that can still matter: a block in force began
    within the last window, with tries of the window before it."""
    return list(
        session.exec(
            select(LookupAttempt.at)
            .where(LookupAttempt.code == code)
            .where(col(LookupAttempt.at) > now - 2 * limit.window)
            .where(col(LookupAttempt.ok).is_(False), col(LookupAttempt.blocked).is_(False))
        ).all()
    )


def blocked_until(
    wrong: Sequence[datetime], *, now: datetime, limit: Limit = LIMIT
) -> datetime | None:
    """The end of the block in force at `now`, if any."""
    end = block_end(wrong, limit=limit)
    return end if end is not None and end > now else None


def record(
    session: Session, *, code: str, address: str, now: datetime, ok: bool, blocked: bool = False
) -> None:
    session.add(LookupAttempt(code=code, address=address[:64], at=now, ok=ok, blocked=blocked))
    session.flush()


def note_block(code: str, *, address: str, until: datetime, limit: Limit = LIMIT) -> None:
    """One log line when a code becomes blocked: its code and the address of the try that
    completed the wrong ones, never what was typed as digits."""
    log.warning(
        "lookup of %s blocked until %s after %d wrong tries within %s (the last from %s)",
        code,
        until.isoformat(timespec="seconds"),
        limit.max_failures,
        limit.window,
        address,
    )


def prune(session: Session, *, now: datetime, keep: timedelta = KEEP) -> None:
    session.exec(delete(LookupAttempt).where(col(LookupAttempt.at) < now - keep))


@dataclass(frozen=True)
class BlockedCode:
    """A code that was blocked in the period, for the admins."""

    code: str
    wrong: int  # wrong tries in the period
    refused: int  # tries refused while it was blocked
    found: int  # tries that showed the dossier
    addresses: int  # distinct addresses that tried it
    last_at: datetime  # the latest try
    blocked_until: datetime  # the end of its latest block (past or to come)
    blocked_now: bool


@dataclass(frozen=True)
class AttemptCounts:
    """Every try of the lookup in the period."""

    total: int
    found: int
    wrong: int
    refused: int
    codes: int  # distinct codes tried
    addresses: int  # distinct addresses


def recent_blocks(
    session: Session, *, now: datetime, within: timedelta = timedelta(days=1), limit: Limit = LIMIT
) -> list[BlockedCode]:
    """The codes blocked at some time in the last `within`, the latest try first."""
    since = now - within
    # A block that still held at `since` began at most a window earlier.
    start = since - limit.window
    a = LookupAttempt
    candidates = session.exec(
        select(a.code)
        .where(col(a.at) >= start, col(a.at) <= now)
        .where(col(a.ok).is_(False), col(a.blocked).is_(False))
        .group_by(a.code)
        .having(func.count() >= limit.max_failures)
    ).all()
    found: list[BlockedCode] = []
    for code in candidates:
        rows = session.exec(
            select(a).where(a.code == code).where(col(a.at) >= start, col(a.at) <= now)
        ).all()
        end = block_end((r.at for r in rows if not r.ok and not r.blocked), limit=limit)
        if end is None or end <= since:
            continue
        shown = [r for r in rows if r.at >= since]
        found.append(
            BlockedCode(
                code=code,
                wrong=sum(1 for r in shown if not r.ok and not r.blocked),
                refused=sum(1 for r in shown if r.blocked),
                found=sum(1 for r in shown if r.ok),
                addresses=len({r.address for r in shown}),
                last_at=max(r.at for r in rows),
                blocked_until=end,
                blocked_now=end > now,
            )
        )
    return sorted(found, key=lambda b: b.last_at, reverse=True)


def attempt_counts(
    session: Session, *, now: datetime, within: timedelta = timedelta(days=1)
) -> AttemptCounts:
    """How many tries the lookup had in the last `within`, by outcome."""
    a = LookupAttempt
    in_period = (col(a.at) >= now - within, col(a.at) <= now)

    def count(*where: object) -> int:
        return session.exec(
            select(func.count()).select_from(a).where(*in_period, *where)  # type: ignore[arg-type]
        ).one()

    def distinct(column: object) -> int:
        return session.exec(
            select(func.count(func.distinct(column))).select_from(a).where(*in_period)
        ).one()

    return AttemptCounts(
        total=count(),
        found=count(col(a.ok).is_(True)),
        wrong=count(col(a.ok).is_(False), col(a.blocked).is_(False)),
        refused=count(col(a.blocked).is_(True)),
        codes=distinct(a.code),
        addresses=distinct(a.address),
    )
