"""The requests that create and change dossiers, as the API and the counter's forms send them.

One model per request: it validates the JSON API's bodies and query strings and the counter's
forms alike, and the API's OpenAPI document is generated from it (docs/architecture.md).
Limits come from onestop.fields, so every entry point refuses the same things.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from onestop import fields
from onestop.fields import (
    ADDRESS,
    CODE,
    DOCUMENT_NAME,
    DOCUMENT_NOTE,
    MAX_DOCUMENTS,
    MAX_PAGE,
    NAME,
    NOTE,
    AgencyCode,
    Email,
    IdNumber,
    Instant,
    Number,
    OptionalPhone,
    PersonName,
    Phone,
    Text,
)
from onestop.i18n import N_

Channel = Literal["in_person", "online", "post"]


class _Request(BaseModel):
    # Fields a client adds that the contract does not know are ignored, as clients expect of
    # a JSON API; the ones it knows are checked exactly.
    model_config = ConfigDict(extra="ignore", frozen=True)


def _optional_name(value: Any) -> Any:
    return None if value in (None, "") else value


class Applicant(_Request):
    full_name: PersonName
    id_number: IdNumber
    phone: Phone
    email: Email = None
    address: Annotated[str, Text(ADDRESS)] = ""


class Submitter(_Request):
    """Who hands the dossier in, when it is not the applicant."""

    full_name: Annotated[PersonName | None, BeforeValidator(_optional_name)] = None
    phone: OptionalPhone = None


class ReceivedDocument(_Request):
    name: Annotated[str, Text(DOCUMENT_NAME, required=True)]
    # The national code of the paper (the catalogue's `code`): it matches the paper whatever
    # the client calls it.
    code: Annotated[str, Text(CODE)] = ""
    originals: Annotated[int, Number()] = 0
    certified_copies: Annotated[int, Number()] = 0
    photocopies: Annotated[int, Number()] = 0


class IntakeRequest(_Request):
    """`POST /api/v1/dossiers`, and the counter's intake form."""

    procedure_code: Annotated[str, Text(CODE, required=True)]
    channel: Channel = "in_person"
    agency: AgencyCode = ""
    commune: AgencyCode = ""
    # The published case (trường hợp) whose own time applies; "" for the procedure's time.
    variant: Annotated[str, Text(NOTE)] = ""
    applicant: Applicant
    submitter: Submitter | None = None
    documents: list[ReceivedDocument] = Field(default=[], max_length=MAX_DOCUMENTS)
    sets: Annotated[int, Number(1)] = 1
    result_place: Annotated[str, Text(ADDRESS)] = ""


# The messages that name a field's own case, where "Bắt buộc." would say too little.
INTAKE_MESSAGES = {
    "procedure_code": N_("Chọn thủ tục."),
    "channel": N_("Hình thức nộp không hợp lệ."),
    "applicant": N_("Thiếu thông tin người nộp."),
    "applicant.full_name": N_("Nhập họ và tên."),
    "applicant.id_number": N_("Số định danh cá nhân gồm đúng 12 chữ số."),
    "applicant.phone": N_("Số điện thoại không đúng (ví dụ 0912345678)."),
    "submitter": N_("Thông tin người nộp thay không hợp lệ."),
    "documents": N_("Danh sách giấy tờ không hợp lệ (tối đa {limit}).").format(limit=MAX_DOCUMENTS),
}


def _paper(value: Any) -> Any:
    # A paper may be named by its name alone.
    return {"name": value} if isinstance(value, str) else value


class Paper(_Request):
    """A paper asked for (request_supplement) or brought in (supplement_received)."""

    name: Annotated[str, Text(DOCUMENT_NAME, required=True)]
    note: Annotated[str, Text(DOCUMENT_NOTE)] = ""


ReturnMethod = Literal["counter", "post", "online"]


class ActionRequest(_Request):
    """`POST /api/v1/dossiers/{code}/actions`: which fields an action needs is the action's
    own rule (onestop.dossiers.actions); this model checks what each field may hold."""

    action: Annotated[str, Text(40, required=True)]
    note: Annotated[str, Text(NOTE, multiline=True)] | None = None
    to_agency: AgencyCode | None = None
    new_due_at: Instant | None = None
    documents: list[Annotated[Paper, BeforeValidator(_paper)]] = Field(
        default=[], max_length=MAX_DOCUMENTS
    )
    returned_to: Annotated[str, Text(NAME)] | None = None
    method: ReturnMethod | None = None


ACTION_MESSAGES = {
    "action": N_("Chọn thao tác."),
    "method": N_("Chọn cách trả kết quả."),
    "documents": N_("Danh sách giấy tờ không hợp lệ (tối đa {limit}).").format(limit=MAX_DOCUMENTS),
}


class Page(_Request):
    page: Annotated[int, Number(1, MAX_PAGE)] = 1
    per_page: Annotated[int, Number(1, 200)] = 50


class DossierListQuery(Page):
    """`GET /api/v1/dossiers`."""

    status: Annotated[int, Number(1, 10)] | None = None
    agency: AgencyCode | None = None
    from_: Instant | None = Field(default=None, alias="from")
    to: Instant | None = None


class ProcedureListQuery(Page):
    """`GET /api/v1/procedures`."""

    q: Annotated[str, Text(fields.SEARCH)] = ""
    field: Annotated[str, Text(CODE)] | None = None
