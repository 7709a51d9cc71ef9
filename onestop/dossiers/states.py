"""The one state machine of a dossier (docs/domain.md#actions): statuses, actions and the
transitions.

Statuses carry the national portal's codes, so syncing and reporting map one to one. Every
change of status goes through `apply` in `onestop.dossiers.services`, which checks this table
and appends an audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Literal

from onestop.i18n import N_


class Status(IntEnum):
    SUBMITTED = 1  # Mới đăng ký: submitted online, not yet checked by the counter
    RECEIVED = 2  # Được tiếp nhận
    REFUSED = 3  # Không được tiếp nhận
    PROCESSING = 4  # Đang xử lý
    SUPPLEMENT = 5  # Yêu cầu bổ sung giấy tờ (clock paused)
    PAYMENT = 6  # Yêu cầu thực hiện nghĩa vụ tài chính (clock paused)
    WITHDRAWN = 7  # Công dân yêu cầu rút hồ sơ
    STOPPED = 8  # Dừng xử lý
    DONE = 9  # Đã xử lý xong
    RETURNED = 10  # Đã trả kết quả


STATUS_NAMES: dict[Status, str] = {
    Status.SUBMITTED: N_("Mới đăng ký"),
    Status.RECEIVED: N_("Được tiếp nhận"),
    Status.REFUSED: N_("Không được tiếp nhận"),
    Status.PROCESSING: N_("Đang xử lý"),
    Status.SUPPLEMENT: N_("Yêu cầu bổ sung giấy tờ"),
    Status.PAYMENT: N_("Yêu cầu thực hiện nghĩa vụ tài chính"),
    Status.WITHDRAWN: N_("Công dân yêu cầu rút hồ sơ"),
    Status.STOPPED: N_("Dừng xử lý"),
    Status.DONE: N_("Đã xử lý xong"),
    Status.RETURNED: N_("Đã trả kết quả"),
}

# A dossier ends at the first of these (docs/domain.md#statuses).
ENDED = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.DONE, Status.RETURNED})
# While waiting for the citizen the clock stops.
PAUSED = frozenset({Status.SUPPLEMENT, Status.PAYMENT})


class Action(StrEnum):
    SUBMIT_ONLINE = "submit_online"
    RECEIVE = "receive"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT_RECEIVED = "supplement_received"
    REFUSE = "refuse"
    TRANSFER = "transfer"
    REQUEST_PAYMENT = "request_payment"
    PAYMENT_RECEIVED = "payment_received"
    APOLOGIZE = "apologize"
    COMPLETE = "complete"
    RETURN_RESULT = "return_result"
    WITHDRAW = "withdraw"
    STOP = "stop"
    # Not a change of status: the due time moved because the working calendar changed.
    RESCHEDULE = "reschedule"


ACTION_NAMES: dict[Action, str] = {
    Action.SUBMIT_ONLINE: N_("Nộp hồ sơ trực tuyến"),
    Action.RECEIVE: N_("Tiếp nhận hồ sơ"),
    Action.REQUEST_SUPPLEMENT: N_("Yêu cầu bổ sung, hoàn thiện hồ sơ"),
    Action.SUPPLEMENT_RECEIVED: N_("Nhận hồ sơ bổ sung"),
    Action.REFUSE: N_("Từ chối tiếp nhận"),
    Action.TRANSFER: N_("Chuyển xử lý"),
    Action.REQUEST_PAYMENT: N_("Yêu cầu thực hiện nghĩa vụ tài chính"),
    Action.PAYMENT_RECEIVED: N_("Đã thực hiện nghĩa vụ tài chính"),
    Action.APOLOGIZE: N_("Xin lỗi và hẹn lại ngày trả"),
    Action.COMPLETE: N_("Đã xử lý xong"),
    Action.RETURN_RESULT: N_("Trả kết quả"),
    Action.WITHDRAW: N_("Công dân rút hồ sơ"),
    Action.STOP: N_("Dừng xử lý"),
    Action.RESCHEDULE: N_("Điều chỉnh hạn trả theo lịch làm việc"),
}


STAY: Literal["stay"] = "stay"  # the status does not change
RESUME: Literal["resume"] = "resume"  # back to the status before the pause


@dataclass(frozen=True)
class Rule:
    """Which statuses an action may start from (None: a dossier not yet recorded) and where it
    leads."""

    sources: frozenset[Status | None]
    target: Status | Literal["stay", "resume"]


_OPEN = frozenset({Status.RECEIVED, Status.PROCESSING})
TRANSITIONS: dict[Action, Rule] = {
    Action.SUBMIT_ONLINE: Rule(frozenset({None}), Status.SUBMITTED),
    Action.RECEIVE: Rule(frozenset({None, Status.SUBMITTED}), Status.RECEIVED),
    # At the counter (the dossier is not received yet) or during handling (the clock pauses).
    Action.REQUEST_SUPPLEMENT: Rule(
        frozenset({None, Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING}), Status.SUPPLEMENT
    ),
    # Back to where it paused; a dossier never received is received now.
    Action.SUPPLEMENT_RECEIVED: Rule(frozenset({Status.SUPPLEMENT}), RESUME),
    Action.REFUSE: Rule(frozenset({None, Status.SUBMITTED, Status.SUPPLEMENT}), Status.REFUSED),
    # From 6 only off an untimed step of the plan (the tax office's), see the action service.
    Action.TRANSFER: Rule(_OPEN | {Status.PAYMENT}, Status.PROCESSING),
    Action.REQUEST_PAYMENT: Rule(_OPEN, Status.PAYMENT),
    Action.PAYMENT_RECEIVED: Rule(frozenset({Status.PAYMENT}), RESUME),
    Action.APOLOGIZE: Rule(_OPEN | PAUSED, STAY),
    Action.COMPLETE: Rule(_OPEN | {Status.PAYMENT}, Status.DONE),
    Action.RETURN_RESULT: Rule(frozenset({Status.DONE}), Status.RETURNED),
    Action.WITHDRAW: Rule(
        frozenset({Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING, *PAUSED}),
        Status.WITHDRAWN,
    ),
    Action.STOP: Rule(_OPEN | PAUSED, Status.STOPPED),
    Action.RESCHEDULE: Rule(_OPEN | PAUSED, STAY),
}


def allowed_actions(status: Status | None) -> list[Action]:
    """The actions the table allows from `status`, in the table's order."""
    return [action for action, rule in TRANSITIONS.items() if status in rule.sources]
