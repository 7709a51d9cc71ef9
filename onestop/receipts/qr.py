"""The QR code that takes the citizen to the public lookup page, as inline SVG."""

from __future__ import annotations

from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M

# The standard asks for four modules of white around the code; scanners need it.
QUIET_ZONE = 4


# A reprinted form draws the same code again; entries are about 2 kB.
@lru_cache(maxsize=512)
def qr_svg(url: str, size: str = "30mm") -> str:
    """The QR code of `url` as an inline `<svg>` element, `size` wide and high.

    Vector output stays sharp at any resolution: it scans even from a 72 dpi rendering, where a
    PNG scaled without smoothing does not. The markup holds only numbers (the URL is drawn, never
    written), so it is safe to insert unescaped.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    side = len(matrix)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}"'
        f' viewBox="0 0 {side} {side}"><path stroke="#000" stroke-width="1"'
        f' d="{"".join(_row(y, row) for y, row in enumerate(matrix))}"/></svg>'
    )


def _row(y: int, row: list[bool]) -> str:
    # Each run of dark modules is a 1-unit-thick stroke along the row's middle. Strokes with
    # relative moves need half the path commands of filled squares, and WeasyPrint parses
    # paths slowly: it halves the cost of the code in a render.
    parts: list[str] = []
    end = 0
    x = 0
    while x < len(row):
        if not row[x]:
            x += 1
            continue
        start = x
        while x < len(row) and row[x]:
            x += 1
        move = f"M{start} {y + 0.5}" if not parts else f"m{start - end} 0"
        parts.append(f"{move}h{x - start}")
        end = x
    return "".join(parts)
