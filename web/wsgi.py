"""WSGI entry point for gunicorn: `gunicorn web.wsgi:app` (background jobs run in each worker)."""

from web import create_app
from web.jobs import start_jobs

app = create_app()
scheduler = start_jobs(app)
