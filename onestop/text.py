"""Text helpers for Vietnamese: search without diacritics, amounts in đồng."""

from __future__ import annotations

import unicodedata

# Đ is a letter of its own, not D with a combining mark, so NFD does not split it.
_LETTERS = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case `text` and strip Vietnamese diacritics: "Đăng ký" -> "dang ky"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.lower().split())


def money(amount: float) -> str:
    """Đồng as Vietnamese writes them: 1.100.000 (a fraction after a comma)."""
    whole = int(amount)
    text = f"{whole:,}".replace(",", ".")
    if amount != whole:
        text += "," + f"{amount - whole:.2f}"[2:].rstrip("0")
    return text
