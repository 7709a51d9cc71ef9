"""Every route of the app, walked from its URL map, so that a new route is covered by default:
who may open it, the security headers on every answer, and never a 500."""

from __future__ import annotations

import pytest
from werkzeug.routing import Rule

from tests.factories import OFFICE

# Routes anyone may open; every other route asks for a login (pages) or a token (API).
PUBLIC_BLUEPRINTS = {"public", "auth", "static"}
OPEN_API = {"api.openapi_document", "api.openapi_page"}
ADMIN_BLUEPRINTS = {"admin", "admin_users"}


def rules(app) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))


def example_path(rule: Rule) -> str:
    """The rule with a harmless value in each variable: `x`, or 1 for numbers."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        values[name] = 1 if type(converter).__name__ in ("IntegerConverter",) else "x"
    if rule.endpoint == "static":
        values["filename"] = "onestop.css"
    return rule.build(values, append_unknown=False)[1]


def fetch(client, path: str, method: str = "GET"):
    response = client.open(path, method=method)
    response.close()  # a static file's answer holds the file open until closed
    return response


def methods(rule: Rule) -> list[str]:
    return sorted(m for m in rule.methods or () if m not in ("HEAD", "OPTIONS"))


def is_public(rule: Rule) -> bool:
    blueprint = rule.endpoint.partition(".")[0]
    return blueprint in PUBLIC_BLUEPRINTS or rule.endpoint in OPEN_API


def test_the_walk_sees_every_audience(app):
    blueprints = {r.endpoint.partition(".")[0] for r in rules(app)}
    assert {"public", "counter", "desk", "api", "admin", "tools"} <= blueprints


def test_anonymous_visitors_reach_only_public_routes(app, client):
    for rule in rules(app):
        path = example_path(rule)
        for method in methods(rule):
            response = fetch(client, path, method)
            where = f"{method} {rule.rule}"
            assert response.status_code < 500, where
            if is_public(rule) or method != "GET":
                continue  # a POST without its CSRF token is refused before the login check
            if rule.endpoint.startswith("api."):
                assert response.status_code == 401, where
                assert response.headers["WWW-Authenticate"].startswith("Bearer"), where
            else:
                assert response.status_code == 302, where
                assert "/dang-nhap" in response.headers["Location"], where


def test_every_answer_carries_the_security_headers(app, client):
    for rule in rules(app):
        for method in methods(rule):
            response = fetch(client, example_path(rule), method)
            where = f"{method} {rule.rule}"
            csp = response.headers.get("Content-Security-Policy", "")
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp, where
            assert response.headers["X-Content-Type-Options"] == "nosniff", where
            assert response.headers["X-Frame-Options"] == "DENY", where


@pytest.mark.parametrize("role", ["officer", "handler", "supervisor"])
def test_only_admins_open_the_admin_pages(app, client, auth, make_user, role):
    user, password = make_user(role, agency_code=OFFICE)
    auth.login(user.username, password)
    admin_rules = [r for r in rules(app) if r.endpoint.partition(".")[0] in ADMIN_BLUEPRINTS]
    assert admin_rules
    for rule in admin_rules:
        if "GET" not in methods(rule):
            continue
        response = fetch(client, example_path(rule))
        assert response.status_code == 403, rule.rule


def test_logged_in_staff_never_get_a_500(app, client, auth, make_user):
    for role in ("officer", "handler", "supervisor", "admin"):
        agency = None if role == "admin" else OFFICE
        user, password = make_user(role, agency_code=agency)
        auth.login(user.username, password)
        for rule in rules(app):
            if "GET" in methods(rule):
                response = fetch(client, example_path(rule))
                assert response.status_code < 500, f"{role} GET {rule.rule}"
        client.post("/dang-xuat", data={"csrf_token": auth.csrf("/")})
