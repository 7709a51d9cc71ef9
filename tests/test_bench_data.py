"""The bulk path of bench/data.py against the services: the dossiers have the same shape.

The measurements read bulk-inserted dossiers, built as plain rows for speed. Here a few are
inserted, then each is replayed through `services.intake` and `actions.perform` (same procedure,
applicant, papers, staff, instants and actions): both must leave the same rows, and both must
keep to the code pattern, the state machine and the working calendar.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import Session, col, select

from bench import data
from onestop.accounts.models import User
from onestop.calendar import VN_TZ
from onestop.catalogue.queries import get_procedure
from onestop.dossiers import actions, services
from onestop.dossiers.models import Dossier, DossierCounter, DossierDocument, DossierEvent
from onestop.dossiers.states import ENDED, PAUSED, RESUME, STAY, TRANSITIONS, Action, Status
from tests.conftest import NOW
from tests.factories import CALENDAR

# Procedures chosen for their variety: a time per channel (hours), working days, calendar days,
# same day, no published time; with and without a list of papers; commune and provincial.
PROCEDURES = ("1.000603.H21", "1.004222", "1.013225", "2.000815", "1.000656", "1.014027")
# Refusals and requests to complete are rare at a counter; common here, so that a few dossiers
# show every shape.
MIX = data.Mix(refused=0.2, supplement=0.2, channels=(("in_person", 2), ("online", 1), ("post", 1)))
COUNT = 40
# What differs between two dossiers by construction.
OWN = {"id", "code", "public_token"}


@dataclass
class Recorded:
    dossier: Dossier
    events: list[DossierEvent]
    papers: list[DossierDocument]


def recorded(session: Session, dossier: Dossier) -> Recorded:
    """The dossier as read back from the database, with its events and papers."""
    session.refresh(dossier)
    events = select(DossierEvent).where(DossierEvent.dossier_id == dossier.id)
    papers = select(DossierDocument).where(DossierDocument.dossier_id == dossier.id)
    return Recorded(
        dossier,
        list(session.exec(events.order_by(col(DossierEvent.id)))),
        list(session.exec(papers.order_by(col(DossierDocument.position)))),
    )


@pytest.fixture
def offers(session: Session) -> list[data.Offer]:
    chosen = [o for o in data.load_offers(session) if o.code in PROCEDURES]
    assert len(chosen) == len(PROCEDURES)
    return chosen


@pytest.fixture
def staff(
    session: Session, make_user: Callable[..., Any], offers: list[data.Offer]
) -> dict[str, User]:
    """An officer at two centres, a handler wherever their dossiers are handed on to."""
    centres = [data.PROVINCE_CENTRE, data.WARD_CENTRE]
    handlers = data.destinations(data.load_agencies(session), offers, centres)
    return {code: make_user("officer", agency_code=code)[0] for code in centres} | {
        code: make_user("handler", agency_code=code)[0] for code in sorted(handlers)
    }


@pytest.fixture
def bulk(session: Session, staff: dict[str, User], offers: list[data.Offer]) -> list[Recorded]:
    agencies = data.load_agencies(session)
    gen = data.Generator(random.Random(3), NOW, CALENDAR, agencies, staff, offers, MIX)
    days = data.working_days(CALENDAR, NOW.astimezone(VN_TZ).date(), 20)
    data.bulk_insert(session, gen, COUNT, days)
    rows = session.exec(select(Dossier).order_by(col(Dossier.id))).all()
    assert len(rows) == COUNT
    return [recorded(session, d) for d in rows]


def replay(session: Session, bulk: Recorded, staff: dict[str, User]) -> Recorded:
    """The same dossier recorded through the services: same inputs, instants, actors, actions."""
    d = bulk.dossier
    by_id = {u.id: u for u in staff.values()}
    body = {
        "procedure_code": d.procedure_code,
        "channel": d.channel,
        "applicant": {
            "full_name": d.owner_name,
            "id_number": d.owner_id_number,
            "phone": d.owner_phone,
            "email": d.owner_email,
            "address": d.owner_address,
        },
        "documents": [
            {
                "name": p.name,
                "originals": p.originals,
                "certified_copies": p.certified_copies,
                "photocopies": p.photocopies,
            }
            for p in bulk.papers
        ],
    }
    first, *rest = bulk.events
    officer = by_id[first.actor_id]
    twin = services.intake(
        session,
        request=services.check_intake(session, body, actor=officer),
        outcome=Action(first.action),
        actor=officer,
        calendar=CALENDAR,
        now=first.at,
        reason=first.note,
        missing=d.missing_documents or (),
    )
    # The one hand-over goes to the agency that completed the bulk dossier, or holds it now.
    done_by = [e.agency_code for e in rest if e.action == Action.COMPLETE]
    to_agency = done_by[0] if done_by else d.current_agency_code
    for event in rest:
        # A return's note is worded by the service itself (to whom, how): not sent again.
        note = None if event.action == Action.RETURN_RESULT else event.note
        asked = actions.Asked(note=note, to_agency=to_agency)
        actions.perform(
            session,
            code=twin.code,
            action=Action(event.action),
            actor=by_id[event.actor_id],
            now=event.at,
            calendar=CALENDAR,
            asked=asked,
        )
    session.flush()
    return recorded(session, twin)


def event_shape(e: DossierEvent) -> tuple[Any, ...]:
    return e.at, e.action, e.from_status, e.to_status, e.actor_id, e.agency_code, e.note, e.public


def filled(d: Dossier) -> set[str]:
    """The columns that hold a value."""
    return {name for name, value in d.model_dump().items() if value is not None}


def paper_shape(p: DossierDocument) -> tuple[Any, ...]:
    return (p.position, p.name, p.originals, p.certified_copies, p.photocopies)


def check_code(r: Recorded) -> None:
    """`{agency}-{YYMMDD}-{NNNN}`, the day being the counter's (Vietnam time)."""
    counter = next(e for e in r.events if e.action != Action.SUBMIT_ONLINE)
    day = counter.at.astimezone(VN_TZ).strftime("%y%m%d")
    pattern = rf"{re.escape(r.dossier.receiving_agency_code)}-{day}-\d{{4}}"
    assert re.fullmatch(pattern, r.dossier.code), (r.dossier.code, pattern)


def check_state_machine(r: Recorded) -> None:
    """Each event starts where the one before ended, as the table allows, in the order of time."""
    status: Status | None = None
    paused_from: Status | None = None
    for before, event in zip([None, *r.events], r.events, strict=False):
        rule = TRANSITIONS[Action(event.action)]
        assert event.from_status == (status.value if status else None), event_shape(event)
        assert status in rule.sources, event_shape(event)
        if before is not None:
            assert event.at >= before.at
        if rule.target == STAY:
            expected = status
        elif rule.target == RESUME:  # where it paused; never received, received now
            expected = paused_from or Status.RECEIVED
        else:
            expected = rule.target
        assert Status(event.to_status) == expected, event_shape(event)
        if event.to_status in PAUSED:
            paused_from = status
        status = Status(event.to_status)
    assert r.dossier.status == status
    d = r.dossier
    ends = [e.at for e in r.events if e.to_status in ENDED]
    assert d.ended_at == (ends[0] if ends else None)  # the first ending status counts
    received = [e.at for e in r.events if e.action == Action.RECEIVE]
    assert d.received_at == (received[0] if received else None)
    assert (d.paused_at is not None) == (status in PAUSED)


def check_due(session: Session, r: Recorded) -> None:
    """The due time is the working calendar's, for the procedure's time on that channel."""
    d = r.dossier
    if d.received_at is None:
        assert d.due_at is None
        return
    procedure = get_procedure(session, d.procedure_code)
    assert d.due_at == services.appointment(CALENDAR, procedure, d.channel, d.received_at)


def test_the_sample_shows_every_shape(bulk: list[Recorded]) -> None:
    statuses = {Status(r.dossier.status) for r in bulk}
    assert {Status.REFUSED, Status.SUPPLEMENT, Status.RETURNED} <= statuses
    assert statuses & {Status.RECEIVED, Status.PROCESSING, Status.DONE}
    assert {r.dossier.channel for r in bulk} == set(services.CHANNELS)
    assert {r.dossier.procedure_code for r in bulk} == set(PROCEDURES)


def test_bulk_dossiers_keep_the_rules(session: Session, bulk: list[Recorded]) -> None:
    for r in bulk:
        check_code(r)
        check_state_machine(r)
        check_due(session, r)


def test_bulk_numbers_are_distinct_and_the_counters_follow(
    session: Session, bulk: list[Recorded]
) -> None:
    codes = [r.dossier.code for r in bulk]
    assert len(set(codes)) == len(codes)
    last: dict[tuple[str, str], int] = {}
    for code in codes:
        agency, day, number = code.rsplit("-", 2)
        last[agency, day] = max(last.get((agency, day), 0), int(number))
    counters = {(c.agency_code, c.day): c.last for c in session.exec(select(DossierCounter))}
    assert counters == last


def test_the_services_write_the_same_dossiers(
    session: Session, bulk: list[Recorded], staff: dict[str, User]
) -> None:
    # Online dossiers were submitted on the portal, a step the services do not record (they
    # start at the counter): those are checked against the rules above only.
    replayed = [r for r in bulk if r.dossier.channel != "online"]
    assert replayed
    for r in replayed:
        twin = replay(session, r, staff)
        check_code(twin)
        check_state_machine(twin)
        check_due(session, twin)
        assert filled(twin.dossier) == filled(r.dossier)
        assert twin.dossier.model_dump(exclude=OWN) == r.dossier.model_dump(exclude=OWN)
        assert [event_shape(e) for e in twin.events] == [event_shape(e) for e in r.events]
        assert [paper_shape(p) for p in twin.papers] == [paper_shape(p) for p in r.papers]
        # A later number of the same day: the counter went on from the bulk rows.
        day = twin.dossier.code[:-4]
        assert day == r.dossier.code[:-4]
        assert twin.dossier.code > max(b.dossier.code for b in bulk if b.dossier.code[:-4] == day)
