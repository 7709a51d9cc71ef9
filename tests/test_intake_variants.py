"""A case (trường hợp) with its own time: the officer names it at intake, and the appointment,
the dossier's time and the receipt follow it."""

from __future__ import annotations

import re

import pytest

from tests.factories import OFFICE, intake_data

# Đăng ký khai tử: the same day, or 03 working days when the facts must be verified.
DEATH = "1.000656"
VERIFIED = "Trường hợp cần xác minh"


@pytest.fixture
def officer_token(token):
    return {"Authorization": f"Bearer {token('officer', agency_code=OFFICE)}"}


def receive(client, headers, **changes):
    body = intake_data(procedure_code=DEATH, documents=None, **changes)
    return client.post("/api/v1/dossiers", json=body, headers=headers)


def test_the_case_named_sets_the_appointment(client, officer_token):
    plain = receive(client, officer_token)
    assert plain.status_code == 201, plain.json
    # Received at 09:00 on Wednesday 25/11/2026 (the tests' clock).
    assert plain.json["due_at"] == "2026-11-25T17:00:00+07:00"
    verified = receive(client, officer_token, variant=VERIFIED)
    assert verified.status_code == 201, verified.json
    assert verified.json["due_at"] == "2026-11-30T09:00:00+07:00"  # 26, 27 and 30/11
    shown = client.get(f"/api/v1/dossiers/{verified.json['code']}", headers=officer_token).json
    assert shown["processing_time"] == "03 ngày làm việc"


def test_a_case_the_procedure_does_not_have_is_refused(client, officer_token, session):
    answer = receive(client, officer_token, variant="Trường hợp không có")
    assert answer.status_code == 422
    assert answer.json["error"]["code"] == "validation_failed"
    assert "variant" in answer.json["error"]["fields"]


def test_the_counter_offers_the_cases_and_the_live_appointment_follows(client, auth, make_user):
    user, password = make_user("officer", agency_code=OFFICE)
    auth.login(user.username, password)
    page = client.get(f"/counter/tiep-nhan/{DEATH}").get_data(as_text=True)
    assert '<select id="variant" name="variant">' in page
    assert f'<option value="{VERIFIED}">{VERIFIED}: 03 ngày làm việc</option>' in page
    live = client.get(
        "/counter/han-tra",
        query_string={"procedure": DEATH, "channel": "in_person", "variant": VERIFIED},
    ).json
    assert (live["time_text"], live["due_text"]) == ("03 ngày làm việc", "09:00, 30/11/2026")
    unknown = client.get(
        "/counter/han-tra", query_string={"procedure": DEATH, "variant": "khác"}
    ).json
    assert unknown["due_text"] == "17:00, 25/11/2026"  # an unknown case: the general time


def test_a_procedure_without_timed_cases_offers_no_choice(client, auth, make_user):
    user, password = make_user("officer", agency_code=OFFICE)
    auth.login(user.username, password)
    page = client.get("/counter/tiep-nhan/2.000884").get_data(as_text=True)
    assert not re.search(r'<select id="variant"', page)
