"""What a person may type into any field, declared once.

The API's request models, the counter's forms (through the same models) and the services'
own checks use these types and limits, so the web form and the API refuse the same things with
the same Vietnamese message. Every message here is what the officer or the client reads.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BeforeValidator,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError, core_schema

from onestop.i18n import N_

VN = ZoneInfo("Asia/Ho_Chi_Minh")

# Lengths, in characters.
NAME = 200
ADDRESS = 300
EMAIL = 200
NOTE = 2000
# A paper's name as the counter prints it: the national records' own names run to thousands
# of characters (a paragraph of conditions); the catalogue gives the counter a short name.
DOCUMENT_NAME = 300
DOCUMENT_NOTE = 500
CODE = 40
SEARCH = 200
# Counts and sizes that bound what a page or a printed form must render: the largest group
# of papers in the national records has 23; the receipt of the largest dossier accepted renders
# in about 1.2 s of CPU (bench/largest_receipt.py, docs/PERFORMANCE.md).
MAX_COUNT = 99
MAX_DOCUMENTS = 30
MAX_PAGE = 1_000_000
# Dates a person can mean: anything else is a typo or a probe.
FIRST_YEAR, LAST_YEAR = 1900, 2100

# Explicit direction marks and overrides can make a name read differently than it is stored
# (and differently on the printed receipt): refused everywhere.
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\n\r\t")
# ASCII digits only: `\d` alone also takes other scripts' digits ("٠١٢"), which int() reads.
ID_NUMBER = re.compile(r"^\d{12}$", re.ASCII)
# Mobile numbers (03x, 05x, 07x, 08x, 09x) and landlines (02x + 8 digits).
PHONE = re.compile(r"^0(?:[35789]\d{8}|2\d{9})$", re.ASCII)
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
AGENCY_CODE = re.compile(r"^[0-9A-Za-z.\-]{1,40}$")


def bad_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character no field may hold: C0/C1 controls (NUL included), lone surrogates,
    bidi overrides. Line breaks and tabs only in multi-line fields."""
    for ch in text:
        if multiline and ch in _LINE_BREAKS:
            continue
        if ch in BIDI or unicodedata.category(ch) in ("Cc", "Cs"):
            return ch
    return None


def _refuse_characters(text: str, *, multiline: bool) -> None:
    ch = bad_character(text, multiline=multiline)
    if ch is not None:
        raise PydanticCustomError(
            "text_control",
            N_("Có ký tự không được phép (U+{point})."),
            {"point": f"{ord(ch):04X}"},
        )


def _exact_text(value: Any) -> Any:
    # A list or a number is not a name: no silent str() of whatever was sent.
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", N_("Phải là một chuỗi ký tự."))
    return value


def clean_line(value: str) -> str:
    """One line of text: NFC (the same letters typed on any keyboard compare equal), single
    spaces, no control characters."""
    _refuse_characters(value, multiline=False)
    return " ".join(unicodedata.normalize("NFC", value).split())


def clean_paragraph(value: str) -> str:
    _refuse_characters(value, multiline=True)
    return unicodedata.normalize("NFC", value).strip()


@dataclass(frozen=True)
class Text:
    """A text field of at most `limit` characters, as `Annotated[str, Text(200)]`: one line
    (spaces collapsed) unless `multiline`; `required` refuses what is empty once cleaned."""

    limit: int
    required: bool = False
    multiline: bool = False

    def check(self, value: Any) -> str:
        if value is None and not self.required:
            return ""  # clients send null for a field they leave empty
        text = _exact_text(value)
        text = clean_paragraph(text) if self.multiline else clean_line(text)
        if len(text) > self.limit:
            raise PydanticCustomError(
                "text_too_long", N_("Tối đa {limit} ký tự."), {"limit": self.limit}
            )
        if self.required and not text:
            raise PydanticCustomError("missing", N_("Bắt buộc."))
        return text

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.no_info_plain_validator_function(self.check)

    def __get_pydantic_json_schema__(self, schema: Any, handler: GetJsonSchemaHandler) -> Any:
        extra = {"minLength": 1} if self.required else {}
        return {"type": "string", "maxLength": self.limit} | extra


@dataclass(frozen=True)
class Number:
    """A whole number from `minimum` to `maximum`, as `Annotated[int, Number(1, 99)]`: exact
    (1.5 is not 1, `true` is not 1); a form's digits as text are read as the number."""

    minimum: int = 0
    maximum: int = MAX_COUNT

    def check(self, value: Any) -> int:
        number = _count(value)
        if not self.minimum <= number <= self.maximum:
            raise PydanticCustomError(
                "count_range",
                N_("Từ {minimum} đến {maximum}."),
                {"minimum": self.minimum, "maximum": self.maximum},
            )
        return number

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.no_info_plain_validator_function(self.check)

    def __get_pydantic_json_schema__(self, schema: Any, handler: GetJsonSchemaHandler) -> Any:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


def _person_name(value: str) -> str:
    if not value:
        raise PydanticCustomError("missing", N_("Bắt buộc."))
    if any(c.isdigit() for c in value) or not any(c.isalpha() for c in value):
        raise PydanticCustomError("person_name", N_("Họ tên chỉ gồm chữ cái."))
    return value


PersonName = Annotated[str, Text(NAME), AfterValidator(_person_name)]


def _id_number(value: str) -> str:
    text = re.sub(r"\s", "", value)
    # The first three digits are the province of birth registration: 001 to 096.
    if not ID_NUMBER.match(text) or not 1 <= int(text[:3]) <= 96:
        raise PydanticCustomError("id_number", N_("Số định danh cá nhân gồm đúng 12 chữ số."))
    return text


IdNumber = Annotated[str, Text(20), AfterValidator(_id_number)]


def normalise_phone(raw: str) -> str:
    digits = re.sub(r"[\s.\-()]", "", raw)
    return "0" + digits[3:] if digits.startswith("+84") else digits


def _phone(value: str) -> str:
    text = normalise_phone(value)
    if not PHONE.match(text):
        raise PydanticCustomError("phone", N_("Số điện thoại không đúng (ví dụ 0912345678)."))
    return text


Phone = Annotated[str, Text(20), AfterValidator(_phone)]


def _optional_phone(value: str) -> str | None:
    return _phone(value) if value else None


def _none_as_empty(value: Any) -> Any:
    return "" if value is None else value


OptionalPhone = Annotated[
    str | None, BeforeValidator(_none_as_empty), Text(20), AfterValidator(_optional_phone)
]


def _email(value: str) -> str | None:
    if not value:
        return None
    if len(value) > EMAIL or not EMAIL_SHAPE.match(value):
        raise PydanticCustomError("email", N_("Địa chỉ email không đúng."))
    return value


Email = Annotated[str | None, BeforeValidator(_none_as_empty), Text(EMAIL), AfterValidator(_email)]


def _agency_code(value: str) -> str:
    if value and not AGENCY_CODE.match(value):
        raise PydanticCustomError("agency_code", N_("Mã cơ quan không hợp lệ."))
    return value


AgencyCode = Annotated[str, Text(CODE), AfterValidator(_agency_code)]


def _count(value: Any) -> int:
    # Exact: 1.5 sets is not 1 set, `true` is not 1. A form sends digits as text.
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PydanticCustomError("count", N_("Nhập một số."))
    if isinstance(value, str):
        text = value.strip() or "0"
        if not text.isascii() or not text.isdigit() or len(text) > 6:
            raise PydanticCustomError("count", N_("Nhập một số."))
        return int(text)
    return int(value)


def _in_years(value: datetime) -> datetime:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError(
            "date_range",
            N_("Ngày phải trong khoảng {first}-{last}."),
            {"first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return value


def _instant(value: Any) -> Any:
    """ISO 8601; without an offset it is Vietnam time."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and len(value) <= 40:
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError(
                "datetime_parsing", N_("Thời điểm không hợp lệ (ISO 8601, ví dụ 2026-12-01T09:00).")
            ) from None
    else:
        raise PydanticCustomError(
            "datetime_parsing", N_("Thời điểm không hợp lệ (ISO 8601, ví dụ 2026-12-01T09:00).")
        )
    _in_years(parsed)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VN)
    return parsed.astimezone(UTC)


Instant = Annotated[
    datetime,
    BeforeValidator(_instant),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


def in_years(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR
