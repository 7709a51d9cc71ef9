"""Interconnected handling (docs/domain.md#routing): the routing plan of a procedure turned
into steps at real agencies, opened at one handover and closed at the next.

The action service (onestop/dossiers/actions.py) calls these from the effects of `receive`,
`supplement_received`, `transfer`, `complete` and the pauses; nothing else opens or closes a
step. Services flush, never commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from onestop.calendar import VN_TZ, WorkingCalendar
from onestop.catalogue.models import Agency, Procedure
from onestop.catalogue.queries import Names, get_agency
from onestop.dossiers.models import Dossier
from onestop.errors import Conflict, Invalid, NotFound
from onestop.i18n import N_
from onestop.routing.models import DossierStep

COMMUNE_ROLE = "ubnd_xa"  # the People's Committee: the commune's own agency
# Received after this hour, the dossier goes on from the start of the next working day.
FORWARD_BY = time(15, 0)
OUT_OF_PLAN = N_("Chuyển xử lý ngoài quy trình")


@dataclass(frozen=True)
class PlanStep:
    position: int
    kind: str  # an agency role: ubnd_xa, cong_an_xa, bhxh, so_tai_chinh, ...
    task: str
    allowance: Mapping[str, Any] | None  # {value, unit}; None: untimed
    parallel: str | None


def plan(procedure_data: Mapping[str, Any]) -> list[PlanStep]:
    """The handling steps of a procedure's plan. Its closing return step at the counter, not
    counted, is not a step here: returning is status 9 to 10 at the receiving counter."""
    steps = list(procedure_data.get("routing") or [])
    while steps and not steps[-1].get("counted", True):
        steps.pop()
    return [
        PlanStep(i, s["agency"], s["task"], s.get("allowance"), s.get("parallel"))
        for i, s in enumerate(steps)
    ]


def commune_of(session: Session, agency: Agency) -> str | None:
    """The commune an agency belongs to: itself if it is a People's Committee, else its parent
    when that one is (a commune's public-service centre, its police)."""
    if agency.role == COMMUNE_ROLE:
        return agency.code
    parent = session.get(Agency, agency.parent_code) if agency.parent_code else None
    return parent.code if parent is not None and parent.role == COMMUNE_ROLE else None


def resolve(session: Session, dossier: Dossier, kind: str) -> Agency | None:
    """The one agency of that kind for this dossier: the dossier's commune's for a
    commune-level kind, the province's for a province-level one; None when there is none or
    more than one (the officer names it)."""
    names = Names(session)
    role = names.roles.get(kind)
    if role is None:
        return None
    if role.level != "commune":
        return names.provincial.get(kind)
    if dossier.commune_code is None:
        return None
    if kind == COMMUNE_ROLE:
        return session.get(Agency, dossier.commune_code)
    found = session.exec(
        select(Agency).where(
            Agency.role == kind,
            Agency.parent_code == dossier.commune_code,
            col(Agency.active),
        )
    ).all()
    return found[0] if len(found) == 1 else None


def steps(session: Session, dossier: Dossier) -> list[DossierStep]:
    query = select(DossierStep).where(DossierStep.dossier_id == dossier.id)
    return list(session.exec(query.order_by(col(DossierStep.started_at), col(DossierStep.id))))


def open_steps(session: Session, dossier: Dossier) -> list[DossierStep]:
    return [s for s in steps(session, dossier) if s.ended_at is None]


def holders(session: Session, dossier: Dossier) -> list[str]:
    """The agencies that have the dossier now: those of its open steps, else where it is."""
    agencies = sorted({s.agency_code for s in open_steps(session, dossier)})
    return agencies or [dossier.current_agency_code]


@dataclass(frozen=True)
class Holding:
    """What the permission policy asks of a dossier (onestop.accounts.policy.Holding)."""

    receiving_agency_code: str
    holders: tuple[str, ...]


def holding(session: Session, dossier: Dossier) -> Holding:
    return Holding(dossier.receiving_agency_code, tuple(holders(session, dossier)))


@dataclass(frozen=True)
class Handover:
    """Who hands the dossier on, when, on which calendar."""

    session: Session
    dossier: Dossier
    procedure: Procedure
    actor_agency: str | None  # None: an admin, who acts for whichever agency holds it
    actor_name: str
    now: datetime
    calendar: WorkingCalendar


def on_reception(h: Handover) -> None:
    """At reception: when the plan starts at the receiving centre's own kind of agency (the
    centre's "receive and forward" step), that step opens now, at the centre."""
    first = next(iter(plan(h.procedure.data)), None)
    receiving = get_agency(h.session, h.dossier.receiving_agency_code)
    if first is not None and first.kind == receiving.role:
        _open(h, [first], {first.position: receiving}, start=h.now)


def hand_on(h: Handover, *, to_agency: str | None, note: str | None) -> bool:
    """`transfer`: close the actor's open steps; open the next step(s) of the plan, or a step
    at `to_agency` out of plan. True when a step opened that stops the clock."""
    if to_agency:
        agency = _named_agency(h.session, to_agency)
        if agency.code == (h.actor_agency or h.dossier.current_agency_code):
            raise Invalid(
                N_("Hồ sơ đang ở chính cơ quan này."), code="same_agency", field="to_agency"
            )
        _close_mine(h, outcome="transfer")
        _open_out_of_plan(h, agency, note)
        return False
    group = _next_group(h)  # checked before anything closes: a refusal changes nothing
    if not group:
        if not plan(h.procedure.data):
            raise Invalid(
                N_("Thủ tục này không có quy trình liên thông: chọn cơ quan nhận."),
                code="to_agency_required",
                field="to_agency",
            )
        raise Conflict(
            N_("Đây là bước cuối của quy trình: bấm 'Đã xử lý xong' để trả kết quả."),
            code="no_next_step",
        )
    agencies = {s.position: _agency_for(h, s) for s in group}
    closed = _close_mine(h, outcome="transfer")
    if _others_open(h):
        return False  # the parallel group goes on; the last one to finish hands it on
    first = all(s.agency_code == h.dossier.receiving_agency_code for s in closed)
    start = max([_forward_start(h, first=first), *(s.ended_at for s in closed if s.ended_at)])
    opened = _open(h, group, agencies, start=start)
    return any(s.stops_clock for s in opened)


def finish(h: Handover) -> bool:
    """`complete`: close the actor's open steps. True when the dossier's handling is over: no
    step left open and none left in the plan."""
    closed = _close_mine(h, outcome="complete")
    if _others_open(h):
        return False
    # Handed out of plan, the agency it was handed to decides; else it goes step by step.
    out_of_plan = any(s.position is None for s in closed)
    if not out_of_plan and _next_group(h):
        raise Conflict(
            N_("Còn bước xử lý trong quy trình: hãy chuyển hồ sơ sang bước tiếp theo."),
            code="not_last_step",
        )
    h.dossier.current_agency_code = h.dossier.receiving_agency_code
    return True


def close_all(h: Handover, *, outcome: str) -> None:
    """The handling ends early (stopped, withdrawn): every open step closes with it."""
    _close(h, open_steps(h.session, h.dossier), outcome=outcome)
    h.dossier.current_agency_code = h.dossier.receiving_agency_code


def extend_open(h: Handover, paused_from: datetime) -> None:
    """A pause for the citizen ended: the open steps' due times move by the working time it
    took, as the dossier's does."""
    for step in open_steps(h.session, h.dossier):
        if step.due_at is not None:
            step.due_at = h.calendar.extend_by_pause(step.due_at, paused_from, h.now)


def waiting_on_untimed_step(session: Session, dossier: Dossier) -> bool:
    return any(s.stops_clock for s in open_steps(session, dossier))


# The plan's order


def _close_mine(h: Handover, *, outcome: str) -> list[DossierStep]:
    mine = [
        s
        for s in open_steps(h.session, h.dossier)
        if h.actor_agency is None or s.agency_code == h.actor_agency
    ]
    return _close(h, mine, outcome=outcome)


def _close(h: Handover, closing: list[DossierStep], *, outcome: str) -> list[DossierStep]:
    for step in closing:
        # A step forwarded for the next morning (the 15:00 rule) but handled at once ends
        # where it starts, never before it.
        step.ended_at = max(h.now, step.started_at)
        step.closed_by = h.actor_name
        step.outcome = outcome
    h.session.flush()
    return closing


def _named_agency(session: Session, code: str) -> Agency:
    """The agency a client named: one that does not exist is bad input (422), not a 404."""
    try:
        return get_agency(session, code)
    except NotFound as exc:
        raise Invalid(exc.message, code="agency_not_found", field="to_agency") from exc


def _others_open(h: Handover) -> bool:
    return bool(open_steps(h.session, h.dossier))


def _next_group(h: Handover) -> list[PlanStep]:
    """The plan's steps after the last one opened: one step, or a whole parallel group."""
    done = [s.position for s in steps(h.session, h.dossier) if s.position is not None]
    following = [p for p in plan(h.procedure.data) if p.position > max(done, default=-1)]
    if not following:
        return []
    head = following[0]
    if head.parallel is None:
        return [head]
    group = []
    for p in following:
        if p.parallel != head.parallel:
            break
        group.append(p)
    return group


def _agency_for(h: Handover, step: PlanStep) -> Agency:
    agency = resolve(h.session, h.dossier, step.kind)
    if agency is None:
        raise Invalid(
            N_("Không xác định được cơ quan '{kind}' cho bước '{task}': chọn cơ quan nhận.").format(
                kind=step.kind, task=step.task
            ),
            code="agency_ambiguous",
            field="to_agency",
        )
    return agency


def _forward_start(h: Handover, *, first: bool) -> datetime:
    """The counter forwards at once, or from the start of the next working day when the
    dossier was received after 15:00 (docs/domain.md#the-1500-rule)."""
    received = h.dossier.received_at
    if not first or received is None:
        return h.now
    local = received.astimezone(VN_TZ)
    if local.time() < FORWARD_BY:
        return h.now
    next_day = _next_working_day(h.calendar, local.date())
    start = h.calendar.add_working_time(datetime.combine(next_day, time(0), VN_TZ), timedelta(0))
    return max(start, h.now)


def _next_working_day(calendar: WorkingCalendar, day: date) -> date:
    day += timedelta(days=1)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def _open(
    h: Handover, group: Sequence[PlanStep], agencies: Mapping[int, Agency], *, start: datetime
) -> list[DossierStep]:
    opened = []
    for p in group:
        agency = agencies[p.position]
        allowance = p.allowance
        step = DossierStep(
            dossier_id=_id(h.dossier),
            position=p.position,
            parallel=p.parallel,
            agency_code=agency.code,
            task=p.task,
            allowance_value=float(allowance["value"]) if allowance else None,
            allowance_unit=allowance["unit"] if allowance else None,
            stops_clock=allowance is None,
            started_at=start,
            due_at=h.calendar.due(start, str(allowance["value"]), allowance["unit"])
            if allowance
            else None,
            given_by=h.actor_name,
        )
        h.session.add(step)
        opened.append(step)
    h.dossier.current_agency_code = agencies[group[0].position].code
    h.session.flush()
    return opened


def _open_out_of_plan(h: Handover, agency: Agency, note: str | None) -> None:
    h.session.add(
        DossierStep(
            dossier_id=_id(h.dossier),
            agency_code=agency.code,
            task=(note or OUT_OF_PLAN)[:500],
            started_at=h.now,
            given_by=h.actor_name,
        )
    )
    h.dossier.current_agency_code = agency.code
    h.session.flush()


def _id(dossier: Dossier) -> int:
    assert dossier.id is not None, "the dossier is flushed before it is handed on"
    return dossier.id
