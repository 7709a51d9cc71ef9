"""The forms as PDF: plain data → Jinja template (templates/forms/) → WeasyPrint → bytes.

No database and no Flask here, so the same code serves the counter, the API and the scripts.
"""

from __future__ import annotations

import atexit
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import fontpkg_be_vietnam_pro
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from onestop.receipts.data import (
    ApologyData,
    ControlSheetData,
    ReceiptData,
    RefusalData,
    StopNoticeData,
    SupplementData,
)
from onestop.receipts.fetcher import SafeURLFetcher
from onestop.receipts.formats import vn_clock, vn_date, vn_date_line, vn_time
from onestop.receipts.qr import qr_svg

__all__ = [
    "qr_svg",
    "render_apology",
    "render_control_sheet",
    "render_html_to_pdf",
    "render_receipt",
    "render_refusal",
    "render_stop_notice",
    "render_supplement",
]

PROJECT = Path(__file__).resolve().parents[2]
TEMPLATES = PROJECT / "templates" / "forms"
STATIC = PROJECT / "static"
FONT_DIR = fontpkg_be_vietnam_pro.ROOT / "files"
FONT_FAMILY = fontpkg_be_vietnam_pro.FAMILY
# (file, weight, style): what the templates use; bold italic so it is never faked.
FONT_FACES = (
    ("BeVietnamPro-Regular.ttf", 400, "normal"),
    ("BeVietnamPro-Bold.ttf", 700, "normal"),
    ("BeVietnamPro-Italic.ttf", 400, "italic"),
    ("BeVietnamPro-BoldItalic.ttf", 700, "italic"),
)
# The two copies of Mẫu 01, one per page.
RECEIPT_COPIES = ("Liên 1: Lưu tại bộ phận tiếp nhận", "Liên 2: Giao người nộp hồ sơ")


def _font_css() -> str:
    faces = "".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{(FONT_DIR / name).as_uri()}");'
        f" font-weight: {weight}; font-style: {style}; }}\n"
        for name, weight, style in FONT_FACES
    )
    # A user stylesheet with !important outranks the browser defaults (monospace for <pre>)
    # and every author style: no element can fall back to a font of the machine.
    return f'{faces}* {{ font-family: "{FONT_FAMILY}" !important; }}\n'


FONT_CSS = _font_css()


@dataclass(frozen=True)
class _Kit:
    """What every render needs and is slow to build: fonts registered, CSS parsed."""

    fetcher: SafeURLFetcher
    fonts: FontConfiguration
    stylesheet: CSS


# Idle kits. Fontconfig and Pango objects must not serve two renders at once, so each render
# borrows a kit and gives it back; a kit per thread would not do, as the development server
# starts a thread per request. list.pop and list.append are atomic.
_idle: list[_Kit] = []
# Each kit keeps copies of the fonts in a temporary folder, removed when the kit is collected;
# the interpreter does not collect module globals reliably at exit, so drop them first.
atexit.register(_idle.clear)


@contextmanager
def _borrowed_kit() -> Iterator[_Kit]:
    try:
        kit = _idle.pop()
    except IndexError:
        kit = _new_kit()
    try:
        yield kit
    finally:
        _idle.append(kit)


def _new_kit() -> _Kit:
    missing = [name for name, _, _ in FONT_FACES if not (FONT_DIR / name).is_file()]
    if missing:
        # WeasyPrint would only log it and print with whatever fonts the machine has.
        raise RuntimeError(f"Be Vietnam Pro font files missing from {FONT_DIR}: {missing}")
    fetcher = SafeURLFetcher([STATIC, FONT_DIR])
    fonts = FontConfiguration()
    stylesheet = CSS(string=FONT_CSS, font_config=fonts, url_fetcher=fetcher)
    return _Kit(fetcher, fonts, stylesheet)


def render_html_to_pdf(html: str) -> bytes:
    """`html` as PDF, with the safe fetcher and the bundled fonts; relative URLs are in static/."""
    with _borrowed_kit() as kit:
        document = HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=kit.fetcher)
        pdf: bytes = document.write_pdf(stylesheets=[kit.stylesheet], font_config=kit.fonts)
        return pdf  # write_pdf() returns the bytes when given no target


@cache
def environment() -> Environment:
    """The Jinja environment of the forms, built once; it needs no Flask app."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        # Templates do not change while the server runs: no stat() before every render.
        auto_reload=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        vn_clock=vn_clock, vn_date=vn_date, vn_date_line=vn_date_line, vn_time=vn_time
    )
    return env


@cache
def _template(name: str) -> Template:
    return environment().get_template(name)


def _render(name: str, **context: Any) -> bytes:
    return render_html_to_pdf(_template(name).render(**context))


def _qr(url: str | None) -> Markup | None:
    # qr_svg writes only numbers into the markup, so it can skip autoescaping.
    return Markup(qr_svg(url)) if url else None


def render_receipt(data: ReceiptData) -> bytes:
    """Mẫu 01 as PDF: two A4 pages, Liên 1 for the counter and Liên 2 for the citizen."""
    return _render("mau01.html", form=data, qr=_qr(data.lookup_url), copies=RECEIPT_COPIES)


def render_supplement(data: SupplementData) -> bytes:
    """Mẫu 02 as PDF: the missing documents, the reason, and whom to ask."""
    return _render("mau02.html", form=data, qr=_qr(data.lookup_url), copies=(None,))


def render_refusal(data: RefusalData) -> bytes:
    """Mẫu 03 as PDF: the dossier refused at reception, and why."""
    return _render("mau03.html", form=data, qr=None, copies=(None,))


def render_apology(data: ApologyData) -> bytes:
    """Mẫu 04 as PDF: the apology, why the result is late, and the new appointment."""
    return _render("mau04.html", form=data, qr=_qr(data.lookup_url), copies=(None,))


def render_stop_notice(data: StopNoticeData) -> bytes:
    """Mẫu 05 as PDF: handling of the dossier is stopped, and why."""
    return _render("mau05.html", form=data, qr=None, copies=(None,))


def render_control_sheet(data: ControlSheetData) -> bytes:
    """Mẫu 06 as PDF: every handover of the dossier, each step early, on time or late."""
    return _render("mau06.html", form=data, qr=None, copies=(None,))
