"""The one permission policy: who may open which page, see which dossier, do which action.

Pages, the API and the action service all ask here, so a rule changes in one place. The rules
are in docs/domain.md#roles; in short:

- the counter (an officer of the agency that received the dossier) receives, refuses, takes a
  supplement in, returns the result and records a withdrawal;
- the holder (an officer or handler of the agency that has the dossier now) hands it on, asks
  for a supplement or a payment, writes the apology, stops it or marks it done;
- supervisors see every dossier and act on none; admins may do everything;
- reschedule follows a change of the working calendar and is the admin's alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Flag, auto
from typing import Protocol

from onestop.accounts.models import Role
from onestop.dossiers.states import Action
from onestop.errors import Forbidden
from onestop.i18n import N_


class Actor(Protocol):
    """What the policy needs to know of a user (a User row or a stand-in)."""

    role: str
    agency_code: str | None


class Holding(Protocol):
    """What the policy needs to know of a dossier: where it was received, and the agencies
    that have it now (several while parallel steps run; onestop.routing.services.holding)."""

    @property
    def receiving_agency_code(self) -> str: ...

    @property
    def holders(self) -> Sequence[str]: ...


class Side(Flag):
    """Where a user stands towards a dossier."""

    NONE = 0
    COUNTER = auto()  # an officer of the receiving agency
    HOLDER = auto()  # an officer or handler of the agency that has the dossier now


ACTION_SIDES: dict[Action, Side] = {
    Action.RECEIVE: Side.COUNTER,
    Action.REQUEST_SUPPLEMENT: Side.COUNTER | Side.HOLDER,
    Action.SUPPLEMENT_RECEIVED: Side.COUNTER | Side.HOLDER,
    Action.REFUSE: Side.COUNTER,
    Action.TRANSFER: Side.HOLDER,
    Action.REQUEST_PAYMENT: Side.HOLDER,
    Action.PAYMENT_RECEIVED: Side.COUNTER | Side.HOLDER,
    Action.APOLOGIZE: Side.HOLDER,
    Action.COMPLETE: Side.HOLDER,
    Action.RETURN_RESULT: Side.COUNTER,
    Action.WITHDRAW: Side.COUNTER,
    Action.STOP: Side.HOLDER,
    Action.RESCHEDULE: Side.NONE,  # admins only
    Action.SUBMIT_ONLINE: Side.NONE,  # the citizen, with no account
}

# Pages by audience: which roles may open them (admins may open every page).
PAGES: dict[str, frozenset[Role]] = {
    "staff": frozenset(Role),
    "counter": frozenset({Role.OFFICER}),
    "logbook": frozenset({Role.OFFICER, Role.SUPERVISOR}),
    "desk": frozenset({Role.HANDLER}),  # the open steps at the handler's agency
    "admin": frozenset({Role.ADMIN}),
}


def _role(user: Actor) -> Role | None:
    try:
        return Role(user.role)
    except ValueError:
        return None


def side(user: Actor, dossier: Holding) -> Side:
    """Where `user` stands towards `dossier`."""
    role = _role(user)
    found = Side.NONE
    if role is Role.OFFICER and user.agency_code == dossier.receiving_agency_code:
        found |= Side.COUNTER
    if role in (Role.OFFICER, Role.HANDLER) and user.agency_code in dossier.holders:
        found |= Side.HOLDER
    return found


def may_open(user: Actor, page: str) -> bool:
    role = _role(user)
    return role is Role.ADMIN or role in PAGES[page]


def sees_every_agency(user: Actor) -> bool:
    return _role(user) in (Role.SUPERVISOR, Role.ADMIN)


def may_see(user: Actor, dossier: Holding) -> bool:
    """Supervisors and admins see every dossier; staff those their agency received or holds."""
    if sees_every_agency(user):
        return True
    return _role(user) is not None and (
        user.agency_code == dossier.receiving_agency_code or user.agency_code in dossier.holders
    )


def may_act(user: Actor, dossier: Holding, action: Action) -> bool:
    if _role(user) is Role.ADMIN:
        return action is not Action.SUBMIT_ONLINE
    return bool(side(user, dossier) & ACTION_SIDES[action])


def may_receive_at(user: Actor, agency_code: str) -> bool:
    """A new dossier: officers receive at their own agency only; admins anywhere."""
    role = _role(user)
    return role is Role.ADMIN or (role is Role.OFFICER and user.agency_code == agency_code)


def check_see(user: Actor, dossier: Holding) -> None:
    if not may_see(user, dossier):
        raise Forbidden(N_("Hồ sơ này thuộc cơ quan khác."), code="forbidden")


def check_act(user: Actor, dossier: Holding, action: Action) -> None:
    """403 for a dossier the user may not see, or an action their role may not do on it."""
    check_see(user, dossier)
    if not may_act(user, dossier, action):
        raise Forbidden(
            N_("Tài khoản của bạn không được thực hiện thao tác này."), code="forbidden"
        )


def check_receive_at(user: Actor, agency_code: str) -> None:
    if not may_receive_at(user, agency_code):
        raise Forbidden(N_("Chỉ tiếp nhận được tại cơ quan của mình."), code="forbidden")


def list_scope(user: Actor, asked: str | None) -> str | None:
    """The agency whose dossiers a list shows: staff their own; supervisors and admins the one
    they ask for, or every agency (None)."""
    if sees_every_agency(user):
        return asked or None
    if asked and asked != user.agency_code:
        raise Forbidden(N_("Chỉ xem được hồ sơ của cơ quan mình."), code="forbidden")
    return user.agency_code


def check_open(user: Actor, page: str) -> None:
    if not may_open(user, page):
        raise Forbidden(N_("Tài khoản của bạn không có quyền xem trang này."), code="forbidden")


def allowed(user: Actor, dossier: Holding, actions: Sequence[Action]) -> list[Action]:
    """Of `actions`, those this user may do on this dossier (for the buttons of a page)."""
    return [a for a in actions if may_act(user, dossier, a)]
