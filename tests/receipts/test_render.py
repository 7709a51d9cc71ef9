"""What every form shares: the bundled font, the QR code, caching, the cheap import."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from onestop.receipts import (
    ReceiptData,
    RefusalData,
    SupplementData,
    qr_svg,
    render_html_to_pdf,
    render_receipt,
    render_refusal,
    render_supplement,
)
from onestop.receipts.render import _borrowed_kit, environment


def _fonts(pdf: bytes, tmp_path: Path) -> set[str]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(
        ["pdffonts", path], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    # Subset names look like CESMDO+Be-Vietnam-Pro-Bold.
    return {line.split()[0].split("+")[-1] for line in lines}


def test_only_be_vietnam_pro_is_embedded(
    receipt: ReceiptData, supplement: SupplementData, refusal: RefusalData, tmp_path: Path
) -> None:
    pdfs = [render_receipt(receipt), render_supplement(supplement), render_refusal(refusal)]
    # Even markup that asks for the machine's fonts gets ours.
    pdfs.append(render_html_to_pdf("<pre>mã</pre><p style='font-family: serif'>Hường</p>"))
    for pdf in pdfs:
        assert _fonts(pdf, tmp_path) <= {
            "Be-Vietnam-Pro",
            "Be-Vietnam-Pro-Bold",
            "Be-Vietnam-Pro-Italic",
            "Be-Vietnam-Pro-BoldItalic",
        }


def test_qr_svg_is_plain_markup_that_scans(qr_codes: Callable[[bytes], list[str]]) -> None:
    url = "http://127.0.0.1:5000/tra-cuu/<script>&x"
    svg = qr_svg(url)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "script" not in svg and "127.0.0.1" not in svg  # the URL is drawn, never written
    assert qr_codes(render_html_to_pdf(svg)) == [url]


def test_environment_is_built_once() -> None:
    assert environment() is environment()
    assert environment().autoescape


def test_fonts_and_stylesheet_are_set_up_once() -> None:
    with _borrowed_kit() as first:
        pass
    with _borrowed_kit() as second:
        pass
    assert first is second


def test_threads_render_side_by_side(receipt: ReceiptData) -> None:
    with ThreadPoolExecutor(max_workers=3) as pool:
        pdfs = list(pool.map(lambda _: render_receipt(receipt), range(6)))
    assert all(pdf.startswith(b"%PDF") for pdf in pdfs)


def test_importing_the_package_does_not_import_weasyprint() -> None:
    code = (
        "import sys, onestop.receipts, onestop.receipts.build;"
        "assert 'weasyprint' not in sys.modules;"
        "onestop.receipts.render_receipt;"
        "assert 'weasyprint' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
