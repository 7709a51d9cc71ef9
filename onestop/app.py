"""The application factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from onestop import config as config_module
from onestop import db
from onestop.config import ROOT


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then ONESTOP_* environment variables, then `config`."""
    settings = config_module.load(config)
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(settings)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Vietnamese stays readable
    db.init_app(app)
    _trust_proxies(app)

    from onestop import web

    web.init_app(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind N proxies, take the client's address and scheme from the headers they add;
    with none (the default) the headers are ignored, since any client can send them."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
