"""Translating what the services say, on the pages that show it.

Services word their messages in Vietnamese (the API's and the logs' language) and mark them
with `N_()` so that `make translations` extracts them; a message with values is a template
formatted with `str.format`: `N_("Không có thủ tục mã {code}.").format(code=code)`. A page in
English translates the finished message with `translate()`: first as it is, then by finding
the template it was formatted from and formatting the template's translation with the same
values. The printed forms and the API stay Vietnamese.
"""

from __future__ import annotations

import re
from typing import Any

# `{name}` (str.format) and `%(name)s` (gettext) placeholders of a template.
_PLACEHOLDER = re.compile(r"\{(\w+)\}|%\((\w+)\)[sd]")


def N_(message: str) -> str:  # the name gettext's tools look for
    """Mark `message` for extraction; it is translated where it is shown."""
    return message


def translate(translations: Any, message: str) -> str:
    """`message` in the language of `translations` (a babel Translations object)."""
    if not message:
        return message
    found: str = translations.ugettext(message)
    catalog = getattr(translations, "_catalog", None)
    if found != message or not catalog:
        return found  # Vietnamese has no catalog: the pages' hot path stops here
    for pattern, template in _patterns(catalog):
        matched = pattern.match(message)
        if matched:
            values = {k: v for k, v in matched.groupdict().items() if v is not None}
            target: str = translations.ugettext(template)
            return _fill(target, values)
    return message


def _fill(template: str, values: dict[str, str]) -> str:
    def value(m: re.Match[str]) -> str:
        return values.get(m.group(1) or m.group(2), m.group(0))

    return _PLACEHOLDER.sub(value, template)


def _own_text(msgid: str) -> int:
    return len(_PLACEHOLDER.sub("", msgid).strip())


# Per catalog (one per language and process), its patterns, built at the first miss.
_PATTERNS: dict[int, tuple[Any, tuple[tuple[re.Pattern[str], str], ...]]] = {}


def _patterns(catalog: Any) -> tuple[tuple[re.Pattern[str], str], ...]:
    cached = _PATTERNS.get(id(catalog))
    if cached is None or cached[0] is not catalog:  # the catalog itself, not a reused id
        cached = (catalog, _compiled(tuple(k for k in catalog if isinstance(k, str))))
        _PATTERNS[id(catalog)] = cached
    return cached[1]


def _compiled(msgids: tuple[str, ...]) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The templates of the catalog with placeholders, as patterns matching what they format
    to; the one with the most text of its own first, so that "... trạng thái chưa có." wins
    over "... trạng thái {status}."."""
    out = []
    for msgid in sorted(msgids, key=_own_text, reverse=True):
        # A template with little text of its own ("{value} ngày") would match any data.
        if not _PLACEHOLDER.search(msgid) or _own_text(msgid) < 8:
            continue
        pattern, last, seen = "", 0, set()
        for m in _PLACEHOLDER.finditer(msgid):
            name = m.group(1) or m.group(2)
            pattern += re.escape(msgid[last : m.start()])
            pattern += f"(?P={name})" if name in seen else f"(?P<{name}>.*?)"
            seen.add(name)
            last = m.end()
        pattern += re.escape(msgid[last:])
        out.append((re.compile(f"^{pattern}$", re.DOTALL), msgid))
    return tuple(out)
