"""WSGI entry point for gunicorn: `gunicorn web.wsgi:app`.

Background jobs run in each worker unless SLRT_WEB_JOBS=0, the production set-up where
`slrt scheduler` runs them as a process of its own.
"""

import os

from web import create_app
from web.jobs import start_jobs

app = create_app()
scheduler = start_jobs(app) if os.environ.get("SLRT_WEB_JOBS", "1") != "0" else None
