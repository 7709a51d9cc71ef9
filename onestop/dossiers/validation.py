"""Checking what the counter or a client typed, with a Vietnamese message per field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from onestop.errors import ErrorResponse, Invalid

ID_NUMBER = re.compile(r"^\d{12}$")
# Mobile numbers (03x, 05x, 07x, 08x, 09x) and landlines (02x + 8 digits).
PHONE = re.compile(r"^0(?:[35789]\d{8}|2\d{9})$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME = 200
MAX_ADDRESS = 300
MAX_COUNT = 99


class ValidationFailed(Invalid):
    """Several fields are wrong; `errors` maps each field to its message."""

    code = "validation_failed"

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        first = next(iter(errors))
        super().__init__(errors[first], field=first)

    def as_dict(self) -> ErrorResponse:
        body = super().as_dict()
        body["error"]["fields"] = self.errors
        return body


def normalise_phone(raw: str) -> str:
    digits = re.sub(r"[\s.\-()]", "", raw)
    return "0" + digits[3:] if digits.startswith("+84") else digits


def normalise_name(raw: str) -> str:
    return " ".join(raw.split())


@dataclass
class Checker:
    """Collects every field's error, so a form shows them all at once."""

    errors: dict[str, str] = field(default_factory=dict)

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def name(self, key: str, value: Any, label: str) -> str:
        text = normalise_name(str(value or ""))
        if not text:
            self.fail(key, f"Nhập {label}.")
        elif len(text) > MAX_NAME or any(c.isdigit() for c in text):
            self.fail(key, f"{label.capitalize()} không hợp lệ.")
        return text

    def id_number(self, key: str, value: Any) -> str:
        text = re.sub(r"\s", "", str(value or ""))
        # The first three digits are the province of birth registration: 001 to 096.
        if not ID_NUMBER.match(text) or not 1 <= int(text[:3]) <= 96:
            self.fail(key, "Số định danh cá nhân gồm đúng 12 chữ số.")
        return text

    def phone(self, key: str, value: Any, *, required: bool = True) -> str | None:
        text = normalise_phone(str(value or ""))
        if not text and not required:
            return None
        if not PHONE.match(text):
            self.fail(key, "Số điện thoại không đúng (ví dụ 0912345678).")
        return text

    def email(self, key: str, value: Any) -> str | None:
        text = str(value or "").strip()
        if text and (len(text) > MAX_NAME or not EMAIL.match(text)):
            self.fail(key, "Địa chỉ email không đúng.")
        return text or None

    def text(self, key: str, value: Any, *, limit: int, required: str | None = None) -> str | None:
        text = " ".join(str(value or "").split())
        if not text and required:
            self.fail(key, required)
        elif len(text) > limit:
            self.fail(key, f"Tối đa {limit} ký tự.")
        return text or None

    def count(self, key: str, value: Any, *, minimum: int = 0) -> int:
        try:
            number = int(value if value not in (None, "") else minimum)
        except (TypeError, ValueError):
            self.fail(key, "Nhập một số.")
            return minimum
        if not minimum <= number <= MAX_COUNT:
            self.fail(key, f"Từ {minimum} đến {MAX_COUNT}.")
        return number

    def done(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
