"""The one action service: every change of a dossier goes through `perform` (an existing
dossier) or `record` (a dossier being created at intake).

`perform` locks the dossier row, checks the actor's permission (onestop.accounts.policy) and
the table of transitions (onestop.dossiers.states), applies the action's effects, appends the
audit event and logs one line. Each action's effects are written once, in its function below,
so what an action does is read in one place (docs/domain.md#actions). Services flush; the
request, CLI command or job commits at the edge (docs/transactions.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from onestop.accounts import policy
from onestop.accounts.models import Role, User
from onestop.calendar import WorkingCalendar
from onestop.catalogue.models import Procedure
from onestop.db import begin_write
from onestop.dossiers import clock
from onestop.dossiers.models import Dossier, DossierDocument, DossierEvent
from onestop.dossiers.requests import ActionRequest
from onestop.dossiers.states import ENDED, TRANSITIONS, Action, Status
from onestop.dossiers.validation import Checker
from onestop.errors import Conflict, DomainError, Invalid, NotFound
from onestop.i18n import N_
from onestop.routing import services as routing

log = logging.getLogger("onestop.actions")
CITIZEN = N_("Công dân")
APOLOGY_AHEAD_HOURS = 8  # one working day before the due time


RETURN_METHODS = {
    "counter": N_("trực tiếp tại Bộ phận Một cửa"),
    "post": N_("qua dịch vụ bưu chính"),
    "electronic": N_("bản điện tử"),
}


class InvalidTransition(Conflict):
    code = "invalid_transition"


@dataclass(frozen=True)
class Asked:
    """What the actor sends with an action, beyond its name (docs/architecture.md#interfaces)."""

    note: str | None = None
    to_agency: str | None = None
    new_due_at: datetime | None = None
    # Papers: those missing (request_supplement) or those brought in (supplement_received).
    documents: Sequence[Mapping[str, Any]] = ()
    # return_result: to whom, and how (RETURN_METHODS).
    returned_to: str | None = None
    method: str | None = None


@dataclass
class Change:
    """An action under way: the effects below read it and change `dossier`."""

    session: Session
    dossier: Dossier
    action: Action
    before: Status | None
    actor: User | None
    now: datetime
    calendar: WorkingCalendar
    asked: Asked
    checker: Checker = field(default_factory=Checker)
    note: str | None = None  # what the audit event says, when the effect words it


def asked_from(body: ActionRequest) -> Asked:
    """What a checked request (the API's JSON or the dossier page's form) asks of an action."""
    return Asked(
        note=body.note or None,
        to_agency=body.to_agency or None,
        new_due_at=body.new_due_at,
        documents=[p.model_dump() for p in body.documents],
        returned_to=body.returned_to or None,
        method=body.method,
    )


def parse_action(name: object) -> Action:
    """The action named by a client; 422 for anything else."""
    try:
        return Action(str(name))
    except ValueError:
        raise Invalid(
            N_("Không có thao tác '{name}'.").format(name=name),
            code="unknown_action",
            field="action",
        ) from None


def lock(session: Session, code: str) -> Dossier:
    """The dossier, locked until the transaction ends.

    PostgreSQL: SELECT ... FOR UPDATE, and the row is read again even if this session had it,
    so the status checked is the one committed last. SQLite: the write transaction (BEGIN
    IMMEDIATE) already excludes every other writer; FOR UPDATE is not needed there.
    """
    begin_write(session)
    query = (
        select(Dossier)
        .where(Dossier.code == code.strip())
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    dossier = session.exec(query).first()
    if dossier is None:
        raise NotFound(N_("Không có hồ sơ mã {code}.").format(code=code), code="dossier_not_found")
    return dossier


def perform(
    session: Session,
    *,
    code: str,
    action: Action,
    actor: User,
    now: datetime,
    calendar: WorkingCalendar,
    asked: Asked | None = None,
) -> Dossier:
    """Do `action` on the dossier `code` as `actor`: lock, permission, transition, effects,
    audit, log. Raises Forbidden (403), InvalidTransition (409) or Invalid (422)."""
    dossier = lock(session, code)
    try:
        policy.check_act(actor, routing.holding(session, dossier), action)
        record(
            session,
            dossier=dossier,
            action=action,
            actor=actor,
            now=now,
            calendar=calendar,
            asked=asked or Asked(),
        )
    except DomainError as exc:
        log.info(
            "action %s on %s by %s refused: %s", action.value, dossier.code, _who(actor), exc.code
        )
        raise
    return dossier


def record(
    session: Session,
    *,
    dossier: Dossier,
    action: Action,
    actor: User | None,
    now: datetime,
    calendar: WorkingCalendar,
    asked: Asked,
) -> DossierEvent:
    """Check the transition, apply the action's effects and append the audit event.

    The caller has the dossier locked (perform) or has just created it (intake)."""
    before = Status(dossier.status) if dossier.status else None
    if before not in TRANSITIONS[action].sources:
        raise InvalidTransition(_refused(action, before), code="invalid_transition")
    change = Change(session, dossier, action, before, actor, now, calendar, asked)
    after = EFFECTS[action](change)
    if after in ENDED and dossier.ended_at is None:
        dossier.ended_at = now  # the first ending status counts (9 before 10)
    dossier.status = after.value
    dossier.updated_at = now
    event = DossierEvent(
        dossier_id=_id(dossier),
        at=now,
        action=action.value,
        from_status=before.value if before else None,
        to_status=after.value,
        actor_id=actor.id if actor else None,
        actor_name=actor.full_name if actor else CITIZEN,
        agency_code=actor.agency_code if actor else None,
        note=change.note or asked.note,
    )
    session.add(event)
    session.flush()
    shown_from = before.value if before else "-"
    log.info(
        "action %s on %s by %s: %s -> %s",
        action.value,
        dossier.code,
        _who(actor),
        shown_from,
        after.value,
    )
    return event


def _refused(action: Action, before: Status | None) -> str:
    # A template of its own: "chưa có" (a dossier not yet recorded) is words to translate, not
    # a value to carry over.
    if before is None:
        return N_("Không thể '{action}' hồ sơ đang ở trạng thái chưa có.").format(
            action=action.value
        )
    return N_("Không thể '{action}' hồ sơ đang ở trạng thái {status}.").format(
        action=action.value, status=before.value
    )


def _id(dossier: Dossier) -> int:
    assert dossier.id is not None, "the dossier is flushed before any action"
    return dossier.id


def _who(actor: User | None) -> str:
    # The username, never a name or anything else personal.
    return actor.username if actor else "citizen"


# What a change needs, checked before anything is changed.


def _note(c: Change, message: str) -> str:
    return c.checker.text("note", c.asked.note, limit=2000, required=message) or ""


def _noted(c: Change, message: str) -> str:
    """The reason an action must carry, checked on its own."""
    text = _note(c, message)
    c.checker.done()
    return text


def _papers(c: Change, *, required: str | None) -> list[dict[str, Any]]:
    """The papers named in the request: [{name, note?}] or plain names."""
    out = []
    for i, item in enumerate(c.asked.documents or ()):
        item = {"name": item} if isinstance(item, str) else item
        if not isinstance(item, Mapping):
            c.checker.fail(f"documents.{i}", N_("Giấy tờ không hợp lệ."))
            continue
        name = c.checker.text(
            f"documents.{i}.name", item.get("name"), limit=500, required=N_("Nhập tên giấy tờ.")
        )
        note = c.checker.text(f"documents.{i}.note", item.get("note"), limit=500)
        out.append({"name": name or "", "note": note})
    if required and not out:
        c.checker.fail("documents", required)
    return out


# The effects: one function per action; each returns the status the dossier goes to.


def _submit_online(c: Change) -> Status:
    return Status.SUBMITTED


def _receive(c: Change) -> Status:
    clock.start(c.dossier, c.calendar, c.now)
    routing.on_reception(_handover(c))
    return Status.RECEIVED


def _request_supplement(c: Change) -> Status:
    reason = _note(c, N_("Nêu lý do cần bổ sung."))
    missing = _papers(c, required=N_("Chọn ít nhất một giấy tờ cần bổ sung."))
    c.checker.done()  # every wrong field at once, before anything changes
    c.dossier.request_reason = reason
    c.dossier.missing_documents = missing
    clock.pause(c.dossier, c.before, c.now)
    return Status.SUPPLEMENT


def _supplement_received(c: Change) -> Status:
    brought = _papers(c, required=None)
    c.checker.done()
    _add_documents(c, brought)
    return _resumed(c)


def _resumed(c: Change) -> Status:
    """The citizen answered: the clock starts (never received yet) or goes on, and the open
    steps' due times move as the dossier's does."""
    paused_at, never_received = c.dossier.paused_at, c.dossier.received_at is None
    back_to = clock.resume(c.dossier, c.calendar, c.now)
    if never_received:
        routing.on_reception(_handover(c))
    elif paused_at is not None:
        routing.extend_open(_handover(c), paused_at)
    return back_to


def _add_documents(c: Change, papers: list[dict[str, Any]]) -> None:
    known = c.session.exec(
        select(DossierDocument.position).where(DossierDocument.dossier_id == c.dossier.id)
    ).all()
    position = max(known, default=0)
    for paper in papers:
        position += 1
        c.session.add(
            DossierDocument(
                dossier_id=_id(c.dossier), position=position, name=paper["name"], originals=1
            )
        )


def _refuse(c: Change) -> Status:
    c.dossier.request_reason = _noted(c, N_("Nêu lý do từ chối."))
    clock.clear_pause(c.dossier)
    return Status.REFUSED


def _transfer(c: Change) -> Status:
    """Hand on: to the next step(s) of the plan, or with `to_agency` to an agency out of plan.
    An untimed step opening (the tax office's assessment) stops the clock (status 6)."""
    to_agency = c.checker.text("to_agency", c.asked.to_agency, limit=20)
    c.checker.done()
    _leave_untimed_step(c)
    stops = routing.hand_on(_handover(c), to_agency=to_agency, note=c.asked.note)
    if stops:
        clock.pause(c.dossier, Status.PROCESSING, c.now)
        return Status.PAYMENT
    return Status.PROCESSING


def _leave_untimed_step(c: Change) -> None:
    """Status 6 can be left by handing on only from an untimed step, whose end restarts the
    clock; a dossier waiting for the citizen's payment waits for `payment_received`."""
    if c.before is not Status.PAYMENT:
        return
    if not routing.waiting_on_untimed_step(c.session, c.dossier):
        raise InvalidTransition(
            N_("Hồ sơ đang chờ công dân thực hiện nghĩa vụ tài chính."), code="invalid_transition"
        )
    _resumed(c)


def _handover(c: Change) -> routing.Handover:
    procedure = c.session.get(Procedure, c.dossier.procedure_code)
    assert procedure is not None  # a foreign key
    admin = c.actor is not None and c.actor.role == Role.ADMIN
    return routing.Handover(
        session=c.session,
        dossier=c.dossier,
        procedure=procedure,
        actor_agency=None if admin or c.actor is None else c.actor.agency_code,
        actor_name=c.actor.full_name if c.actor else CITIZEN,
        now=c.now,
        calendar=c.calendar,
    )


def _request_payment(c: Change) -> Status:
    c.dossier.request_reason = _noted(c, N_("Nêu khoản phí, lệ phí hoặc nghĩa vụ tài chính."))
    clock.pause(c.dossier, c.before, c.now)
    return Status.PAYMENT


def _payment_received(c: Change) -> Status:
    return _resumed(c)


def _apologize(c: Change) -> Status:
    """Mẫu 04: a new appointment, once only, later than the one it replaces."""
    if c.dossier.extended_due_at is not None:
        raise Conflict(N_("Hồ sơ đã được hẹn lại một lần."), code="already_apologized")
    _noted(c, N_("Nêu lý do chậm trả kết quả."))
    new = c.asked.new_due_at
    if new is None:
        raise Invalid(N_("Nhập ngày hẹn trả mới."), field="new_due_at")
    if new <= max(filter(None, (c.dossier.due_at, c.now))):
        raise Invalid(N_("Ngày hẹn mới phải sau hạn trả hiện tại."), field="new_due_at")
    c.dossier.extended_due_at = new
    due = c.dossier.due_at
    c.dossier.apology_late = due is not None and c.calendar.working_time_between(
        c.now, due
    ) < timedelta(hours=APOLOGY_AHEAD_HOURS)
    return _same(c)


def _complete(c: Change) -> Status:
    """The actor's step is done; when it was the last one open and the plan has none left,
    the result waits at the receiving counter, which hands it back (status 9)."""
    _leave_untimed_step(c)
    if routing.finish(_handover(c)):
        return Status.DONE
    return Status.PROCESSING


def _return_result(c: Change) -> Status:
    """At the receiving counter: to whom and how the result went, on the audit event."""
    method = c.asked.method or "counter"
    if method not in RETURN_METHODS:
        c.checker.fail("method", N_("Chọn cách trả kết quả."))
    who = c.checker.text("returned_to", c.asked.returned_to, limit=200)
    c.checker.done()
    c.note = return_note(who, RETURN_METHODS[method], c.asked.note)
    return Status.RETURNED


def return_note(who: str | None, how: str, note: str | None) -> str:
    if who:
        said = N_("Trả kết quả {how} cho {who}.").format(how=how, who=who)
    else:
        said = N_("Trả kết quả {how}.").format(how=how)
    return f"{said} {note}" if note else said


def _withdraw(c: Change) -> Status:
    clock.clear_pause(c.dossier)
    routing.close_all(_handover(c), outcome=Action.WITHDRAW.value)
    return Status.WITHDRAWN


def _stop(c: Change) -> Status:
    c.dossier.request_reason = _noted(c, N_("Nêu lý do dừng xử lý."))
    clock.clear_pause(c.dossier)
    routing.close_all(_handover(c), outcome=Action.STOP.value)
    return Status.STOPPED


def _reschedule(c: Change) -> Status:
    """The working calendar changed: the due time becomes what it gives now."""
    from onestop.dossiers.queries import events

    new = c.asked.new_due_at or clock.recomputed_due(
        c.calendar, c.dossier, events(c.session, c.dossier)
    )
    if new is None or new == c.dossier.due_at:
        raise Conflict(
            N_("Hạn trả không thay đổi theo lịch làm việc."), code="nothing_to_reschedule"
        )
    c.dossier.due_at = new
    return _same(c)


def _same(c: Change) -> Status:
    assert c.before is not None  # the table allows staying only from a status
    return c.before


EFFECTS: dict[Action, Callable[[Change], Status]] = {
    Action.SUBMIT_ONLINE: _submit_online,
    Action.RECEIVE: _receive,
    Action.REQUEST_SUPPLEMENT: _request_supplement,
    Action.SUPPLEMENT_RECEIVED: _supplement_received,
    Action.REFUSE: _refuse,
    Action.TRANSFER: _transfer,
    Action.REQUEST_PAYMENT: _request_payment,
    Action.PAYMENT_RECEIVED: _payment_received,
    Action.APOLOGIZE: _apologize,
    Action.COMPLETE: _complete,
    Action.RETURN_RESULT: _return_result,
    Action.WITHDRAW: _withdraw,
    Action.STOP: _stop,
    Action.RESCHEDULE: _reschedule,
}
