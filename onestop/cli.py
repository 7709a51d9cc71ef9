"""The `onestop` command (README.md#command-line): set-up, serving and administration."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn, cast

import click
from flask import Flask
from sqlmodel import Session

from onestop import db
from onestop.accounts import services as accounts
from onestop.app import create_app
from onestop.catalogue.files import read_catalogue
from onestop.catalogue.loading import CatalogueInvalid, load_catalogue
from onestop.errors import DomainError


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(1)


def _app(ctx: click.Context) -> Flask:
    """The app, built once per command from the environment."""
    root = ctx.find_root()
    if root.obj is None:
        app = root.obj = create_app()
        # Close pooled connections when the command ends, not when the process is torn down.
        root.call_on_close(db.database(app).engine.dispose)
    return cast(Flask, root.obj)  # click types `obj` as Any; only this function sets it


@click.group()
@click.version_option(package_name="onestop")
def main() -> None:
    """onestop: phần mềm Bộ phận Một cửa."""


@main.command()
@click.option("--demo", is_flag=True, help="Thêm tài khoản mẫu (in ra một lần).")
@click.pass_context
def init(ctx: click.Context, demo: bool) -> None:
    """Create or upgrade the database, load agencies and the catalogue."""
    from onestop import demo as demo_module
    from onestop.deadlines import services as services_deadlines
    from onestop.migrate import upgrade

    app = _app(ctx)
    upgrade(app.config["DATABASE_URL"])
    try:
        with db.database(app).session_scope() as session:
            report = load_catalogue(session, directory=app.config["CATALOGUE_DIR"], now=db.utcnow())
            created = demo_module.create_accounts(session, now=db.utcnow()) if demo else []
            samples = []
            if demo:
                calendar = services_deadlines.calendar_for(
                    session,
                    catalogue_dir=app.config["CATALOGUE_DIR"],
                    extra=app.config["CALENDAR"],
                )
                samples = demo_module.create_samples(session, calendar=calendar, now=db.utcnow())
    except CatalogueInvalid as exc:
        _fail(f"{exc.message}\nDanh mục có lỗi: không nạp gì.")
    click.echo(f"Danh mục thủ tục: {report}.")
    if samples:
        click.echo(f"Hồ sơ mẫu: {', '.join(samples)}.")
    if created:
        demo_module.save_logins(Path(app.instance_path), created)
        click.echo("Tài khoản mẫu (chỉ in một lần; lưu ở instance/demo-logins.txt):")
        click.echo(demo_module.format_logins(created))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the app in this one process (waitress, several threads)."""
    from onestop import logs
    from onestop.server import serve as serve_app

    logs.configure()
    serve_app(_app(ctx), host=host, port=port)


@main.group()
def catalogue() -> None:
    """The catalogue of procedures."""


@catalogue.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def catalogue_check(directory: Path | None) -> None:
    """Validate the catalogue; exit 1 with `file:line: message` for each error."""
    from onestop.config import ROOT

    checked = read_catalogue(directory or ROOT / "procedures")
    if not checked.ok:
        _fail("\n".join(str(p) for p in checked.problems) or "agencies.yaml is missing")
    click.echo(f"{len(checked.procedures)} thủ tục, không có lỗi.")


@catalogue.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="The catalogue folder to write (default: procedures/).",
)
def catalogue_import(paths: tuple[Path, ...], directory: Path | None) -> None:
    """Import national portal records (files, or folders of `.json` records) into the
    catalogue's files, keeping the province's overlays; print what changed."""
    from onestop.catalogue.importing import import_records
    from onestop.config import ROOT

    report = import_records(paths, root=(directory or ROOT / "procedures").resolve())
    for line in report.problems:
        click.echo(line, err=True)
    if report.unreadable:
        _fail("\n".join(report.unreadable))
    for line in report.lines():
        click.echo(line)


@main.group()
def user() -> None:
    """Staff accounts."""


@user.command("add")
@click.argument("name")
@click.option(
    "--role", required=True, type=click.Choice(["officer", "handler", "supervisor", "admin"])
)
@click.option("--agency", "agency_code", help="Mã cơ quan (bắt buộc trừ admin).")
@click.option("--password", help="Mật khẩu; bỏ trống thì sinh ngẫu nhiên và in ra.")
@click.option("--full-name", help="Họ và tên.")
@click.pass_context
def user_add(
    ctx: click.Context,
    name: str,
    role: str,
    agency_code: str | None,
    password: str | None,
    full_name: str | None,
) -> None:
    """Create a user (every role but admin belongs to an agency)."""
    with _domain(ctx) as session:
        created, secret = accounts.create_user(
            session,
            username=name,
            role=role,
            agency_code=agency_code,
            password=password,
            full_name=full_name,
            now=db.utcnow(),
        )
    click.echo(f"Đã tạo {created.username} ({role}).")
    if password is None:
        click.echo(f"Mật khẩu: {secret}")


@user.command("disable")
@click.argument("name")
@click.pass_context
def user_disable(ctx: click.Context, name: str) -> None:
    """Disable a user: their sessions end and their tokens stop working at once."""
    with _domain(ctx) as session:
        found = accounts.get_user(session, name)
        accounts.set_active(session, user=found, active=False, actor=None, now=db.utcnow())
    click.echo(f"Đã khóa {found.username}.")


@user.command("enable")
@click.argument("name")
@click.pass_context
def user_enable(ctx: click.Context, name: str) -> None:
    """Enable a disabled user again (their unrevoked tokens work again)."""
    with _domain(ctx) as session:
        found = accounts.get_user(session, name)
        accounts.set_active(session, user=found, active=True, actor=None, now=db.utcnow())
    click.echo(f"Đã mở khóa {found.username}.")


@main.command()
@click.argument("name")
@click.option("--name", "label", default="", help="Mã dùng để làm gì (ví dụ: cổng DVC).")
@click.option(
    "--days",
    default=accounts.TOKEN_DAYS,
    show_default=True,
    type=int,
    help="Số ngày có hiệu lực.",
)
@click.option("--revoke-all", is_flag=True, help="Thu hồi mọi mã truy cập của người dùng.")
@click.pass_context
def token(ctx: click.Context, name: str, label: str, days: int, revoke_all: bool) -> None:
    """Print a new API token for that user, nothing else; or revoke all their tokens."""
    with _domain(ctx) as session:
        found = accounts.get_user(session, name)
        if revoke_all:
            count = accounts.revoke_tokens(session, user=found, now=db.utcnow())
        else:
            secret = accounts.create_token(
                session, user=found, name=label, days=days, now=db.utcnow()
            )
    if revoke_all:
        click.echo(f"Đã thu hồi {count} mã truy cập của {found.username}.")
    else:
        click.echo(secret)


@contextmanager
def _domain(ctx: click.Context) -> Iterator[Session]:
    """A committed session; a DomainError becomes exit status 1 with its message."""
    try:
        with db.database(_app(ctx)).session_scope() as session:
            yield session
    except DomainError as exc:
        _fail(f"Lỗi: {exc.message}")


@main.command()
@click.option(
    "--received",
    required=True,
    help="Thời điểm tiếp nhận, ISO 8601 (không có múi giờ: giờ Việt Nam).",
)
@click.option("--procedure", "procedure_code", help="Mã thủ tục: dùng thời hạn của thủ tục.")
@click.option(
    "--channel",
    default="in_person",
    show_default=True,
    type=click.Choice(["in_person", "online", "post"]),
)
@click.option("--working-days", help="Số ngày làm việc (có thể lẻ: 0,25).")
@click.option("--days", help="Số ngày (theo lịch).")
@click.option("--hours", help="Số giờ làm việc.")
@click.option("--same-day", is_flag=True, help="Trong ngày (sau 15 giờ: ngày làm việc tiếp theo).")
@click.option(
    "--calendar",
    "calendar_file",
    type=click.Path(dir_okay=False),
    help="Tệp điều chỉnh lịch (YAML).",
)
@click.pass_context
def due(
    ctx: click.Context,
    received: str,
    procedure_code: str | None,
    channel: str,
    working_days: str | None,
    days: str | None,
    hours: str | None,
    same_day: bool,
    calendar_file: str | None,
) -> None:
    """Print the due time as ISO 8601 with offset +07:00, nothing else."""
    from onestop.deadlines.cli import compute_due

    app = _app(ctx)
    if calendar_file:
        app.config["CALENDAR"] = calendar_file
    durations = {"working_days": working_days, "days": days, "hours": hours}
    chosen = {unit: value for unit, value in durations.items() if value is not None}
    if same_day:
        chosen["same_day"] = "0"
    if bool(procedure_code) + len(chosen) != 1:
        _fail("Chọn đúng một trong --procedure, --working-days, --days, --hours, --same-day.")
    try:
        result = compute_due(
            app,
            received=received,
            procedure_code=procedure_code,
            channel=channel,
            duration=next(iter(chosen.items()), None),
        )
    except (ValueError, DomainError) as exc:
        _fail(getattr(exc, "message", None) or str(exc))
    click.echo(result)


@main.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.pass_context
def backup_database(ctx: click.Context, path: Path) -> None:
    """Copy the database to PATH while the app serves (SQLite file or pg_dump archive)."""
    from onestop import backup as backups

    try:
        written = backups.backup(db.database(_app(ctx)).url, path)
    except backups.BackupError as exc:
        _fail(f"Lỗi: {exc}")
    size = backups.size_text(written.stat().st_size)
    click.echo(f"Đã sao lưu cơ sở dữ liệu vào {written} ({size}).")


@main.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Không hỏi lại trước khi thay dữ liệu.")
@click.pass_context
def restore_database(ctx: click.Context, path: Path, yes: bool) -> None:
    """Replace all the data of the database with the backup at PATH."""
    from onestop import backup as backups

    url = db.database(_app(ctx)).url
    if not yes:
        click.confirm(f"Thay toàn bộ dữ liệu hiện có bằng bản sao lưu {path}?", abort=True)
    try:
        count = backups.restore(url, path)
    except backups.BackupError as exc:
        _fail(f"Lỗi: {exc}")
    click.echo(f"Đã khôi phục từ {path}: {count} hồ sơ.")
