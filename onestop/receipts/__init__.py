"""The printed forms (Mẫu 01-06) as PDF, with the QR code that leads the citizen to the lookup.

`data` holds the plain data a form is rendered from, `build` makes it from a dossier, `render`
turns it into PDF bytes (templates in templates/forms/). The renderers are re-exported here, but
imported on first use: WeasyPrint takes half a second to import, and only the processes that
print should pay for it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from onestop.receipts.data import (
    ApologyData,
    ControlRow,
    ControlSheetData,
    DocumentLine,
    Header,
    MissingDocument,
    ReceiptData,
    RefusalData,
    StopNoticeData,
    SupplementData,
)

if TYPE_CHECKING:
    from onestop.receipts.render import (
        qr_svg,
        render_apology,
        render_control_sheet,
        render_html_to_pdf,
        render_receipt,
        render_refusal,
        render_stop_notice,
        render_supplement,
    )

_LAZY = frozenset(
    {
        "qr_svg",
        "render_apology",
        "render_control_sheet",
        "render_html_to_pdf",
        "render_receipt",
        "render_refusal",
        "render_stop_notice",
        "render_supplement",
    }
)

__all__ = [
    "ApologyData",
    "ControlRow",
    "ControlSheetData",
    "DocumentLine",
    "Header",
    "MissingDocument",
    "ReceiptData",
    "RefusalData",
    "StopNoticeData",
    "SupplementData",
    "qr_svg",
    "render_apology",
    "render_control_sheet",
    "render_html_to_pdf",
    "render_receipt",
    "render_refusal",
    "render_stop_notice",
    "render_supplement",
]


def __getattr__(name: str) -> Any:
    """Import `render` when one of its functions is first asked for (PEP 562)."""
    if name in _LAZY:
        return getattr(import_module("onestop.receipts.render"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
