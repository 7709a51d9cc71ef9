"""Domain errors with stable codes; the web layer maps them to HTTP statuses."""

from __future__ import annotations

from typing import NotRequired, TypedDict


class ErrorBody(TypedDict):
    code: str
    message: str
    field: NotRequired[str]  # the form field at fault
    fields: NotRequired[dict[str, str]]  # every field at fault, with its message


class ErrorResponse(TypedDict):
    """What the API answers for an error: `{"error": {...}}`."""

    error: ErrorBody


class DomainError(Exception):
    """An error a user can act on. `code` is stable: clients and tests rely on it."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    def as_dict(self) -> ErrorResponse:
        body: ErrorBody = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        return {"error": body}


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class Invalid(DomainError):
    code = "invalid"
    http_status = 422


class Forbidden(DomainError):
    code = "forbidden"
    http_status = 403


class Conflict(DomainError):
    code = "conflict"
    http_status = 409


class Unauthorized(DomainError):
    code = "unauthorized"
    http_status = 401


class TooManyRequests(DomainError):
    code = "too_many_requests"
    http_status = 429
