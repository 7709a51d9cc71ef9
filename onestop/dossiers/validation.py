"""Checking what the counter or a client typed, with a Vietnamese message per field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from onestop import fields
from onestop.errors import ErrorResponse, Invalid
from onestop.i18n import N_

M = TypeVar("M", bound=BaseModel)

# Messages for pydantic's own error types (ours carry their Vietnamese message already).
_BUILT_IN = {
    "missing": N_("Bắt buộc."),
    "string_type": N_("Phải là một chuỗi ký tự."),
    "model_type": N_("Phải là một đối tượng."),
    "model_attributes_type": N_("Phải là một đối tượng."),
    "dict_type": N_("Phải là một đối tượng."),
    "list_type": N_("Phải là một danh sách."),
    "too_long": N_("Tối đa {max_length} mục."),
    "literal_error": N_("Giá trị không hợp lệ."),
    "enum": N_("Giá trị không hợp lệ."),
    "union_tag_invalid": N_("Giá trị không hợp lệ."),
}


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


def field_path(loc: tuple[int | str, ...]) -> str:
    """`("applicant", "full_name")` -> "applicant.full_name"."""
    return ".".join(str(p) for p in loc)


def pydantic_errors(
    exc: ValidationError, *, messages: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Each wrong field with its Vietnamese message; `messages` words a field's own case
    (e.g. "Nhập họ và tên." for a missing name, "Hình thức nộp không hợp lệ." for a channel)."""
    own = messages or {}
    errors: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        path = field_path(error["loc"]) or "body"
        kind = error["type"]
        if path in own and (kind == "missing" or kind not in _OURS):
            text = own[path]
        elif kind in _OURS:
            text = error["msg"]
        else:
            text = _BUILT_IN.get(kind, N_("Giá trị không hợp lệ.")).format(
                **(error.get("ctx") or {})
            )
        errors.setdefault(path, text)
    return errors


# Error types raised by onestop.fields, whose messages are already meant for people.
_OURS = frozenset(
    {
        "text_control",
        "text_too_long",
        "person_name",
        "id_number",
        "phone",
        "email",
        "agency_code",
        "count",
        "count_range",
        "date_range",
        "datetime_parsing",
        "string_type",
        "missing",
    }
)


def parse(model: type[M], data: Any, *, messages: Mapping[str, str] | None = None) -> M:
    """`data` checked by `model`, or ValidationFailed (422) naming every wrong field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(pydantic_errors(exc, messages=messages)) from None


@dataclass
class Checker:
    """Collects every field's error, so a form shows them all at once: for the checks that
    depend on the action or on the database, after the request's model has checked the types."""

    errors: dict[str, str] = field(default_factory=dict)

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def text(self, key: str, value: Any, *, limit: int, required: str | None = None) -> str | None:
        if value is not None and not isinstance(value, str):
            self.fail(key, N_("Phải là một chuỗi ký tự."))
            return None
        if value and fields.bad_character(value, multiline=True):
            self.fail(key, N_("Có ký tự không được phép."))
            return None
        text = " ".join((value or "").split())
        if not text and required:
            self.fail(key, required)
        elif len(text) > limit:
            self.fail(key, N_("Tối đa {limit} ký tự.").format(limit=limit))
        return text or None

    def done(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
