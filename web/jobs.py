"""Background jobs of the web process (APScheduler): deliver the outbox every half minute."""

import logging
from datetime import datetime, timezone

from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger("slrt.jobs")


def start_jobs(app, interval_seconds=30):
    """Start the scheduler for this process; returns it so callers may shut it down."""
    from engine.services import outbox

    def deliver():
        with app.app_context():
            try:
                delivered, failed = outbox.deliver_due(datetime.now(timezone.utc), app.config["SLRT_SETTINGS"])
                if delivered or failed:
                    log.info("outbox: %d terkirim, %d gagal", delivered, failed)
            except Exception:  # a job must survive a bad run and try again next time
                log.exception("outbox delivery failed")

    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(deliver, "interval", seconds=interval_seconds, id="outbox", coalesce=True, max_instances=1)
    scheduler.start()
    return scheduler
