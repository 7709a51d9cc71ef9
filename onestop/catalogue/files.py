"""Reading and checking the catalogue directory: every problem as `file:line: message`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from onestop.catalogue.schema import Directory, Level, Procedure
from onestop.yamlfile import LocatedData, Path_, Problem, YamlFileError, read_yaml

M = TypeVar("M", bound=BaseModel)

AGENCIES_FILE = "agencies.yaml"
# Files in the catalogue directory that are not procedures.
NOT_PROCEDURES = {AGENCIES_FILE, "calendar.yaml"}
# The province's own additions to an imported procedure sit beside it, in a file that the
# importer never writes: `1.001193.local.yaml` beside `1.001193.yaml`.
OVERLAY_SUFFIX = ".local.yaml"
# Overlay keys whose values are added to the imported ones rather than replacing them.
MERGED = ("sources", "to_confirm")
NOT_OVERLAID = ("code", "record")


@dataclass
class Catalogue:
    """A checked catalogue: the directory of agencies and the procedures, by code."""

    directory: Directory | None = None
    procedures: dict[str, Procedure] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # procedure code -> file name
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.directory is not None


def _validate(model: type[M], located: LocatedData) -> M | list[Problem]:
    try:
        return model.model_validate(located.data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            where = ".".join(str(part) for part in loc)
            message = error["msg"].removeprefix("Value error, ")
            problems.append(located.problem(loc, f"{where}: {message}" if where else message))
        return problems


def _read(
    model: type[M], path: Path, root: Path
) -> tuple[M | None, LocatedData | None, list[Problem]]:
    try:
        located = read_yaml(path, display=str(path.relative_to(root.parent)))
    except YamlFileError as exc:
        return None, None, exc.problems
    result = _validate(model, located)
    if isinstance(result, list):
        return None, located, result
    return result, located, []


def procedure_files(root: Path) -> list[Path]:
    """Every procedure file under `root` (overlays aside), in a stable order."""
    return sorted(
        p
        for p in root.rglob("*.yaml")
        if p.relative_to(root).as_posix() not in NOT_PROCEDURES
        and not p.name.endswith(OVERLAY_SUFFIX)
    )


def overlay_path(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".yaml") + OVERLAY_SUFFIX)


def overlay_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*" + OVERLAY_SUFFIX))


def read_catalogue(root: Path | str) -> Catalogue:
    """Read and check every file; the result lists all problems, not just the first."""
    root = Path(root).resolve()
    catalogue = Catalogue()
    directory, located, problems = _read(Directory, root / AGENCIES_FILE, root)
    catalogue.problems.extend(problems)
    if directory is not None and located is not None:
        catalogue.directory = directory
        catalogue.problems.extend(_check_directory(directory, located))
    for path in procedure_files(root):
        _add_procedure(catalogue, path, root)
    for path in overlay_files(root):
        base = path.with_name(path.name.removesuffix(OVERLAY_SUFFIX) + ".yaml")
        if not base.exists():
            where = str(path.relative_to(root.parent))
            catalogue.problems.append(Problem(where, 1, f"no {base.name} beside this overlay"))
    return catalogue


def _read_procedure(
    path: Path, root: Path
) -> tuple[Procedure | None, LocatedData | None, list[Problem]]:
    """A procedure file, with the province's overlay applied when there is one."""
    if not overlay_path(path).exists():
        return _read(Procedure, path, root)
    try:
        base = read_yaml(path, display=str(path.relative_to(root.parent)))
        local = overlay_path(path)
        overlay = read_yaml(local, display=str(local.relative_to(root.parent)))
    except YamlFileError as exc:
        return None, None, exc.problems
    merged, problems = apply_overlay(base, overlay)
    if problems:
        return None, base, problems
    result = _validate(Procedure, merged)
    if isinstance(result, list):
        return None, base, result
    return result, base, []


def apply_overlay(base: LocatedData, overlay: LocatedData) -> tuple[LocatedData, list[Problem]]:
    """The imported facts with the province's replacing them key by key; `sources` and
    `to_confirm` are added to, and `documents_by_code` changes single papers by their national
    code. Each value keeps the line of the file it came from, so an error points at it."""
    if not isinstance(base.data, dict) or not isinstance(overlay.data, dict):
        return base, [overlay.problem((), "an overlay is a mapping of facts")]
    data, lines = dict(base.data), dict(base.lines)
    overlaid: set[Path_] = set()
    problems: list[Problem] = []
    if overlay.data.get("code", base.data.get("code")) != base.data.get("code"):
        problems.append(overlay.problem(("code",), "code: not the code of the procedure"))
    for key, value in overlay.data.items():
        if key in NOT_OVERLAID:
            continue
        if key == "documents_by_code":
            problems += _change_documents(data, value, overlay, lines, overlaid)
            continue
        if key in MERGED and isinstance(value, dict):
            value = {**data.get(key, {}), **value}
        elif key in MERGED and isinstance(value, list):
            value = [*data.get(key, []), *value]
        data[key] = value
        overlaid.add((key,))
        lines = {p: n for p, n in lines.items() if p[:1] != (key,)}
        lines |= {p: n for p, n in overlay.lines.items() if p[:1] == (key,)}
    if "unknown" not in overlay.data:
        # A fact the province states is no longer unknown.
        data["unknown"] = [k for k in data.get("unknown", []) if k not in overlay.data]
    return _Merged(data, base.file, lines, overlay.file, overlaid), problems


@dataclass
class _Merged(LocatedData):
    """A procedure's facts from two files: a problem names the file its fact came from."""

    overlay_file: str = ""
    overlaid: set[Path_] = field(default_factory=set)  # the paths whose values it gave

    def problem(self, path: Path_, message: str) -> Problem:
        mine = any(path[:end] in self.overlaid for end in range(1, len(path) + 1))
        return Problem(self.overlay_file if mine else self.file, self.line_of(path), message)


def _change_documents(
    data: dict[str, Any],
    changes: Any,
    overlay: LocatedData,
    lines: dict[Path_, int],
    overlaid: set[Path_],
) -> list[Problem]:
    where: Path_ = ("documents_by_code",)
    if not isinstance(changes, dict):
        return [overlay.problem(where, "documents_by_code: a mapping of national codes")]
    problems = []
    for code, change in changes.items():
        found = False
        for key in ("documents", "to_show"):
            papers = [dict(d) if isinstance(d, dict) else d for d in data.get(key, [])]
            for i, paper in enumerate(papers):
                if not isinstance(paper, dict) or paper.get("code") != code:
                    continue
                found = True
                if not isinstance(change, dict):
                    problems.append(overlay.problem((*where, code), f"{code}: a mapping of facts"))
                    continue
                paper.update(change)
                overlaid.add((key, i))
                for path in [p for p in lines if p[:2] == (key, i)]:
                    del lines[path]
                lines[(key, i)] = overlay.line_of((*where, code))
            data[key] = papers
        if not found:
            message = f"documents_by_code: no imported paper has the code {code}"
            problems.append(overlay.problem((*where, code), message))
    return problems


def _add_procedure(catalogue: Catalogue, path: Path, root: Path) -> None:
    result, located, problems = _read_procedure(path, root)
    catalogue.problems.extend(problems)
    if result is None or located is None:
        return
    name = located.file
    if result.code in catalogue.procedures:
        other = catalogue.files[result.code]
        catalogue.problems.append(
            located.problem(("code",), f"code {result.code} is also in {other}")
        )
        return
    if catalogue.directory is not None:
        catalogue.problems.extend(_check_references(result, catalogue.directory, located))
    catalogue.procedures[result.code] = result
    catalogue.files[result.code] = name


def _check_references(p: Procedure, d: Directory, located: LocatedData) -> list[Problem]:
    """Field and agency roles must exist in agencies.yaml."""
    roles = {role.key for role in d.roles}
    problems = []
    if p.field not in {f.code for f in d.fields}:
        message = f"field: '{p.field}' is not a field of {AGENCIES_FILE}"
        problems.append(located.problem(("field",), message))
    named: list[tuple[Path_, str]] = [(("agency",), p.agency)]
    named += [(("routing", i, "agency"), step.agency) for i, step in enumerate(p.routing)]
    for path, role in named:
        if role not in roles:
            message = f"{'.'.join(map(str, path))}: '{role}' is not a role of {AGENCIES_FILE}"
            problems.append(located.problem(path, message))
    return problems


def _check_directory(d: Directory, located: LocatedData) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    roles = {r.key: r for r in d.roles}
    codes = {a.code for a in d.agencies}
    for i, agency in enumerate(d.agencies):
        at = ("agencies", i)
        if agency.code in seen:
            problems.append(located.problem(at, f"agency code {agency.code} is listed twice"))
        seen.add(agency.code)
        if agency.role not in roles:
            problems.append(located.problem((*at, "role"), f"unknown role '{agency.role}'"))
        if agency.parent is not None and agency.parent not in codes:
            problems.append(located.problem((*at, "parent"), f"unknown parent '{agency.parent}'"))
    for i, role in enumerate(d.roles):
        count = sum(1 for a in d.agencies if a.role == role.key)
        if role.level is Level.PROVINCE and count != 1:
            message = f"role '{role.key}' is provincial: it needs exactly one agency, not {count}"
            problems.append(located.problem(("roles", i), message))
    return problems
