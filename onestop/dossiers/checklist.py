"""Which papers of the published list a dossier still lacks: the counter receives a dossier
only when it is complete (Nghị định 118/2025/NĐ-CP: an incomplete dossier is asked to be
completed, Mẫu 02, or refused, Mẫu 03; it is not received).

The list is the procedure's catalogue data (onestop.catalogue.schema.Procedure, as JSON): its
`documents`, each with `required` and `case`. A paper with no case belongs to every dossier;
papers with a case belong to that case (trường hợp) of the published list, and a dossier brings
the papers of one case. Papers of `to_show` are shown to the officer, not handed in, so they are
no part of the check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, cast

from onestop.errors import ErrorResponse, Invalid
from onestop.i18n import N_
from onestop.text import fold


class Counted(Protocol):
    """A paper received: its name (and national code, if a client sends it) and its counts."""

    @property
    def name(self) -> str: ...
    @property
    def originals(self) -> int: ...
    @property
    def certified_copies(self) -> int: ...
    @property
    def photocopies(self) -> int: ...


def key(name: str) -> str:
    """How names are compared: without case, diacritics or extra spaces."""
    return fold(name)


def _code(value: Any) -> str:
    return str(value or "").strip().upper()


@dataclass(frozen=True)
class Group:
    """The papers of the checklist shown under one heading, each with its position in the
    procedure's list (the form's fields are numbered by it)."""

    case: str | None  # None: the papers every dossier brings
    papers: tuple[tuple[int, Mapping[str, Any]], ...]


@dataclass(frozen=True)
class Check:
    """What the check found: the required papers not received, of the common papers and of
    the case checked (the one with fewest missing), and that case when some of its are."""

    known: bool  # False: the procedure has no published document list to check against
    missing: tuple[str, ...] = ()
    case: str | None = None

    @property
    def complete(self) -> bool:
        return not self.missing


UNCHECKED = Check(known=False)  # nothing to check against


def documents(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(data.get("documents") or [])


def known(data: Mapping[str, Any]) -> bool:
    """The procedure has a published list of papers (none is declared unknown)."""
    return bool(documents(data)) and "documents" not in (data.get("unknown") or [])


def groups(data: Mapping[str, Any]) -> list[Group]:
    """The papers every dossier brings, then each case in the order the list names them."""
    by_case: dict[str | None, list[tuple[int, Mapping[str, Any]]]] = {None: []}
    for position, paper in enumerate(documents(data)):
        by_case.setdefault(paper.get("case") or None, []).append((position, paper))
    return [Group(case, tuple(papers)) for case, papers in by_case.items() if papers]


def has_cases(data: Mapping[str, Any]) -> bool:
    return any(paper.get("case") for paper in documents(data))


def copies(item: Counted) -> int:
    return item.originals + item.certified_copies + item.photocopies


class _Received:
    """The papers received with one copy at least, by name and by national code."""

    def __init__(self, received: Iterable[Counted]) -> None:
        self.names: set[str] = set()
        self.codes: set[str] = set()
        for item in received:
            if copies(item) < 1:
                continue
            self.names.add(key(item.name))
            self.codes.add(_code(getattr(item, "code", None)))  # a client may send one
        self.codes.discard("")

    def has(self, paper: Mapping[str, Any]) -> bool:
        code = _code(paper.get("code"))
        return key(paper["name"]) in self.names or bool(code and code in self.codes)

    def lacking(self, papers: Iterable[Mapping[str, Any]]) -> list[str]:
        return [p["name"] for p in papers if p.get("required", True) and not self.has(p)]


def check(data: Mapping[str, Any], received: Iterable[Counted]) -> Check:
    """The required papers of `data`'s list that `received` lacks. A paper received matches
    a paper of the list by its name or its national code, and only with one copy at least."""
    if not known(data):
        return UNCHECKED
    got = _Received(received)
    missing = got.lacking(p for p in documents(data) if not p.get("case"))
    case, in_case = _closest_case(data, got)
    return Check(known=True, missing=_unique(missing + in_case), case=case if in_case else None)


def _closest_case(data: Mapping[str, Any], got: _Received) -> tuple[str | None, list[str]]:
    """The case with fewest required papers missing; on a tie, the one with most papers
    received, then the first listed. A case with no required paper adds to a dossier
    ("where there are several owners, also...") rather than being one: it is not chosen."""
    best: tuple[int, int, int] | None = None
    chosen: tuple[str | None, list[str]] = (None, [])
    for order, group in enumerate(groups(data)):
        papers = [paper for _, paper in group.papers]
        if group.case is None or not any(p.get("required", True) for p in papers):
            continue
        missing = got.lacking(papers)
        rank = (len(missing), -sum(1 for p in papers if got.has(p)), order)
        if best is None or rank < best:
            best, chosen = rank, (group.case, missing)
    return chosen


def complete_set(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The papers of a complete dossier, with the counts the list asks for (one original
    where it states none): the common required papers and those of the first case that has
    any. What the demo and the benchmarks receive, so they pass the check as an officer's
    complete dossier does."""
    chosen = next(
        (
            g.case
            for g in groups(data)
            if g.case is not None and any(p.get("required", True) for _, p in g.papers)
        ),
        None,
    )
    papers = []
    for paper in documents(data):
        if not paper.get("required", True) or paper.get("case") not in (None, chosen):
            continue
        counts = {
            k: int(paper.get(k) or 0) for k in ("originals", "certified_copies", "photocopies")
        }
        if not any(counts.values()):
            counts["originals"] = 1
        papers.append({"name": paper["name"]} | counts)
    return papers


def _unique(names: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(key(name), name)
    return tuple(seen.values())


def message(found: Check) -> str:
    """The missing papers named, to show beside the checklist and in the API's error."""
    names = "; ".join(found.missing)
    if found.case:
        return N_("Thiếu giấy tờ bắt buộc (trường hợp: {case}): {names}.").format(
            case=found.case, names=names
        )
    return N_("Thiếu giấy tờ bắt buộc: {names}.").format(names=names)


class MissingDocuments(Invalid):
    """A dossier received without every required paper: 422 `missing_documents`."""

    code = "missing_documents"

    def __init__(self, found: Check) -> None:
        super().__init__(message(found), field="documents")
        self.found = found

    def as_dict(self) -> ErrorResponse:
        body = super().as_dict()
        extra = cast(dict[str, Any], body["error"])
        extra["missing"] = list(self.found.missing)
        extra["case"] = self.found.case
        return body
