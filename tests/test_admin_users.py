"""The users' administration page /admin/nguoi-dung: admins only; list, create, change role
and agency, reset the password, disable and enable, revoke tokens; errors beside the field,
what was typed kept, nothing changed when refused."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from onestop.accounts.models import ApiToken, User
from onestop.accounts.services import create_token
from tests.conftest import NOW, Auth

PAGE = "/admin/nguoi-dung"
CENTRE, WARD = "000.01.31.H21", "000.00.31.H21"


@pytest.fixture
def admin(auth, make_user):
    user, password = make_user("admin", username="quantri", full_name="Trần Quản Trị")
    assert auth.login(user.username, password).status_code == 302
    return user


def post(client, auth, path, **data):
    return client.post(path, data={"csrf_token": auth.csrf(PAGE), **data})


def users(session):
    session.expire_all()
    return {u.username: u for u in session.exec(select(User))}


def api(client, secret):
    return client.get("/api/v1/agencies", headers={"Authorization": f"Bearer {secret}"})


def test_only_admins_open_the_page(client, auth, make_user):
    assert client.get(PAGE).status_code == 302  # to the login
    for role in ("officer", "handler", "supervisor"):
        user, password = make_user(role)
        auth.login(user.username, password)
        assert client.get(PAGE).status_code == 403
        assert client.post(PAGE, data={"csrf_token": auth.csrf("/")}).status_code == 403
        client.post("/dang-xuat", data={"csrf_token": auth.csrf("/")})


def test_the_list_shows_each_user(client, admin, session, make_user):
    officer, _ = make_user("officer", username="lan", full_name="Nguyễn Thị Lan")
    officer.last_login_at = NOW + timedelta(hours=1, minutes=5)  # 10:05 in Vietnam
    create_token(session, user=officer, now=NOW)
    old = create_token(session, user=officer, now=NOW - timedelta(days=400))
    revoked = create_token(session, user=officer, now=NOW)
    for row in session.exec(select(ApiToken).where(ApiToken.prefix == revoked[:10])):
        row.revoked_at = NOW
    session.add(officer)
    session.commit()
    assert old  # expired: made 400 days ago
    page = client.get(PAGE).get_data(as_text=True)
    row = re.search(r"<tr>\s*<td class=\"code\"><a[^>]*>lan</a>.*?</tr>", page, re.S).group(0)
    for text in (
        "Nguyễn Thị Lan",
        "Cán bộ tiếp nhận",
        "Trung tâm Phục vụ hành chính công",
        "Đang hoạt động",
        "25/11/2026 10:05",
        "<td>1</td>",
    ):
        assert text in row, text
    assert "Chưa đăng nhập" not in page
    make_user("handler", agency_code=WARD)
    assert "Chưa đăng nhập" in client.get(PAGE).get_data(as_text=True)


def test_an_admin_creates_a_user_with_a_generated_password_who_then_logs_in(
    app, client, auth, admin, session
):
    response = post(
        client,
        auth,
        PAGE,
        username="Hoa.Le",
        full_name="Lê Thị Hoa",
        role="officer",
        agency=CENTRE,
        password="",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    password = re.search(r'id="password">([^<]+)<', page).group(1)
    assert len(password) >= 10 and "chỉ hiện một lần" in page
    created = users(session)["hoa.le"]
    assert (created.full_name, created.role, created.agency_code) == (
        "Lê Thị Hoa",
        "officer",
        CENTRE,
    )
    other = app.test_client()
    assert Auth(other).login("hoa.le", password).headers["Location"] == "/counter/"


def test_an_admin_types_the_password(app, client, auth, admin):
    response = post(
        client,
        auth,
        PAGE,
        username="an",
        full_name="Phạm An",
        role="admin",
        agency="",
        password="mat-khau-go-tay",
    )
    assert response.status_code == 200
    assert Auth(app.test_client()).login("an", "mat-khau-go-tay").status_code == 302


@pytest.mark.parametrize(
    ("fields", "status", "field", "message"),
    [
        ({"agency": ""}, 422, "agency", "Mọi vai trò trừ quản trị phải thuộc một cơ quan."),
        ({"agency": "000.99.99.H21"}, 422, "agency", "Không có cơ quan mã 000.99.99.H21."),
        ({"username": "Có Dấu"}, 422, "username", "Tên đăng nhập chỉ gồm chữ thường"),
        ({"username": "quantri"}, 409, "username", "Tên đăng nhập quantri đã có."),
        ({"password": "ngan"}, 422, "password", "Mật khẩu cần ít nhất 10 ký tự."),
        ({"role": "sep"}, 422, "role", "Vai trò không hợp lệ: sep."),
        ({"full_name": ""}, 422, "full_name", "Nhập họ và tên."),
    ],
)
def test_a_refused_user_shows_the_error_beside_its_field_and_keeps_what_was_typed(
    client, auth, admin, session, fields, status, field, message
):
    typed = {"username": "minh", "full_name": "Võ Văn Minh", "role": "officer", "agency": WARD}
    typed |= {"password": ""} | fields
    response = post(client, auth, PAGE, **typed)
    assert response.status_code == status
    page = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error" role="alert">([^<]+)<', page)
    assert error is not None and error.group(1).startswith(message.replace("&", "&amp;"))
    if typed["full_name"]:
        assert f'value="{typed["full_name"]}"' in page  # what was typed is kept
    assert set(users(session)) == {"quantri"}


def test_a_form_without_csrf_changes_nothing(client, admin, session):
    response = client.post(
        PAGE, data={"username": "minh", "full_name": "Minh", "role": "admin", "agency": ""}
    )
    assert response.status_code == 400
    assert set(users(session)) == {"quantri"}


def test_change_role_and_agency(client, auth, admin, session, make_user):
    make_user("officer", username="lan")
    path = f"{PAGE}/lan"
    response = post(client, auth, path, full_name="Nguyễn Lan", role="handler", agency=WARD)
    assert response.status_code == 302
    changed = users(session)["lan"]
    assert (changed.full_name, changed.role, changed.agency_code) == ("Nguyễn Lan", "handler", WARD)
    refused = post(client, auth, path, full_name="Nguyễn Lan", role="supervisor", agency="")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Mọi vai trò trừ quản trị phải thuộc một cơ quan." in page
    assert '<option selected value="supervisor">' in page  # kept
    assert users(session)["lan"].role == "handler"


def test_an_admin_keeps_their_own_role_and_account(client, auth, admin, session):
    refused = post(client, auth, f"{PAGE}/quantri", full_name="Q", role="officer", agency=WARD)
    assert refused.status_code == 403
    assert "Không thể tự đổi vai trò của mình." in refused.get_data(as_text=True)
    refused = post(client, auth, f"{PAGE}/quantri/khoa")
    assert refused.status_code == 403
    assert "Không thể tự khóa tài khoản của mình." in refused.get_data(as_text=True)
    me = users(session)["quantri"]
    assert (me.role, me.active, me.full_name) == ("admin", True, "Trần Quản Trị")


def test_the_last_admin_stays(session, make_user):
    from onestop.accounts.services import set_active, update_user
    from onestop.errors import Conflict

    only, _ = make_user("admin")
    with pytest.raises(Conflict) as caught:
        set_active(session, user=only, active=False, actor=None, now=NOW)
    assert caught.value.code == "last_admin"
    with pytest.raises(Conflict):
        update_user(
            session,
            user=only,
            role="supervisor",
            agency_code=WARD,
            full_name="x",
            actor=None,
            now=NOW,
        )
    second, _ = make_user("admin")
    set_active(session, user=only, active=False, actor=second, now=NOW)
    assert not only.active


def test_reset_password_shows_it_once_and_ends_the_sessions(app, client, auth, admin, make_user):
    _, password = make_user("officer", username="lan")
    theirs = app.test_client()
    Auth(theirs).login("lan", password)
    response = post(client, auth, f"{PAGE}/lan/mat-khau", password="")
    assert response.status_code == 200
    new = re.search(r'id="password">([^<]+)<', response.get_data(as_text=True)).group(1)
    assert theirs.get("/counter/").status_code == 302
    assert Auth(app.test_client()).login("lan", password).status_code == 401
    assert Auth(app.test_client()).login("lan", new).status_code == 302
    short = post(client, auth, f"{PAGE}/lan/mat-khau", password="ngan")
    assert short.status_code == 422
    assert "Mật khẩu cần ít nhất 10 ký tự." in short.get_data(as_text=True)
    assert Auth(app.test_client()).login("lan", new).status_code == 302


def test_disable_ends_sessions_and_stops_tokens_and_enable_brings_tokens_back(
    app, client, auth, admin, session, make_user
):
    user, password = make_user("officer", username="lan")
    secret = create_token(session, user=user, now=NOW)
    session.commit()
    theirs = app.test_client()
    Auth(theirs).login("lan", password)
    assert post(client, auth, f"{PAGE}/lan/khoa").status_code == 302
    assert "Đã khóa" in client.get(PAGE).get_data(as_text=True)
    assert theirs.get("/counter/").status_code == 302
    assert api(client, secret).status_code == 401
    assert Auth(app.test_client()).login("lan", password).status_code == 401
    assert post(client, auth, f"{PAGE}/lan/mo-khoa").status_code == 302
    assert api(client, secret).status_code == 200
    assert Auth(app.test_client()).login("lan", password).status_code == 302


def test_revoke_one_token_or_all(client, auth, admin, session, make_user):
    user, _ = make_user("officer", username="lan")
    first, second, third = (create_token(session, user=user, now=NOW) for _ in range(3))
    session.commit()
    row = session.exec(select(ApiToken).where(ApiToken.prefix == first[:10])).one()
    page = client.get(f"{PAGE}/lan").get_data(as_text=True)
    assert first[:10] in page and "Còn hiệu lực" in page and first not in page
    assert post(client, auth, f"{PAGE}/lan/ma-truy-cap/{row.id}/thu-hoi").status_code == 302
    assert api(client, first).status_code == 401 and api(client, second).status_code == 200
    assert post(client, auth, f"{PAGE}/lan/ma-truy-cap/thu-hoi").status_code == 302
    assert api(client, second).status_code == 401 and api(client, third).status_code == 401
    assert "<td>0</td>" in client.get(PAGE).get_data(as_text=True)
    # Another user's token cannot be revoked through this user's page.
    other, _ = make_user("officer", username="hoa")
    create_token(session, user=other, now=NOW)
    session.commit()
    theirs = session.exec(select(ApiToken).where(ApiToken.user_id == other.id)).one()
    assert post(client, auth, f"{PAGE}/lan/ma-truy-cap/{theirs.id}/thu-hoi").status_code == 404
    session.expire_all()
    assert session.get(ApiToken, theirs.id).revoked_at is None


def test_an_unknown_user_is_404(client, admin):
    assert client.get(f"{PAGE}/khong-co").status_code == 404
