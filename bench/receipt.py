"""Measurement (a) of bench/intake.py: the receipt endpoint against the bare render.

The endpoint's own WeasyPrint call is watched (RenderSpy), so its HTML is rendered alone as
the floor, and the time the endpoint adds around the render is measured within each request.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

from flask import Flask

from bench import profiling
from bench.report import Series, timed
from onestop import db
from onestop.dossiers.queries import get_dossier


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


def _request(code: str, token: str) -> tuple[str, dict[str, str]]:
    return f"/api/v1/dossiers/{code}/receipt.pdf", {"Authorization": f"Bearer {token}"}


def calls(app: Flask, code: str, token: str, spy: RenderSpy) -> dict[str, Callable[[], bytes]]:
    """The three things timed: the endpoint, render_receipt(data) alone, the bare render."""
    from onestop.receipts import build, render

    path, headers = _request(code, token)
    client = app.test_client()

    def endpoint() -> bytes:
        before = len(spy.html)
        response = client.get(path, headers=headers)
        if response.status_code != 200 or response.mimetype != "application/pdf":
            raise SystemExit(f"GET {path}: {response.status} {response.get_data()[:300]!r}")
        if len(spy.html) != before + 1:
            raise SystemExit(
                "the receipt endpoint did not call render.render_html_to_pdf exactly once:"
                " render.py changed, update bench/receipt.py"
            )
        return response.get_data()

    # render_receipt(data) alone (QR code + template + WeasyPrint, no request, no database):
    # the gap between the endpoint and the bare render splits into this and the rest.
    with app.app_context():
        session = db.session()
        receipt_data = build.receipt_data(session, get_dossier(session, code))
        session.close()

    def bare() -> bytes:
        # The floor: WeasyPrint alone on the endpoint's HTML, called as render.py calls it.
        return spy.real(spy.html[0])

    return {
        "endpoint": endpoint,
        "render_receipt(data)": lambda: render.render_receipt(receipt_data),
        "render_html_to_pdf": bare,
    }


def measure(app: Flask, code: str, token: str, n: int, warmup: int) -> dict[str, Any]:
    """N interleaved calls of each; the series, their ratios, the HTML and PDF sizes."""
    # WeasyPrint takes a second to import: only a run that measures the receipt pays for it.
    from onestop.receipts import render

    spy = RenderSpy(render.render_html_to_pdf)
    inside: list[float] = []  # WeasyPrint's share of each timed endpoint call
    sizes: dict[str, int] = {}
    with mock.patch.object(render, "render_html_to_pdf", spy):
        timed_calls = calls(app, code, token, spy)
        results: dict[str, list[float]] = {name: [] for name in timed_calls}
        timed_calls["endpoint"]()
        for _ in range(warmup):
            for call in timed_calls.values():
                call()
        for i in range(n):
            # Interleaved, in a rotating order, so drift on the machine hits every series alike.
            names = list(timed_calls)
            for name in names[i % 3 :] + names[: i % 3]:
                # A render leaves a great many objects behind: collect them outside the timing,
                # so that no call pays for the garbage of the one before it.
                gc.collect()
                seconds, pdf = timed(timed_calls[name])
                results[name].append(seconds)
                sizes[name] = len(pdf)
                if name == "endpoint":
                    inside.append(spy.seconds[-1])
    if len(set(spy.html)) != 1:
        raise SystemExit("the receipt's HTML changed between calls: the floor is not the same page")
    series = [Series(name, s) for name, s in results.items()]
    return ratios(series, inside) | {"html_chars": len(spy.html[0]), "pdf_bytes": sizes}


def ratios(series: list[Series], inside: list[float]) -> dict[str, Any]:
    """Endpoint against bare render, several ways; `inside`: WeasyPrint within each request."""
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
    }


def profile(app: Flask, code: str, token: str, count: int, out: Path) -> str:
    """`count` endpoint requests under cProfile."""
    path, headers = _request(code, token)
    client = app.test_client()

    def requests() -> None:
        for _ in range(count):
            client.get(path, headers=headers)

    return profiling.profile(requests, count, profiling.RECEIPT_STEPS, out)
