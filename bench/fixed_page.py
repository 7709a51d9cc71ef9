"""The baseline of the public page's measurement: the same app, plus a route that returns a
fixed copy of a public page (same bytes, same headers), so only the page's own work differs.

For gunicorn: `gunicorn 'bench.fixed_page:create()'` from the project root, with the page's
file named by BENCH_FIXED_HTML.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from onestop.app import create_app

FIXED_PATH = "/bench/fixed"
# The public page's own headers, so both answers are the same size on the wire.
FIXED_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def with_fixed_page(app: Flask, html: str) -> Flask:
    app.add_url_rule(FIXED_PATH, "bench_fixed", lambda: (html, 200, FIXED_HEADERS))
    return app


def create() -> Flask:
    """The app as wsgi.py builds it (settings from ONESTOP_*), with the fixed page."""
    html = Path(os.environ["BENCH_FIXED_HTML"]).read_text(encoding="utf-8")
    return with_fixed_page(create_app(), html)
