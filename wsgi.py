"""The WSGI entry point: `gunicorn wsgi:app`."""

from onestop.app import create_app

app = create_app()
