"""Reading and checking the catalogue directory: every problem as `file:line: message`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from onestop.catalogue.schema import Directory, Level, Procedure
from onestop.yamlfile import LocatedData, Path_, Problem, YamlFileError, read_yaml

M = TypeVar("M", bound=BaseModel)

AGENCIES_FILE = "agencies.yaml"
# Files in the catalogue directory that are not procedures.
NOT_PROCEDURES = {AGENCIES_FILE, "calendar.yaml"}


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
    """Every procedure file under `root`, in a stable order."""
    return sorted(
        p for p in root.rglob("*.yaml") if p.relative_to(root).as_posix() not in NOT_PROCEDURES
    )


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
    return catalogue


def _add_procedure(catalogue: Catalogue, path: Path, root: Path) -> None:
    result, located, problems = _read(Procedure, path, root)
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
