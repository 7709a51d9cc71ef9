"""The factory, configuration, error bodies and the web shell."""

from __future__ import annotations

from onestop.app import create_app
from onestop.config import normalise_database_url


def test_factory_reads_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ONESTOP_BASE_URL", "https://motcua.example.vn")
    monkeypatch.setenv("ONESTOP_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["BASE_URL"] == "https://motcua.example.vn"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["DATABASE_URL"].endswith("x.db")


def test_mapping_wins_over_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ONESTOP_BASE_URL", "https://a.example.vn")
    app = create_app({"BASE_URL": "http://b.example.vn", "INSTANCE_PATH": str(tmp_path)})
    assert app.config["BASE_URL"] == "http://b.example.vn"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("ONESTOP_SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    assert first == second and len(first) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_postgresql_urls_use_psycopg3():
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_layout_is_vietnamese_first(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in page
    assert "Thủ tục hành chính" in page


def test_english_locale_on_request(client):
    page = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Administrative procedures" in page
    # The choice is kept for the next page.
    assert '<html lang="en">' in client.get("/thu-tuc").get_data(as_text=True)


def test_unknown_page_is_404_in_html(client):
    response = client.get("/khong-co")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.get_data(as_text=True)


def test_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_translations_are_compiled(tmp_path):
    """The committed .mo file matches its .po source (run `make translations` after edits)."""
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    from onestop.config import ROOT

    folder = ROOT / "onestop" / "translations" / "en" / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as po, (folder / "messages.mo").open("rb") as mo:
        source, compiled = read_po(po), read_mo(mo)
    expected = {_key(m.id): _key(m.string) for m in source if m.id and m.string and not m.fuzzy}
    got = {_key(m.id): _key(m.string) for m in compiled if m.id}
    assert got == expected


def _key(value: object) -> object:
    """A plural message's forms (a tuple from the .po file, a list from the .mo) compared alike."""
    return tuple(value) if isinstance(value, list | tuple) else value
