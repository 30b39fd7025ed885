"""Server time of the inbox and case pages with 10,000 cases and 50,000+ events in the database.

    .venv/bin/python bench/ui_pages.py [--cases 10000] [--postgres]

A few hundred real cases are run through the engine at every stage of the process, then copied
(rows of cases, human tasks and events, with fresh ids) until the database holds the requested
number. Copied events keep their original hashes, so the copies are for timing only. Pages are
requested in-process through the Flask test client: the figure is the server's own time to
answer (query, render), without any network.
"""

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

START = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
PASSWORD = "slrt-demo-2026"


def seed_real_cases(actors, settings, count):
    """`count` cases left at different stages of the referral journey."""
    from bench.engine_vs_raw import JOURNEY, intake_payload
    from engine.cases import commands
    from engine.demo import seed

    owners = {element: user for element, user, _data in JOURNEY}
    now = START
    for i in range(count):
        now += timedelta(minutes=1)
        change = commands.start_case(actors["fo.cianjur"], intake_payload(seed.DEMO_VILLAGE), now, settings)
        for element, user, data in JOURNEY[: i % (len(JOURNEY) + 1)]:
            (task_id,) = [t for t, e in change.ready if e == element]
            change = commands.complete_task(actors[user], task_id, data, now)
        for task_id, element in change.ready:  # an officer picks the task up and puts it back
            officer = actors[owners.get(element, "fo.cianjur")]
            commands.claim_task(officer, task_id, now)
            commands.claim_task(officer, task_id, now, release=True)


def copy_until(total):
    """Copy the existing cases (with their tasks and events) until there are `total` cases."""
    from sqlalchemy import func, insert, select

    from engine.store.models import Case, Event, HumanTask, db

    originals = list(db.session.execute(select(Case.__table__)).mappings())
    tasks = {}
    for row in db.session.execute(select(HumanTask.__table__)).mappings():
        tasks.setdefault(row["case_id"], []).append(dict(row))
    events = {}
    for row in db.session.execute(select(Event.__table__)).mappings():
        events.setdefault(row["case_id"], []).append(dict(row))
    next_id = db.session.scalar(select(func.max(Case.id))) + 1
    made = len(originals)
    while made < total:
        case_rows, task_rows, event_rows = [], [], []
        for original in originals:
            if made >= total:
                break
            row = dict(original, id=next_id, ticket=f"3203-26-{next_id:06d}")
            case_rows.append(row)
            task_rows += [dict(t, id=str(uuid.uuid4()), case_id=next_id) for t in tasks.get(original["id"], [])]
            event_rows += [{k: v for k, v in dict(e, case_id=next_id).items() if k != "id"}
                           for e in events.get(original["id"], [])]
            next_id += 1
            made += 1
        db.session.execute(insert(Case.__table__), case_rows)
        if task_rows:
            db.session.execute(insert(HumanTask.__table__), task_rows)
        db.session.execute(insert(Event.__table__), event_rows)
        db.session.commit()


def time_pages(app, samples):
    """Median and 95th percentile server time (ms) of each page, as different officers."""
    import re

    from flask import g
    from sqlalchemy import func, select

    from engine.store.models import Case, db

    results = {}
    last_case = db.session.scalar(select(func.max(Case.id)))
    for username, pages in (("fo.cianjur", ["/kotak-masuk", "/kasus/{case}"]), ("bo.sosial", ["/kotak-masuk"]),
                            ("manajer.cianjur", ["/kotak-masuk"]), ("pp.kemensos", ["/kotak-masuk"])):
        client = app.test_client()
        g.pop("csrf_token", None)
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/masuk").get_data(as_text=True)).group(1)
        g.pop("csrf_token", None)
        client.post("/masuk", data={"username": username, "password": PASSWORD, "csrf_token": token})
        for page in pages:
            times = []
            for i in range(samples):
                path = page.format(case=last_case - (i * 97) % last_case)
                g.pop("csrf_token", None)
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            times.sort()
            results[f"{page.split('/')[1]} ({username})"] = (statistics.median(times), times[int(len(times) * 0.95) - 1])
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--real", type=int, default=240, help="cases run through the engine before copying")
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL (database slrt_bench_ui)")
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from engine.config import load_settings
    from engine.domain.actor import Actor
    from engine.processes import versions
    from engine.demo import seed
    from engine.store.models import Case, Event, User, db
    from web import create_app

    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            from bench.engine_vs_raw import postgres_url

            url = postgres_url("postgresql://postgres@127.0.0.1:5432/test", "slrt_bench_ui")
        else:
            url = f"sqlite:///{tmp}/ui.db"
        settings = load_settings(overrides={"database_url": url})
        app = create_app(settings=settings, clock=lambda: START + timedelta(days=1))
        with app.app_context():
            upgrade()
            versions.sync_from_disk(settings, START)
            seed.seed_demo(START)
            actors = {u.username: Actor.of(u) for u in db.session.scalars(select(User))}
            seed_real_cases(actors, settings, args.real)
            copy_until(args.cases)
            cases_n = db.session.scalar(select(func.count()).select_from(Case))
            events_n = db.session.scalar(select(func.count()).select_from(Event))
            results = time_pages(app, args.samples)
            db.session.remove()
            db.engine.dispose()
    print(f"{'SQLite' if not args.postgres else 'PostgreSQL'}: {cases_n} cases, {events_n} events; "
          f"{args.samples} requests per page")
    print(f"{'page (officer)':<32}{'median ms':>11}{'p95 ms':>9}")
    for name, (median, p95) in results.items():
        print(f"{name:<32}{median:>11.1f}{p95:>9.1f}")


if __name__ == "__main__":
    main()
