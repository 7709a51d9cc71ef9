"""`onestop catalogue import`: national records in, reviewable catalogue files out.

The importer owns the imported files and nothing else. The province's own additions sit in
each procedure's overlay (`<code>.local.yaml`), which it never writes; a hand-written file
(one with no `record:`) is never overwritten. Running it twice over the same records changes
nothing; a changed record changes its own file only, and the report names what changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from onestop.catalogue.files import AGENCIES_FILE, _read, overlay_path, procedure_files
from onestop.catalogue.national import read_record
from onestop.catalogue.schema import Directory, Procedure

HEADER = (
    "# Imported by `onestop catalogue import` from the national database of procedures\n"
    "# (CSDL quốc gia về thủ tục hành chính). Do not edit: a new import rewrites this file.\n"
    "# The province's own facts go in {overlay}, which the import never touches.\n"
)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)  # code -> facts changed
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # not a commune or province procedure
    problems: list[str] = field(default_factory=list)  # `file: code: message`
    unreadable: list[str] = field(default_factory=list)  # files that are no record at all

    def lines(self) -> list[str]:
        out = [f"{code}: {', '.join(keys)}" for code, keys in sorted(self.updated.items())]
        out.append(
            f"{len(self.created)} thêm mới, {len(self.updated)} cập nhật, "
            f"{len(self.unchanged)} không đổi, {len(self.skipped)} bỏ qua "
            f"(không thuộc cấp tỉnh, cấp xã), {len(self.problems)} cảnh báo"
        )
        return out


def record_files(paths: Iterable[Path]) -> list[Path]:
    """The detail records named: files, or every `.json` under a folder."""
    found: list[Path] = []
    for path in paths:
        found += sorted(path.rglob("*.json")) if path.is_dir() else [path]
    return found


def import_records(paths: Iterable[Path], *, root: Path) -> ImportReport:
    report = ImportReport()
    directory, _, problems = _read(Directory, root / AGENCIES_FILE, root)
    if directory is None:
        report.unreadable += [str(p) for p in problems] or [f"{root}: no {AGENCIES_FILE}"]
        return report
    existing = {p.name.removesuffix(".yaml"): p for p in procedure_files(root)}
    for path in record_files(paths):
        record = _load(path, report)
        if record is not None:
            _import_one(path, record, directory, root, existing, report)
    return report


def _load(path: Path, report: ImportReport) -> dict[str, Any] | None:
    try:
        answer = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.unreadable.append(f"{path}: {exc}")
        return None
    record = answer.get("data", answer) if isinstance(answer, dict) else None
    if not isinstance(record, dict) or not record.get("code"):
        report.unreadable.append(f"{path}: not a procedure record of the national portal")
        return None
    return record


def _import_one(
    path: Path,
    record: dict[str, Any],
    directory: Directory,
    root: Path,
    existing: dict[str, Path],
    report: ImportReport,
) -> None:
    read = read_record(record, directory)
    if read.skipped:
        report.skipped.append(read.code)
        return
    report.problems += [f"{path}: {read.code}: {m}" for m in read.problems]
    if not read.data:
        return
    try:
        Procedure.model_validate(read.data)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"])
            report.problems.append(f"{path}: {read.code}: {where}: {error['msg']}: not imported")
        return
    target = root / read.data["field"] / f"{read.code}.yaml"
    _write(path, read.data, target, existing.get(read.code), report)


def _write(
    path: Path, data: dict[str, Any], target: Path, old: Path | None, report: ImportReport
) -> None:
    code = data["code"]
    before = _imported_data(old) if old is not None else None
    if old is not None and before is None:
        report.problems.append(
            f"{old}: {code}: a hand-written file: not overwritten (move the province's facts "
            f"to {overlay_path(old).name} and delete it to import the record)"
        )
        return
    if before is not None and _older(data, before):
        report.problems.append(f"{path}: {code}: the record is older than the one imported: kept")
        return
    text = HEADER.format(overlay=overlay_path(target).name) + dump(data)
    if old is not None and old == target and old.read_text(encoding="utf-8") == text:
        report.unchanged.append(code)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    if old is not None and old != target:
        _move_overlay(old, target)
        old.unlink()
    if before is None:
        report.created.append(code)
        return
    after: dict[str, Any] = yaml.load(text, Loader=_Loader)
    keys = dict.fromkeys([*after, *before])
    report.updated[code] = [k for k in keys if after.get(k) != before.get(k)] or ["format"]


def _imported_data(old: Path) -> dict[str, Any] | None:
    """The facts of an imported file; None for a hand-written one (it has no `record:`)."""
    data = yaml.load(old.read_text(encoding="utf-8"), Loader=_Loader)
    return data if isinstance(data, dict) and "record" in data else None


def _older(new: dict[str, Any], old: dict[str, Any]) -> bool:
    def when(data: dict[str, Any]) -> datetime:
        return datetime.fromisoformat(str(data["record"]["updated_at"]))

    return when(new) < when(old)


def _move_overlay(old: Path, target: Path) -> None:
    if overlay_path(old).exists():
        overlay_path(old).rename(overlay_path(target))


# libyaml's emitter and parser when PyYAML has them: the import writes 500 files.
_BaseDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Dumper(_BaseDumper):  # type: ignore[valid-type,misc]
    """Block style, long lines folded, Vietnamese kept as it is: a file a person can review."""


def _str(dumper: yaml.BaseDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def _tidy(value: Any) -> Any:
    """Without the empty values a reader would skip: the schema's defaults stand for them."""
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items() if v not in (None, [], {}, "")}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    return value


def dump(data: dict[str, Any]) -> str:
    """A procedure's facts in the schema's order, as a person reviews them in a diff."""
    order = list(Procedure.model_fields)
    ordered = {k: data[k] for k in sorted(data, key=lambda k: order.index(k) if k in order else 99)}
    return yaml.dump(
        _tidy(ordered), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, indent=2
    )
