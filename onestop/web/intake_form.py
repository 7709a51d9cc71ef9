"""Reading the counter's intake form into the shape the dossier services check."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from onestop.catalogue.models import Procedure

COUNTS = ("originals", "certified_copies", "photocopies")


def catalogue_documents(procedure: Procedure) -> list[dict[str, Any]]:
    return list(procedure.data.get("documents", []))


def parse(form: MultiDict[str, str], procedure: Procedure) -> dict[str, Any]:
    """The intake request of the JSON API, from the form's fields."""
    received, missing = [], []
    for i, doc in enumerate(catalogue_documents(procedure)):
        if form.get(f"doc-{i}-received"):
            received.append(
                {"name": doc["name"]} | {k: form.get(f"doc-{i}-{k}", "0") for k in COUNTS}
            )
        elif doc.get("required", True):
            missing.append({"name": doc["name"], "note": None})
    extra = " ".join(form.get("missing_other", "").split())
    if extra:
        missing.append({"name": extra, "note": None})
    data: dict[str, Any] = {
        "procedure_code": procedure.code,
        "channel": form.get("channel", "in_person"),
        "applicant": {
            k: form.get(f"applicant.{k}", "")
            for k in ("full_name", "id_number", "phone", "email", "address")
        },
        "documents": received,
        "sets": form.get("sets", "1"),
        "result_place": form.get("result_place", ""),
        "agency": form.get("agency", ""),  # an admin names it; officers receive at their own
    }
    if not form.get("submitter_is_owner"):
        data["submitter"] = {
            "full_name": form.get("submitter.full_name", ""),
            "phone": form.get("submitter.phone", ""),
        }
    return {"request": data, "missing": missing, "reason": form.get("reason", "").strip()}
