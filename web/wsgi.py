"""WSGI entry point for gunicorn: `gunicorn web.wsgi:app`.

Background jobs run in each worker unless SLRT_WEB_JOBS=0, the production set-up where
`slrt scheduler` runs them as a process of its own.
"""

import gc
import os

from web import create_app
from web.jobs import start_jobs

app = create_app()
# What start-up loaded (modules, diagram specs) lives as long as the process: leave it out of the
# garbage collector's full passes, which otherwise walk it again and again under load.
gc.freeze()
scheduler = start_jobs(app) if os.environ.get("SLRT_WEB_JOBS", "1") != "0" else None
