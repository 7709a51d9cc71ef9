"""The reception counter (role officer): find the procedure, check the papers, record the
dossier with one of three outcomes, print the forms, keep the log book."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_translations
from flask_babel import gettext as _
from flask_login import current_user

from onestop import db, fields
from onestop.accounts import policy
from onestop.calendar import VN_TZ
from onestop.catalogue import queries as cq
from onestop.dossiers import actions, checklist, search, services
from onestop.dossiers import queries as dossiers
from onestop.dossiers.requests import ACTION_MESSAGES, ActionRequest
from onestop.dossiers.states import ACTION_NAMES, STATUS_NAMES, Action, Status, allowed_actions
from onestop.dossiers.validation import ValidationFailed, parse
from onestop.errors import DomainError, Invalid
from onestop.i18n import N_, translate
from onestop.receipts import build
from onestop.routing import services as routing
from onestop.web import intake_form
from onestop.web.access import page
from onestop.web.catalogue_views import detail_context, search_context, status
from onestop.web.common import current_calendar, now, pdf_response

bp = Blueprint("counter", __name__, url_prefix="/counter")
OUTCOMES = {o.value: o for o in services.OUTCOMES}


@bp.get("/")
@page("counter")
def index() -> Any:
    """Keyboard first: the search box has the focus, Enter searches, Tab reaches the results."""
    context = search_context() if request.args.get("q") else {"q": "", "procedures": []}
    return render_template("counter/index.html", **_home_context(), **context), status(context)


@bp.get("/tim-kiem")
@page("counter")
def find() -> Any:
    """The follow-up: the centre's dossiers by code, name, ID number or phone, with filters."""
    errors: dict[str, str] = {}
    args = request.args
    status = _search_status(args.get("status", ""), errors)
    since = _search_day(args.get("from", ""), "from", errors)
    until = _search_day(args.get("to", ""), "to", errors)
    if since and until and until < since:
        errors["to"] = _("Ngày kết thúc phải từ ngày bắt đầu trở đi.")
    found = None
    if not errors:
        found = search.find_dossiers(
            db.session(),
            agency=policy.list_scope(current_user, None),
            now=now(),
            q=args.get("q", ""),
            status=status,
            received_from=since,
            received_to=until,
            page=_page_number(args.get("page", "")),
        )
    context = _home_context() | {
        "searched": True,
        "found": found,
        "errors": errors,
        "pager": _pager(found),
    }
    html = render_template("counter/index.html", q="", procedures=[], **context)
    return html, 422 if errors else 200


def _home_context() -> dict[str, Any]:
    """The counter's home: today's dossiers, those waiting for the citizen, those ready."""
    session = db.session()
    agency = policy.list_scope(current_user, None)
    moment = now()
    today = _day_bounds(moment.astimezone(VN_TZ).date())
    recent, _count = dossiers.list_dossiers(
        session, agency=agency, received_from=today[0], received_to=today[1], per_page=20
    )
    return {
        "recent": recent,
        "waiting": search.waiting_for_citizen(session, agency=agency, now=moment),
        "ready": search.ready_to_return(session, agency=agency, now=moment),
        "status_names": STATUS_NAMES,
        "statuses": list(Status),
        "form": request.args,
        "errors": {},
        "searched": False,
        "found": None,
        "pager": {},
    }


def _search_status(raw: str, errors: dict[str, str]) -> int | None:
    if not raw:
        return None
    if raw.isdigit() and int(raw) in set(Status):
        return int(raw)
    errors["status"] = _("Chọn một trạng thái trong danh sách.")
    return None


def _search_day(raw: str, name: str, errors: dict[str, str]) -> date | None:
    """A day typed dd/mm/yyyy (or sent yyyy-mm-dd by a date picker)."""
    text = raw.strip()
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if fields.in_years(day):
            return day
        break
    errors[name] = _("Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 25/11/2026.")
    return None


def _pager(found: search.Found | None) -> dict[str, str | None]:
    """The links to the previous and next pages, keeping the search's other arguments."""

    def link(number: int) -> str | None:
        if found is None or not 1 <= number <= found.pages or number == found.page:
            return None
        args: dict[str, Any] = request.args.to_dict() | {"page": str(number)}
        return url_for("counter.find", **args)

    page_now = found.page if found else 1
    return {"prev": link(page_now - 1), "next": link(page_now + 1)}


def _page_number(raw: str) -> int:
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


@bp.get("/procedures")
@page("staff")
def catalogue() -> Any:
    """The staff catalogue: any staff member may search it."""
    context = search_context()
    return render_template("catalogue/list.html", staff=True, **context), status(context)


@bp.get("/procedures/<code>")
@page("staff")
def procedure(code: str) -> Any:
    return render_template("catalogue/detail.html", staff=True, **detail_context(code))


def _form_context(procedure_code: str, **extra: Any) -> dict[str, Any]:
    session = db.session()
    procedure = cq.get_procedure(session, procedure_code)
    offered = services.offered_channels(procedure, at_counter=True)
    channel = request.values.get("channel", "")
    channel = channel if channel in offered else next(iter(offered), "in_person")
    timed = services.variants(procedure)
    variant = request.values.get("variant", "")
    variant = variant if variant in timed else ""
    due = services.appointment(current_calendar(), procedure, channel, now(), variant)
    data = procedure.data
    documents = intake_form.catalogue_documents(procedure)
    return {
        "p": procedure,
        "documents": documents,
        "groups": checklist.groups(data),
        "has_cases": checklist.has_cases(data),
        "known": checklist.known(data),
        "keys": [checklist.key(d["name"]) for d in documents],
        "to_show": data.get("to_show") or [],
        "notes": data.get("document_notes") or [],
        "time_text": services.procedure_time_text(procedure, channel, variant),
        "variant": variant,
        # Each case with a time of its own, and that time as the page words it.
        "variants": [(v, services.procedure_time_text(procedure, channel, v)) for v in timed],
        "due": due,
        "form": request.form,
        "errors": {},
        "form_key": request.form.get("form_key") or secrets.token_urlsafe(16),
        "agencies": cq.list_agencies(session) if not current_user.agency_code else [],
        "channel": channel,
        "channels": {key: services.CHANNELS[key] for key in offered},
        "channel_names": services.CHANNELS,
        "listed_channels": services.offered_channels(procedure),
    } | extra


@bp.get("/tiep-nhan/<procedure_code>")
@page("counter")
def intake_page(procedure_code: str) -> Any:
    return render_template("counter/intake.html", **_form_context(procedure_code))


@bp.post("/tiep-nhan/<procedure_code>")
@page("counter")
def intake(procedure_code: str) -> Any:
    """Receive only a complete dossier; the papers it lacks go on Mẫu 02 when asked for."""
    session = db.session()
    procedure = cq.get_procedure(session, procedure_code)
    outcome = OUTCOMES.get(request.form.get("outcome", ""))
    parsed = intake_form.parse(request.form, procedure)
    try:
        if outcome is None:
            raise Invalid(N_("Chọn tiếp nhận, yêu cầu bổ sung hoặc từ chối."), field="outcome")
        checked = services.check_intake(
            session, parsed["request"], actor=current_user, outcome=outcome, at_counter=True
        )
        dossier = services.intake(
            session,
            request=checked,
            outcome=outcome,
            actor=current_user,
            calendar=current_calendar(),
            now=now(),
            reason=parsed["reason"] or None,
            missing=intake_form.missing_papers(checked, parsed["missing"]),
            idempotency_key=request.form.get("form_key") or None,
        )
    except ValidationFailed as exc:
        return _form_again(procedure_code, exc.errors)
    except DomainError as exc:
        if exc.http_status != 422:
            raise
        return _form_again(procedure_code, {exc.field or "outcome": exc.message})
    return redirect(url_for("counter.dossier", code=dossier.code))


def _form_again(procedure_code: str, errors: dict[str, str]) -> Any:
    context = _form_context(procedure_code, errors=errors)
    return render_template("counter/intake.html", **context), 422


@bp.get("/han-tra")
@page("counter")
def appointment() -> Any:
    """The appointment if the dossier were received now: the form shows it live."""
    procedure = cq.get_procedure(db.session(), request.args.get("procedure", ""))
    channel = request.args.get("channel", "in_person")
    variant = request.args.get("variant", "")
    variant = variant if variant in services.variants(procedure) else ""
    due = services.appointment(current_calendar(), procedure, channel, now(), variant)
    return {
        "due_at": due.isoformat() if due else None,
        "due_text": due.astimezone(VN_TZ).strftime("%H:%M, %d/%m/%Y") if due else None,
        # The intake page shows it as it comes: in the page's language.
        "time_text": translate(
            get_translations(), services.procedure_time_text(procedure, channel, variant)
        ),
    }


# Actions offered as buttons on the dossier page; reschedule follows the admin's calendar page.
_BUTTONS = [a for a in Action if a not in (Action.RESCHEDULE, Action.SUBMIT_ONLINE)]


@bp.get("/ho-so/<code>")
@page("staff")
def dossier(code: str) -> Any:
    return _dossier_page(code)


def _dossier_page(code: str, *, errors: dict[str, str] | None = None, tried: str = "") -> Any:
    session = db.session()
    row = dossiers.get_dossier(session, code)
    held = routing.holding(session, row)
    policy.check_see(current_user, held)
    possible = [a for a in allowed_actions(Status(row.status)) if a in _BUTTONS]
    agencies = cq.list_agencies(session)
    page_html = render_template(
        "counter/dossier.html",
        d=row,
        held_by=held.holders,
        detail=dossiers.dossier_detail(session, row, now=now()),
        status_name=STATUS_NAMES[Status(row.status)],
        history=dossiers.events(session, row),
        action_names=ACTION_NAMES,
        forms=build.available_forms(row),
        lookup_url=build.lookup_url(row),
        actions=policy.allowed(current_user, held, possible),
        agencies=agencies,
        agency_names={a.code: a.name for a in agencies},
        errors=errors or {},
        tried=tried,
        return_methods=actions.RETURN_METHODS,
        back_to=_home_list(),
        form=request.form,
    )
    return page_html, 422 if errors else 200


@bp.post("/ho-so/<code>/thao-tac")
@page("staff")
def act(code: str) -> Any:
    """One action from the dossier page's buttons, through the one action service."""
    tried = request.form.get("action", "")
    try:
        action = actions.parse_action(tried)
        actions.perform(
            db.session(),
            code=code,
            action=action,
            actor=current_user,
            now=now(),
            calendar=current_calendar(),
            asked=_asked(request.form),
        )
    except ValidationFailed as exc:
        return _dossier_page(code, errors=exc.errors, tried=tried)
    except DomainError as exc:
        if exc.http_status not in (409, 422):
            raise
        return _dossier_page(code, errors={exc.field or "action": exc.message}, tried=tried)
    flash(_("Đã ghi nhận: %(action)s.", action=_(ACTION_NAMES[action])))
    # Handed on, the dossier may have left the actor's agency: back to their own list then.
    row = dossiers.get_dossier(db.session(), code)
    if policy.may_see(current_user, routing.holding(db.session(), row)):
        return redirect(url_for("counter.dossier", code=code))
    return redirect(url_for(_home_list()))


def _home_list() -> str:
    return "desk.index" if policy.may_open(current_user, "desk") else "counter.index"


def _asked(form: Any) -> actions.Asked:
    """The page's fields, checked by the model that checks the API's (the same limits and
    messages); empty fields are fields not given."""
    data: dict[str, Any] = {
        name: form.get(name)
        for name in ("action", "note", "to_agency", "returned_to", "method", "new_due_at")
        if form.get(name, "").strip()
    }
    papers = [line.strip() for line in form.get("documents", "").splitlines() if line.strip()]
    checked = parse(ActionRequest, data | {"documents": papers}, messages=ACTION_MESSAGES)
    return actions.asked_from(checked)


@bp.get("/ho-so/<code>/<form>.pdf")
@page("staff")
def form_pdf(code: str, form: str) -> Any:
    session = db.session()
    row = dossiers.get_dossier(session, code)
    policy.check_see(current_user, routing.holding(session, row))
    return pdf_response(session, row, form)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=VN_TZ)
    return start, start + timedelta(days=1)


@bp.get("/so-theo-doi")
@page("logbook")
def logbook() -> Any:
    """Mẫu 07: the dossiers an agency recorded on a day."""
    from onestop.dossiers.logbook import logbook_rows

    day, agency = _logbook_args()
    rows = logbook_rows(db.session(), agency_code=agency, day=day)
    return render_template(
        "counter/logbook.html",
        rows=rows,
        day=day,
        agency=agency,
        agencies=cq.list_agencies(db.session()),
    )


@bp.get("/so-theo-doi.xlsx")
@page("logbook")
def logbook_xlsx() -> Any:
    from onestop.dossiers.logbook import logbook_rows, logbook_workbook

    day, agency = _logbook_args()
    rows = logbook_rows(db.session(), agency_code=agency, day=day)
    data = logbook_workbook(rows, agency=cq.get_agency(db.session(), agency), day=day)
    response = Response(
        data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"so-theo-doi-{agency}-{day:%Y%m%d}.xlsx"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _logbook_args() -> tuple[date, str]:
    raw = request.args.get("date", "")
    try:
        day = date.fromisoformat(raw[:10]) if raw else now().astimezone(VN_TZ).date()
    except ValueError as exc:
        raise Invalid(N_("Ngày không hợp lệ (YYYY-MM-DD)."), field="date") from exc
    if not fields.in_years(day):
        raise Invalid(N_("Ngày không hợp lệ (YYYY-MM-DD)."), field="date")
    # Officers see their own agency's book; supervisors and admins pick one.
    agency = policy.list_scope(current_user, request.args.get("agency") or None)
    agency = agency or current_user.agency_code or ""
    cq.get_agency(db.session(), agency)
    return day, agency
