"""The schema of the published catalogue files (Decree 63/2010 Art. 8(2) components).

The files in `procedures/` are reviewed by people in diffs, so the schema is strict
(unknown keys are errors) and every unknown fact must be declared in `unknown:`
rather than invented or silently left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    model_validator,
)

from onestop.calendar import Unit  # one list of units, the deadline engine's

PROCEDURE_CODE = re.compile(r"^[123]\.\d{6}(\.[A-Z]\d{2})?$")
AGENCY_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
ROLE_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class Level(StrEnum):
    PROVINCE = "province"
    COMMUNE = "commune"
    PROVINCE_AND_COMMUNE = "province_and_commune"


class OnlineLevel(StrEnum):
    FULL = "full"  # toàn trình
    PARTIAL = "partial"  # một phần
    NONE = "none"


class Channel(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    POST = "post"


def _decimal(value: Any) -> Any:
    """Accept the Vietnamese decimal comma ("4,5") as well as YAML numbers."""
    if isinstance(value, str):
        return Decimal(value.strip().replace(",", "."))
    if isinstance(value, float):
        return Decimal(str(value))
    return value


def _number(value: Decimal) -> int | float:
    """JSON clients read numbers: 4 stays 4, 4.5 becomes 4.5."""
    return int(value) if value == value.to_integral_value() else float(value)


Amount = Annotated[
    Decimal, BeforeValidator(_decimal), PlainSerializer(_number, when_used="json"), Field(ge=0)
]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Duration(Strict):
    """A processing time or an allowance, in one of the four units of docs/domain.md#units."""

    value: Amount
    unit: Unit

    def working_hours(self) -> Decimal:
        """Upper bound in working hours, to compare allowances with a total.

        A calendar day is taken as one working day here: allowances are stated in working
        time, and a plan is only checked against its procedure's total.
        """
        if self.unit is Unit.HOURS:
            return self.value
        if self.unit is Unit.SAME_DAY:
            return Decimal(8)
        return self.value * 8


class ProcessingTime(Duration):
    text: str | None = None  # the published wording, e.g. "Ngay trong ngày tiếp nhận"


class Fee(Strict):
    amount: Amount | None = None  # đồng; None when it depends (per page, per council)
    text: Text


class ChannelOffer(Strict):
    channel: Channel
    processing_time: ProcessingTime | None = None  # defaults to the procedure's
    fees: list[Fee] = Field(default_factory=list)
    description: str | None = None


# The counter ticks a paper by this name and the receipt prints it, so it is kept short; the
# published wording, often a paragraph with its conditions, is kept whole in `text`.
DOCUMENT_NAME = 300


class Document(Strict):
    name: Annotated[str, Field(min_length=1, max_length=DOCUMENT_NAME)]
    text: str | None = None  # the published wording, when the name shortens it
    code: str | None = None  # the national database's code of the component
    originals: int = Field(default=0, ge=0)  # bản chính
    certified_copies: int = Field(default=0, ge=0)  # bản sao có chứng thực
    photocopies: int = Field(default=0, ge=0)  # bản photo / bản sao
    required: bool = True  # False: "only when relevant" (trường hợp ...)
    # The published list's case (trường hợp) this paper belongs to; None: every dossier. A
    # dossier brings the papers of one case, so intake checks the case that is complete.
    case: str | None = None
    form: str | None = None  # mẫu tờ khai, e.g. "Mẫu CT01"
    note: str | None = None


class NationalRecord(Strict):
    """The national database's record a procedure was imported from (its source)."""

    id: Text  # the record's id on the national portal
    updated_at: datetime  # its last change, as the portal states it
    state: str | None = None  # ACTIVE / UPDATED


class Variant(Strict):
    """A case (trường hợp) with its own time."""

    name: Text
    processing_time: ProcessingTime | None = None
    no_appointment: bool = False


class Step(Strict):
    """One step of an interconnected routing plan."""

    agency: Annotated[str, Field(pattern=ROLE_KEY.pattern)]  # an agency role of agencies.yaml
    task: Text
    allowance: Duration | None = None  # None: untimed, the clock stops (e.g. tax assessment)
    parallel: str | None = None  # steps sharing a label run at the same time
    counted: bool = True  # False for the counter's return step


class Procedure(Strict):
    code: Annotated[str, Field(pattern=PROCEDURE_CODE.pattern)]
    name: Text
    field: Annotated[str, Field(pattern=ROLE_KEY.pattern)]
    level: Level
    agency: Annotated[str, Field(pattern=ROLE_KEY.pattern)]  # role of the handling agency
    agency_text: str | None = None  # the handling agency as published
    online_level: OnlineLevel | None = None
    interconnected: bool = False
    any_counter: bool | None = None  # không phụ thuộc địa giới hành chính
    processing_time: ProcessingTime | None = None
    channels: list[ChannelOffer] = Field(default_factory=list)
    channel_note: str | None = None  # what the published channels all say (time conditions)
    steps: list[Text] = Field(default_factory=list)  # trình tự thực hiện
    documents: list[Document] = Field(default_factory=list)
    to_show: list[Document] = Field(default_factory=list)  # giấy tờ phải xuất trình, not kept
    document_notes: list[Text] = Field(default_factory=list)  # the list's explanatory notes
    sets: int | None = Field(default=None, ge=1)  # số lượng hồ sơ (bộ)
    applicants: str | None = None
    result: str | None = None
    forms: list[Text] = Field(default_factory=list)
    conditions: list[Text] = Field(default_factory=list)
    fees: str | None = None  # summary as published; per channel amounts in `channels`
    legal_basis: list[Text] = Field(default_factory=list)
    publication: str | None = None  # the decision that published it
    publisher: str | None = None  # the body that published it (a ministry, a province)
    # The law sets no appointment (a certification done while the citizen waits, a
    # notification): the reason, said instead of a time.
    no_appointment: str | None = None
    record: NationalRecord | None = None  # set by `onestop catalogue import`
    variants: list[Variant] = Field(default_factory=list)
    routing: list[Step] = Field(default_factory=list)
    # Fact -> where it was read: the portal's record with its date, the decision, the law.
    sources: dict[str, Text] = Field(default_factory=dict)
    unknown: list[str] = Field(default_factory=list)  # facts not found: left empty on purpose
    to_confirm: list[Text] = Field(default_factory=list)  # facts to check for the province

    @model_validator(mode="after")
    def _check(self) -> Procedure:
        _check_unknown(self)
        _check_routing(self)
        _check_channels(self)
        return self

    def time_for(self, channel: Channel | str) -> ProcessingTime | None:
        """The processing time for a channel, falling back on the procedure's."""
        for offer in self.channels:
            if offer.channel == channel and offer.processing_time is not None:
                return offer.processing_time
        return self.processing_time


# Facts a procedure must either state or declare unknown.
DECLARABLE = (
    "processing_time",
    "documents",
    "fees",
    "legal_basis",
    "result",
    "applicants",
    "online_level",
    "any_counter",
    "publication",
    "steps",
    "sets",
)


def _is_empty(value: Any) -> bool:
    return value is None or value == [] or value == ""


def _check_unknown(p: Procedure) -> None:
    if p.no_appointment is not None and p.processing_time is not None:
        raise ValueError("no_appointment: a procedure with a processing time has an appointment")
    if p.no_appointment is not None and "processing_time" in p.unknown:
        raise ValueError("no_appointment: the time is known to be none, not unknown")
    for name in p.unknown:
        if name not in DECLARABLE:
            raise ValueError(f"unknown: '{name}' is not a fact that may be declared unknown")
        if not _is_empty(getattr(p, name)):
            raise ValueError(f"unknown: '{name}' is declared unknown but has a value")
    for name in DECLARABLE:
        if name == "processing_time" and p.no_appointment is not None:
            continue
        if name == "documents" and p.to_show:
            continue  # nothing is handed in, papers are only shown (a copy from a register)
        if _is_empty(getattr(p, name)) and name not in p.unknown:
            raise ValueError(f"'{name}' is empty: state it, or list it under unknown:")


def _check_channels(p: Procedure) -> None:
    seen = [offer.channel for offer in p.channels]
    if len(seen) != len(set(seen)):
        raise ValueError("channels: each channel may be listed once")


def plan_hours(steps: list[Step]) -> Decimal:
    """Working hours the plan takes: sequential steps add up, a parallel group takes its longest."""
    total = Decimal(0)
    groups: dict[str, Decimal] = {}
    for step in steps:
        if step.allowance is None or not step.counted:
            continue
        hours = step.allowance.working_hours()
        if step.parallel is None:
            total += hours
        else:
            groups[step.parallel] = max(groups.get(step.parallel, Decimal(0)), hours)
    return total + sum(groups.values(), Decimal(0))


def _check_routing(p: Procedure) -> None:
    if not p.interconnected:
        if p.routing:
            raise ValueError("routing: only an interconnected procedure carries a routing plan")
        return
    if len({step.agency for step in p.routing}) < 2:
        raise ValueError("routing: an interconnected procedure needs steps at two agencies or more")
    for i, step in enumerate(p.routing):
        a = step.allowance
        if a is not None and a.unit is Unit.DAYS and a.value != a.value.to_integral_value():
            # Plans split working days into 0,25 and 0,5; a calendar day cannot be split.
            raise ValueError(f"routing.{i}: {a.value} calendar days: write working_days")
    if p.processing_time is None:
        return
    total = p.processing_time.working_hours()
    planned = plan_hours(p.routing)
    if planned > total:
        raise ValueError(
            f"routing: the allowances take {planned} working hours, "
            f"more than the procedure's {total}"
        )


class Field_(Strict):
    """A field (lĩnh vực) of procedures."""

    code: Annotated[str, Field(pattern=ROLE_KEY.pattern)]
    name: Text
    name_en: Text


class Role(Strict):
    """A kind of agency that procedures and routing plans name."""

    key: Annotated[str, Field(pattern=ROLE_KEY.pattern)]
    name: Text
    level: Level  # province: one agency in the province; commune: one per commune


class Agency(Strict):
    code: Annotated[str, Field(pattern=AGENCY_CODE.pattern)]
    name: Text
    role: Annotated[str, Field(pattern=ROLE_KEY.pattern)]
    parent: str | None = None  # the code of the commune or department it belongs to
    address: str | None = None
    phone: str | None = None
    illustrative: bool = False  # the code is made up in the style of Decision 20/2020


class Directory(Strict):
    """`procedures/agencies.yaml`: the province, its fields, roles and agencies."""

    province: Text
    fields: list[Field_]
    roles: list[Role]
    agencies: list[Agency]


def catalogue_counts(procedures: Iterable[Procedure]) -> dict[str, int]:
    """How complete the catalogue is: the figures the admins' page and the notes give."""
    listed = list(procedures)
    return {
        "total": len(listed),
        "imported": sum(p.record is not None for p in listed),
        "documents": sum(bool(p.documents) for p in listed),
        "no_documents": sum("documents" in p.unknown for p in listed),
        "no_time": sum("processing_time" in p.unknown for p in listed),
        "no_appointment": sum(p.no_appointment is not None for p in listed),
    }
