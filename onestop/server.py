"""`onestop serve`: the app in one process, behind waitress (a production WSGI server with a
pool of threads), with room beside it for the scheduler thread of the supervision jobs."""

from __future__ import annotations

import logging
import socket

from flask import Flask

log = logging.getLogger("onestop.server")
# SQLite admits one writer at a time anyway; more threads would only wait on its lock, while
# these let readers (the QR page) go on beside the writers.
THREADS = 8
ANY_ADDRESS = ("0.0.0.0", "::", "")


def served_url(host: str, port: int) -> str:
    """The address links and QR codes carry when ONESTOP_BASE_URL is not set."""
    shown = socket.getfqdn() if host in ANY_ADDRESS else host
    if ":" in shown:  # an IPv6 address
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def serve(app: Flask, *, host: str, port: int, threads: int = THREADS) -> None:
    """Serve until interrupted."""
    import waitress

    if app.config.get("BASE_URL_IS_DEFAULT"):
        app.config["BASE_URL"] = served_url(host, port)
    log.info(
        "serving on http://%s:%s/ (links and QR codes: %s)", host, port, app.config["BASE_URL"]
    )
    waitress.serve(app, host=host, port=port, threads=threads, ident="onestop")
