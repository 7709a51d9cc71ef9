"""Logging: one line per action and per error, to standard error.

What is logged never carries an applicant's ID number or phone, nor a QR token: actions log
the dossier code and the actor's username (onestop/dossiers/actions.py), errors the route's
pattern rather than its path (a path may hold a token)."""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(level: int = logging.INFO) -> None:
    """Log to standard error unless the host (gunicorn, a test runner) set logging up."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format=FORMAT)
    logging.getLogger("onestop").setLevel(level)
