"""Background jobs (APScheduler): the timer sweep and outbox delivery; every `checkpoint_minutes` a
signed checkpoint of the audit chains (engine/audit/checkpoint.py); on SQLite also the
write-ahead log's checkpoint every few seconds (engine/store/database.py checkpoint_wal).

They run inside the web process by default (`start_jobs`, from web/wsgi.py) and in production
as their own process (`slrt scheduler`); any number may run against one PostgreSQL database.
"""

import logging
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

log = logging.getLogger("slrt.jobs")


def _sweep_and_deliver(app):
    from engine.cases import outbox
    from engine.cases import timers

    with app.app_context():
        now = datetime.now(timezone.utc)
        try:
            fired = timers.sweep(now)
            delivered, failed = outbox.deliver_due(now, app.config["SLRT_SETTINGS"])
            if fired or delivered or failed:
                log.info("timer: %d terpicu; outbox: %d terkirim, %d gagal", fired, delivered, failed)
        except Exception:  # a job must survive a bad run and try again next time
            log.exception("background job failed")


def _checkpoint(app):
    from engine.store.database import checkpoint_wal

    with app.app_context():
        try:
            checkpoint_wal()
        except Exception:
            log.exception("checkpoint failed")


CHECKPOINT_SECONDS = 2


def anchor_chains(app):
    """Append a signed checkpoint of every case's chain head when a head moved (or a day passed)."""
    from engine.audit import checkpoint

    with app.app_context():
        try:
            store = checkpoint.Store.from_settings(app.config["SLRT_SETTINGS"])
            written = checkpoint.write(store, datetime.now(timezone.utc), only_if_changed=True)
            if written is not None:
                log.info("titik jangkar #%d: %d kasus, %d peristiwa", written["nomor"], written["kasus"],
                         written["peristiwa"])
                if written["ditolak"]:
                    log.error("titik jangkar #%d: rantai kasus %s tidak lagi melanjutkan titik jangkar",
                              written["nomor"], written["ditolak"])
        except Exception:
            log.exception("titik jangkar gagal")


def _add_job(scheduler, app, interval_seconds):
    scheduler.add_job(_sweep_and_deliver, "interval", args=[app], seconds=interval_seconds, id="sapuan",
                      coalesce=True, max_instances=1, next_run_time=datetime.now(timezone.utc))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        scheduler.add_job(_checkpoint, "interval", args=[app], seconds=CHECKPOINT_SECONDS, id="checkpoint",
                          coalesce=True, max_instances=1)
    minutes = app.config["SLRT_SETTINGS"].checkpoint_minutes
    if minutes > 0:  # the first one a minute after start, then every `checkpoint_minutes`
        scheduler.add_job(anchor_chains, "interval", args=[app], minutes=minutes, id="titik_jangkar", coalesce=True,
                          max_instances=1, next_run_time=datetime.now(timezone.utc) + timedelta(minutes=1))


def start_jobs(app, interval_seconds=15):
    """Start the jobs in this (web) process; returns the scheduler."""
    scheduler = BackgroundScheduler(timezone="UTC")
    _add_job(scheduler, app, interval_seconds)
    scheduler.start()
    return scheduler


def run_jobs_forever(app, interval_seconds=15):
    """Run the jobs in the foreground until the process is stopped (`slrt scheduler`)."""
    scheduler = BlockingScheduler(timezone="UTC")
    _add_job(scheduler, app, interval_seconds)
    scheduler.start()
