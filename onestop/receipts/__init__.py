"""The printed forms (Mẫu 01-03) as PDF, with the QR code that leads the citizen to the lookup.

`data` holds the plain data a form is rendered from, `build` makes it from a dossier, `render`
turns it into PDF bytes (templates in templates/forms/). The renderers are re-exported here, but
imported on first use: WeasyPrint takes half a second to import, and only the processes that
print should pay for it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from onestop.receipts.data import (
    DocumentLine,
    Header,
    MissingDocument,
    ReceiptData,
    RefusalData,
    SupplementData,
)

if TYPE_CHECKING:
    from onestop.receipts.render import (
        qr_svg,
        render_html_to_pdf,
        render_receipt,
        render_refusal,
        render_supplement,
    )

_LAZY = frozenset(
    {"qr_svg", "render_html_to_pdf", "render_receipt", "render_refusal", "render_supplement"}
)

__all__ = [
    "DocumentLine",
    "Header",
    "MissingDocument",
    "ReceiptData",
    "RefusalData",
    "SupplementData",
    "qr_svg",
    "render_html_to_pdf",
    "render_receipt",
    "render_refusal",
    "render_supplement",
]


def __getattr__(name: str) -> Any:
    """Import `render` when one of its functions is first asked for (PEP 562)."""
    if name in _LAZY:
        return getattr(import_module("onestop.receipts.render"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
