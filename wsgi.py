"""The WSGI entry point: `gunicorn wsgi:app`. Set ONESTOP_BASE_URL: behind gunicorn the app
cannot know the address citizens reach it at, and QR codes must carry it."""

from onestop import logs
from onestop.app import create_app

logs.configure()
app = create_app()
