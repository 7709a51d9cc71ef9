"""Dossier codes `{agency}-{YYMMDD}-{NNNN}` and the public tokens of the QR codes."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session

from onestop.calendar import VN_TZ

TOKEN_BYTES = 16  # 128 random bits; docs/domain.md#codes asks for at least 80


def public_token() -> str:
    """A random token for the lookup link: never derived from the code."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def next_code(session: Session, *, agency_code: str, now: datetime) -> str:
    """Take the agency's next number of the day (Vietnam time) and return the dossier code.

    One atomic upsert: PostgreSQL locks the counter row until the transaction ends, and SQLite
    writers are serialised by BEGIN IMMEDIATE, so concurrent receptions get distinct numbers.
    """
    day = now.astimezone(VN_TZ).strftime("%y%m%d")
    last = session.execute(
        text(
            "INSERT INTO dossier_counter (agency_code, day, last) VALUES (:agency, :day, 1) "
            "ON CONFLICT (agency_code, day) DO UPDATE SET last = dossier_counter.last + 1 "
            "RETURNING last"
        ),
        {"agency": agency_code, "day": day},
    ).scalar_one()
    return f"{agency_code}-{day}-{last:04d}"
