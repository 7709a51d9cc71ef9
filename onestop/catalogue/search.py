"""Finding procedures the way citizens and officers type them: with or without diacritics, a
code, a whole or partial name, a field's or an agency's name.

The database only narrows the rows to the published ones (and the field asked for); the
ranking is done here, in Python, over the folded code and name each row keeps in
`search_text`. A province's catalogue is a few hundred procedures, so reading those short
columns costs about a millisecond, and the ranking is the same on SQLite and PostgreSQL
because neither database takes part in it. Matching runs on the words run together, so a
missing or extra space ("dangky", "kha i sinh") still finds the name.

Order, best first (`Tier`): the exact code; a code's beginning; the exact name; the name
beginning with the query as a phrase of whole words; the phrase elsewhere in the name; the
phrase whose last word is still being typed; the phrase in the field's name; in the handling
agency's name; every word in the name; every word in the name, field and agency. Within a
tier: earlier in the name, then (for words) whole words before beginnings of words, then
shorter names, then the code. A name's leading "Thủ tục" (and the query's) is left out: some
names have it and some do not, and it says nothing of the procedure.

Procedures that only hold the query's words apart come after every phrase match. For a query
of two words they are left out when the phrase matches anywhere: two syllables typed together
are nearly always one Vietnamese word ("thường trú", "đất đai", "giám hộ"), and the same
syllables scattered through a name ("khấu trừ ... bồi thường") are other words, not a weaker
match. Longer queries are several words, and those may well stand apart in the name sought
("đăng ký hộ kinh doanh" for "Đăng ký thành lập hộ kinh doanh").

A few everyday names that no published name uses ("sổ đỏ", "sao y", "nhập hộ khẩu", `EVERYDAY`)
put the procedures of their official wording first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from onestop.catalogue.models import Agency, AgencyRole, Procedure, ProcedureField
from onestop.text import fold

_WORD = re.compile(r"[a-z0-9]+")
# "kí"/"ký", "lí"/"lý", "mĩ"/"mỹ", "tỉ"/"tỷ": both spellings of a final i after a consonant are
# in use. Within one syllable the rule is exact; in words run together it reads a y between
# consonants as one ("dangky", "kyniem").
_FINAL_Y = re.compile(r"^([bcdghklmnpqrstvx]+)y$")
_Y_BETWEEN_CONSONANTS = re.compile(r"(?<=[bcdghklmnpqrstvx])y(?![aeiouy])")
_CODE = re.compile(r"[0-9][a-z0-9.]*")
_LEADING = ("thu", "tuc")  # "Thủ tục": many names start with it, some do not
CODE_PREFIX_MIN = 3  # "1." would be every code of the kind
# "xin" (ask for), "làm" (get done), "cách" (how to), "muốn" (want): said before what is
# wanted. Some names hold them ("xin thôi quốc tịch"), so they count until nothing matches.
_ASKING = frozenset({"xin", "lam", "cach", "muon"})


class Tier(IntEnum):
    CODE = 0
    CODE_START = 1
    NAME = 2
    NAME_START = 3
    NAME_PHRASE = 4
    NAME_TYPING = 5
    FIELD = 6
    AGENCY = 7
    WORDS = 8
    ANYWHERE = 9


SCATTERED = (Tier.WORDS, Tier.ANYWHERE)

Key = tuple[int, int, int, str]


def search_text(code: str, name: str) -> str:
    """What a procedure row keeps in `search_text`: its code, a space, its name, folded."""
    return fold(f"{code} {name}")


@dataclass(frozen=True, slots=True)
class _Text:
    """A name as the matching reads it: its words run together, and where each word starts.
    A leading "Thủ tục" is left out: some names have it and some do not, and it says nothing
    of the procedure."""

    compact: str
    starts: dict[int, int]  # offset in `compact` -> index of the word
    ends: frozenset[int]
    length: int  # in words


def _spell(word: str) -> str:
    return _FINAL_Y.sub(r"\1i", word)


def _without_leading(words: list[str]) -> list[str]:
    return words[len(_LEADING) :] if tuple(words[: len(_LEADING)]) == _LEADING else words


@lru_cache(maxsize=8192)
def _prepare(folded: str) -> _Text:
    words = _without_leading([_spell(w) for w in _WORD.findall(folded)])
    starts: dict[int, int] = {}
    ends = set()
    offset = 0
    for index, word in enumerate(words):
        starts[offset] = index
        offset += len(word)
        ends.add(offset)
    return _Text("".join(words), starts, frozenset(ends), len(words))


@lru_cache(maxsize=8192)
def _read(text: str) -> tuple[str, _Text]:
    """A row's `search_text` split into its folded code and its prepared name."""
    folded_code, _, folded_name = text.partition(" ")
    return folded_code, _prepare(folded_name)


@dataclass(frozen=True, slots=True)
class _Hit:
    whole: bool  # the phrase ends where a word ends
    position: int  # the word it starts at


def _find(text: _Text, needle: str) -> _Hit | None:
    """The best place `needle` starts at a word of `text`: whole words first, then earliest."""
    best: _Hit | None = None
    i = text.compact.find(needle)
    while i >= 0:
        position = text.starts.get(i)
        if position is not None:
            hit = _Hit((i + len(needle)) in text.ends, position)
            if hit.whole:
                return hit
            best = best or hit
        i = text.compact.find(needle, i + 1)
    return best


NOT_FOUND, BEGUN, WHOLE = 0, 1, 2


def _has(text: _Text, word: str) -> int:
    """WHOLE: `word` is a word of `text` (or words run together); BEGUN: only the beginning
    of one; NOT_FOUND."""
    found = NOT_FOUND
    i = text.compact.find(word)
    while i >= 0:
        if i in text.starts:
            if (i + len(word)) in text.ends:
                return WHOLE
            found = BEGUN
        i = text.compact.find(word, i + 1)
    return found


@dataclass(frozen=True)
class Query:
    """What was typed, read once: its words, the phrase they make, and the code it may be."""

    words: tuple[str, ...]  # without a leading "Thủ tục", as names are read
    phrase: str  # the words run together
    code: str = ""  # letters and digits only: "1.001193", "1 001193" and "1001193" are one code
    code_start: str | None = None  # the typed beginning of a code, when it looks like one

    @classmethod
    def read(cls, q: str) -> Query:
        folded = fold(q)
        words = [_Y_BETWEEN_CONSONANTS.sub("i", w) for w in _WORD.findall(folded)]
        typed = folded.replace(" ", "")
        looks_like_code = _CODE.fullmatch(typed) and len(typed) >= CODE_PREFIX_MIN
        code = _code_key(folded)
        return cls.of(
            words,
            code=code if code[:1].isdigit() else "",
            code_start=typed if looks_like_code else None,
        )

    @classmethod
    def of(cls, words: list[str], code: str = "", code_start: str | None = None) -> Query:
        core = _without_leading(words) or words
        return cls(tuple(core), "".join(core), code, code_start)


class Entry(NamedTuple):
    """One procedure as the ranking sees it."""

    code: str
    search_text: str  # as `search_text()` makes it
    field: str  # the field's folded name
    agency: tuple[str, ...]  # the folded names of the handling agency: its role, its agency


def _code_key(folded_code: str) -> str:
    return "".join(_WORD.findall(folded_code))


def _code_tier(query: Query, folded_code: str) -> Tier | None:
    if query.code and _code_key(folded_code) == query.code:
        return Tier.CODE
    start = query.code_start
    if start and (folded_code.startswith(start) or folded_code.partition(".")[2].startswith(start)):
        return Tier.CODE_START
    return None


def _name_key(query: Query, name: _Text, code: str) -> Key | None:
    if name.compact == query.phrase:
        return (Tier.NAME, 0, name.length, code)
    hit = _find(name, query.phrase)
    if hit is None:
        return None
    if not hit.whole:
        return (Tier.NAME_TYPING, hit.position, name.length, code)
    tier = Tier.NAME_START if hit.position == 0 else Tier.NAME_PHRASE
    return (tier, hit.position, name.length, code)


class _Around:
    """What the query matches in the names of a procedure's field and agency: the best tier
    of a phrase match there, and the query's words found there. Worked out once per query
    for each field and agency, not for each procedure."""

    def __init__(self, query: Query) -> None:
        self.query = query
        self._texts: dict[str, tuple[_Hit | None, frozenset[str]]] = {}
        self._pairs: dict[
            tuple[str, tuple[str, ...]], tuple[tuple[Tier, int] | None, frozenset[str]]
        ] = {}

    def of(self, entry: Entry) -> tuple[tuple[Tier, int] | None, frozenset[str]]:
        pair = (entry.field, entry.agency)
        found = self._pairs.get(pair)
        if found is None:
            found = self._pairs[pair] = self._work_out(entry.field, entry.agency)
        return found

    def _work_out(
        self, field: str, agency: tuple[str, ...]
    ) -> tuple[tuple[Tier, int] | None, frozenset[str]]:
        best: tuple[Tier, int] | None = None
        words: set[str] = set()
        for tier, text in [(Tier.FIELD, field)] + [(Tier.AGENCY, t) for t in agency]:
            hit, found = self._text(text)
            words |= found
            if hit is not None and (best is None or (tier, 1 - hit.whole) < best):
                best = (tier, 1 - hit.whole)
        return best, frozenset(words)

    def _text(self, text: str) -> tuple[_Hit | None, frozenset[str]]:
        found = self._texts.get(text)
        if found is None:
            prepared = _prepare(text)
            words = frozenset(w for w in self.query.words if _has(prepared, w) != NOT_FOUND)
            found = self._texts[text] = (_find(prepared, self.query.phrase), words)
        return found


# What people call a procedure's result or act, where no published name says it: the whole
# query (as typed, else without the asking words) stands for the official wording, whose
# matches come first.
EVERYDAY = {
    "so do": "cap giay chung nhan quyen su dung dat lan dau",
    "so hong": "cap giay chung nhan quyen su dung dat lan dau",
    "sao y": "chung thuc ban sao tu ban chinh",
    "sao y ban chinh": "chung thuc ban sao tu ban chinh",
    "doc than": "xac nhan tinh trang hon nhan",
    "giay doc than": "xac nhan tinh trang hon nhan",
    "giay xac nhan doc than": "xac nhan tinh trang hon nhan",
    "lam giay khai sinh": "dang ky khai sinh",  # "giấy khai sinh" alone: the copy's name
    "lam khai sinh": "dang ky khai sinh",
    "ho khau": "dang ky thuong tru",
    "nhap ho khau": "dang ky thuong tru",
    "giay phep xay nha": "giay phep xay dung nha o rieng le",
    "phep xay nha": "giay phep xay dung nha o rieng le",
    "xay nha": "giay phep xay dung nha o rieng le",
}


def rank(query: Query, entries: Sequence[Entry]) -> list[Key]:
    """The matching entries' sort keys, best first; the last item of a key is the code.

    When nothing has every word, the words people put before what they want are left out
    ("xin giấy phép xây dựng"). An everyday name ("sổ đỏ", "làm giấy khai sinh") puts the
    procedures of its official wording first, then what the words themselves find."""
    keys = sorted(_keys(query, entries))
    plain = [w for w in query.words if w not in _ASKING]
    if not keys and len(plain) < len(query.words):
        keys = sorted(_keys(Query.of(plain), entries))
    official = EVERYDAY.get(" ".join(query.words)) or EVERYDAY.get(" ".join(plain))
    if official is None:
        return keys
    first = sorted(_keys(Query.read(official), entries))
    seen = {k[-1] for k in first}
    return first + [k for k in keys if k[-1] not in seen]


def _keys(query: Query, entries: Sequence[Entry]) -> list[Key]:
    if not query.words:
        return []
    around = _Around(query)
    keys = [k for k in (_key(query, e, around) for e in entries) if k is not None]
    if len(query.words) == 2 and any(k[0] not in SCATTERED for k in keys):
        keys = [k for k in keys if k[0] not in SCATTERED]
    return keys


def _key(query: Query, entry: Entry, around: _Around) -> Key | None:
    folded_code, name = _read(entry.search_text)
    if query.code:
        code_tier = _code_tier(query, folded_code)
        if code_tier is not None:
            return (code_tier, 0, 0, entry.code)
    phrase_around, words_around = around.of(entry)
    if any(w not in name.compact and w not in words_around for w in query.words):
        return None  # the quick way out, for most procedures
    named = _name_key(query, name, entry.code)
    if named is not None:
        return named
    if phrase_around is not None:
        return (*phrase_around, name.length, entry.code)
    found = {w: _has(name, w) for w in query.words}
    missing = {w for w, how in found.items() if how == NOT_FOUND}
    begun = sum(how == BEGUN for how in found.values())  # whole words first
    if not missing:
        return (Tier.WORDS, begun, name.length, entry.code)
    if missing <= words_around:
        return (Tier.ANYWHERE, begun, name.length, entry.code)
    return None


# The database's part: the published rows, their fields' and agencies' names, the page.


# Field and agency names are few and read on every search.
_fold = lru_cache(maxsize=1024)(fold)


def _entries(session: Session, field: str | None) -> list[Entry]:
    # Plain rows through the session's connection: the ORM's per-row work would cost more
    # than the ranking.
    run = session.connection().execute
    fields = {
        code: _fold(name) for code, name in run(select(ProcedureField.code, ProcedureField.name))
    }
    agencies: dict[str, tuple[str, ...]] = {}
    for role, *names in run(_AGENCY_NAMES):
        folded = (_fold(n) for n in names if n is not None)
        agencies[role] = tuple(dict.fromkeys((*agencies.get(role, ()), *folded)))
    query = _PROCEDURES if not field else _PROCEDURES.where(Procedure.field_code == field)
    return [
        Entry(code, text, fields.get(field_code, ""), agencies.get(role, ()))
        for code, text, field_code, role in run(query).all()
    ]


_PROCEDURES = select(
    Procedure.code, Procedure.search_text, Procedure.field_code, Procedure.agency_role
).where(col(Procedure.active))
# Each role's name and, for a provincial role, the name of its one agency: a commune role's
# agencies are named after their communes, which say nothing of the procedure.
_AGENCY_NAMES = select(AgencyRole.key, AgencyRole.name, Agency.name).outerjoin(
    Agency,
    and_(
        col(Agency.role) == AgencyRole.key,
        col(AgencyRole.level) == "province",
        col(Agency.active),
    ),
)


def ranked_codes(session: Session, *, q: str, field: str | None = None) -> list[str]:
    """Every published procedure matching `q`, best first."""
    return [key[-1] for key in rank(Query.read(q), _entries(session, field))]


def find_procedures(
    session: Session, *, q: str, field: str | None, page: int, per_page: int
) -> tuple[list[Procedure], int]:
    """One page of the procedures matching `q`, best first, and how many match in all; an
    empty `q` lists the catalogue by field and code."""
    if not fold(q):
        return _listing(session, field=field, page=page, per_page=per_page)
    codes = ranked_codes(session, q=q, field=field)
    shown = codes[(page - 1) * per_page : page * per_page]
    return _rows(session, shown), len(codes)


def _rows(session: Session, codes: Iterable[str]) -> list[Procedure]:
    wanted = list(codes)
    if not wanted:
        return []
    rows = {
        p.code: p for p in session.exec(select(Procedure).where(col(Procedure.code).in_(wanted)))
    }
    return [rows[code] for code in wanted]


def _listing(
    session: Session, *, field: str | None, page: int, per_page: int
) -> tuple[list[Procedure], int]:
    query = select(Procedure).where(col(Procedure.active))
    if field:
        query = query.where(Procedure.field_code == field)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(Procedure.field_code, Procedure.code)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows), total
