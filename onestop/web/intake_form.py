"""Reading the counter's intake form into the shape the dossier services check."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from onestop.catalogue.models import Procedure
from onestop.dossiers import checklist
from onestop.dossiers.services import Intake

COUNTS = ("originals", "certified_copies", "photocopies")


def catalogue_documents(procedure: Procedure) -> list[dict[str, Any]]:
    return list(procedure.data.get("documents", []))


def parse(form: MultiDict[str, str], procedure: Procedure) -> dict[str, Any]:
    """The intake request of the JSON API, from the form's fields; `missing`: the papers the
    officer typed in beside the checklist."""
    extra = " ".join(form.get("missing_other", "").split())
    data: dict[str, Any] = {
        "procedure_code": procedure.code,
        "channel": form.get("channel", "in_person"),
        "applicant": {
            k: form.get(f"applicant.{k}", "")
            for k in ("full_name", "id_number", "phone", "email", "address")
        },
        "documents": _received(form, procedure),
        "sets": form.get("sets", "1"),
        "variant": form.get("variant", ""),
        "result_place": form.get("result_place", ""),
        "agency": form.get("agency", ""),  # an admin names it; officers receive at their own
    }
    if not form.get("submitter_is_owner"):
        data["submitter"] = {
            "full_name": form.get("submitter.full_name", ""),
            "phone": form.get("submitter.phone", ""),
        }
    return {
        "request": data,
        "missing": [{"name": extra, "note": None}] if extra else [],
        "reason": form.get("reason", "").strip(),
    }


def _received(form: MultiDict[str, str], procedure: Procedure) -> list[dict[str, Any]]:
    """The papers ticked, each once: a paper of several cases is one paper."""
    received, seen = [], set()
    for i, doc in enumerate(catalogue_documents(procedure)):
        mark = (checklist.key(doc["name"]), doc.get("code") or "")
        if not form.get(f"doc-{i}-received") or mark in seen:
            continue
        seen.add(mark)
        counts = {k: form.get(f"doc-{i}-{k}", "0") for k in COUNTS}
        received.append({"name": doc["name"], "code": doc.get("code") or ""} | counts)
    return received


def missing_papers(checked: Intake, typed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What Mẫu 02 asks for: the required papers the checklist lacks, then those typed in."""
    return [{"name": name, "note": None} for name in checked.checked.missing] + typed
