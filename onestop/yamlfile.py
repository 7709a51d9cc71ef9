"""YAML files that people edit by hand, read with the line of every value.

Validation errors must point at `file:line`, so we compose the YAML node tree (which keeps
marks) and build plain Python data beside a map from each value's path to its line.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One error in one file, printed as `file:line: message`."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class YamlFileError(ValueError):
    """A file that cannot be used; carries every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class LocatedData:
    """Plain data from a YAML file and the 1-based line of each path inside it."""

    data: Any
    file: str
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int:
        """The line of the deepest known ancestor of `path` (1 for the file itself)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1

    def problem(self, path: Path_, message: str) -> Problem:
        return Problem(self.file, self.line_of(path), message)


def _scalar(node: yaml.Node) -> Any:
    # The safe constructor resolves the scalar's tag (int, float, date, null, str). A scalar
    # has no children, so one constructor serves them all once its memo is emptied.
    if node.tag == "tag:yaml.org,2002:str":
        return node.value  # the common case, without the constructor's bookkeeping
    constructor = getattr(_local, "constructor", None)
    if constructor is None:
        constructor = _local.constructor = yaml.constructor.SafeConstructor()
    constructor.constructed_objects.clear()
    return constructor.construct_object(node, deep=True)


_local = threading.local()  # the admin's calendar import parses YAML in request threads


def _build(node: yaml.Node, path: Path_, lines: dict[Path_, int], file: str) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            if key in result:
                line = key_node.start_mark.line + 1
                raise YamlFileError([Problem(file, line, f"duplicate key '{key}'")])
            result[key] = _build(value_node, (*path, key), lines, file)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, file) for i, item in enumerate(node.value)]
    return _scalar(node)


# libyaml's parser, when PyYAML was built with it, composes the catalogue's 500 files twenty
# times faster than the pure-Python one; both keep the marks the messages need.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str, *, file: str = "<string>") -> LocatedData:
    """Parse `text`; raise YamlFileError with the line of any syntax error."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlFileError([Problem(file, line, f"invalid YAML: {exc.problem}")]) from exc
    if root is None:
        return LocatedData(data=None, file=file)
    lines: dict[Path_, int] = {}
    data = _build(root, (), lines, file)
    return LocatedData(data=data, file=file, lines=lines)


def read_yaml(path: Path | str, *, display: str | None = None) -> LocatedData:
    """Read and parse a YAML file; `display` is the name used in messages."""
    path = Path(path)
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlFileError([Problem(name, 1, "not UTF-8 text")]) from exc
    return parse_yaml(text, file=name)
