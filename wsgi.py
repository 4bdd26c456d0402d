"""The WSGI entry point: `gunicorn wsgi:app`."""

from empathy import create_app

app = create_app()
