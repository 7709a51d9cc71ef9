"""The overrides file (ONESTOP_CALENDAR, procedures/calendar.yaml), checked line by line.

    days_off:
      - {date: 2026-11-24, reason: text, decision: text (optional)}
    working_days:
      - {date: 2026-08-22, reason: text}

Every error is reported as `file:line: message`, all of them at once, and nothing is applied
when there is one: a half-read calendar would move due times silently.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml

from onestop.calendar.model import DayOverride, OverrideKind

_SECTIONS: dict[str, OverrideKind] = {"days_off": "day_off", "working_days": "working_day"}
_KIND_NAMES: dict[OverrideKind, str] = {"day_off": "a day off", "working_day": "a working day"}
_ENTRY_KEYS = ("date", "reason", "decision")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NULL_TAG = "tag:yaml.org,2002:null"


class OverridesFileError(ValueError):
    """An overrides file that cannot be used; `errors` holds (file, line, message) tuples."""

    def __init__(self, errors: list[tuple[str, int, str]]) -> None:
        self.errors = errors
        super().__init__("\n".join(f"{file}:{line}: {message}" for file, line, message in errors))


def parse_overrides_file(path: str | Path) -> list[DayOverride]:
    """Read an overrides file; raise OverridesFileError listing every problem."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise OverridesFileError([(name, 1, "not UTF-8 text")]) from exc
    except OSError as exc:
        raise OverridesFileError([(name, 1, f"cannot read the file: {exc.strerror}")]) from exc
    return parse_overrides_text(text, filename=name)


def parse_overrides_text(text: str, *, filename: str = "<string>") -> list[DayOverride]:
    """Parse overrides from YAML text; raise OverridesFileError listing every problem."""
    try:
        # compose, not load: the node tree keeps the line of every value for the messages.
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise OverridesFileError([(filename, line, f"invalid YAML: {exc.problem}")]) from exc
    reader = _Reader(filename)
    overrides = reader.read(root)
    if reader.errors:
        raise OverridesFileError(sorted(reader.errors, key=lambda error: error[1]))
    return overrides


class _Reader:
    """Walks the node tree, collecting overrides and errors."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.errors: list[tuple[str, int, str]] = []
        self._seen: dict[date, tuple[OverrideKind, int]] = {}

    def error(self, node: yaml.Node, message: str) -> None:
        self.errors.append((self.filename, node.start_mark.line + 1, message))

    def read(self, root: yaml.Node | None) -> list[DayOverride]:
        if root is None:  # an empty file, or only comments
            return []
        if not isinstance(root, yaml.MappingNode):
            self.error(root, "expected a mapping with the keys days_off and working_days")
            return []
        overrides: list[DayOverride] = []
        for key_node, value_node in _unique_pairs(self, root):
            kind = _SECTIONS.get(key_node.value)
            if kind is None:
                self.error(
                    key_node, f"unknown key '{key_node.value}' (expected days_off, working_days)"
                )
                continue
            overrides.extend(self.section(value_node, key_node.value, kind))
        return overrides

    def section(self, node: yaml.Node, name: str, kind: OverrideKind) -> list[DayOverride]:
        if _is_null(node):  # `days_off:` with every entry commented out
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{name} must be a list of {{date, reason}} entries")
            return []
        found = (self.entry(item, kind) for item in node.value)
        return [override for override in found if override is not None]

    def entry(self, node: yaml.Node, kind: OverrideKind) -> DayOverride | None:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, "an entry must be a mapping with date and reason")
            return None
        fields: dict[str, yaml.Node] = {}
        for key_node, value_node in _unique_pairs(self, node):
            if key_node.value in _ENTRY_KEYS:
                fields[key_node.value] = value_node
            else:
                self.error(
                    key_node, f"unknown key '{key_node.value}' (expected date, reason, decision)"
                )
        day = self.read_date(fields.get("date"), node)
        reason = self.text(fields.get("reason"), node, "reason")
        decision = self.optional_text(fields.get("decision"), "decision")
        if day is None or reason is None or not self.first_listing(day, kind, node):
            return None
        return DayOverride(day=day, kind=kind, reason=reason, decision=decision)

    def read_date(self, node: yaml.Node | None, entry: yaml.Node) -> date | None:
        if node is None:
            self.error(entry, "missing date")
            return None
        text = node.value if isinstance(node, yaml.ScalarNode) else ""
        day = _iso_date(text)
        if day is None:
            shown = text or f"a {type(node).__name__.removesuffix('Node').lower()}"
            self.error(node, f"bad date '{shown}' (expected YYYY-MM-DD, a real day)")
        return day

    def text(self, node: yaml.Node | None, entry: yaml.Node, key: str) -> str | None:
        if node is None:
            self.error(entry, f"missing {key}")
            return None
        if not isinstance(node, yaml.ScalarNode) or _is_null(node) or not node.value.strip():
            self.error(node, f"{key} must be a non-empty text")
            return None
        value: str = node.value  # a scalar's value is its text
        return value.strip()

    def optional_text(self, node: yaml.Node | None, key: str) -> str | None:
        if node is None or _is_null(node):  # `decision:` left empty is the same as no decision
            return None
        return self.text(node, node, key)

    def first_listing(self, day: date, kind: OverrideKind, node: yaml.Node) -> bool:
        line = node.start_mark.line + 1
        previous = self._seen.setdefault(day, (kind, line))
        if previous == (kind, line):
            return True
        earlier_kind, earlier_line = previous
        if earlier_kind == kind:
            self.error(node, f"{day.isoformat()} is listed twice (also at line {earlier_line})")
        else:
            self.error(
                node,
                f"{day.isoformat()} is listed both as {_KIND_NAMES[earlier_kind]} "
                f"(line {earlier_line}) and as {_KIND_NAMES[kind]}",
            )
        return False


def _unique_pairs(reader: _Reader, node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
    """The key/value pairs of a mapping with scalar keys, reporting repeated and odd keys."""
    pairs: list[tuple[yaml.Node, yaml.Node]] = []
    seen: set[str] = set()
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            reader.error(key_node, "a key must be plain text")
        elif key_node.value in seen:
            reader.error(key_node, f"duplicate key '{key_node.value}'")
        else:
            seen.add(key_node.value)
            pairs.append((key_node, value_node))
    return pairs


def _iso_date(text: str) -> date | None:
    # fullmatch first: fromisoformat also takes 20260430 and 2026-W18-4, which people mistype.
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:  # 2026-02-30
        return None


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG
