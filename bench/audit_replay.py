"""Audit: replay time of a 30-event case, and verification time of 10,000 cases.

    .venv/bin/python bench/audit_replay.py [--cases 10000] [--real 200] [--postgres] [--ulang]
    .venv/bin/python bench/audit_replay.py --database postgresql://postgres@127.0.0.1:5432/slrt_national --rounds 1

1. One PKH complaint is taken through 30 events (intake, review, back office, approval, the
   answer deadline firing, the program manager claiming the task and asking for further review
   again and again, the answer, the feedback). Its replay (`Replay.run`: rebuild from the diagram
   version and the events, compare every event's outcome and the stored case) is timed; so is the
   whole verification of that case (loading its rows, the hash chain and the replay).
2. `--real` cases are run through the engine at every stage of the referral journey, then copied
   until the database holds `--cases` cases. Copies get fresh engine ids (task and timer UUIDs
   replaced consistently in the stored workflow, the indexes and the events) and a recomputed
   hash chain, so every copy is a case that verifies. `scan.scan_all` (what `slrt audit --all`
   runs: chains, the signed checkpoint written just before, the fold of the recorded outcomes held
   against the stored rows) is timed over all of them with one and two processes, with `--ulang`
   also `verify.verify_all` (`slrt audit --all --ulang`: every case replayed on its diagram), and so
   is writing that checkpoint (`slrt checkpoint`).
3. With `--database URL`, only `slrt audit --all` is timed, on that database as it is (read only),
   held against a checkpoint written to a temporary store just before.
"""

import argparse
import json
import os
import re
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
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def thirty_event_case(actors, settings):
    """Return the id of a case with exactly 30 events."""
    from bench.engine_vs_raw import JOURNEY, intake_payload
    from engine.cases import commands
    from engine.demo import seed
    from engine.cases import timers
    from engine.store.models import Case, db

    now = START
    change = commands.start_case(actors["fo.cianjur"], intake_payload(seed.DEMO_VILLAGE), now, settings)
    for element, user, data in JOURNEY[:3]:
        now += timedelta(minutes=10)
        (task_id,) = [t for t, e in change.ready if e == element]
        change = commands.complete_task(actors[user], task_id, data, now)
    now += timedelta(days=15)
    timers.sweep(now)  # the answer's deadline passes: event 5
    manager = actors["pp.kemensos"]

    for _ in range(11):  # claim, then ask for further review: two events per round
        task_id = _open_task(change.case_id, "Pkh_Tanggapi")
        now += timedelta(hours=2)
        commands.claim_task(manager, task_id, now)
        change = commands.complete_task(manager, task_id, {"tanggapan_rujukan": "ditelaah",
                                                        "isi_tanggapan": "Masih ditelaah."}, now)
    now += timedelta(hours=2)
    commands.claim_task(manager, _open_task(change.case_id, "Pkh_Tanggapi"), now)
    change = commands.complete_task(manager, _open_task(change.case_id, "Pkh_Tanggapi"),
                                 {"tanggapan_rujukan": "diterima", "isi_tanggapan": "Sudah dibayarkan."}, now)
    element, user, data = JOURNEY[4]
    change = commands.complete_task(actors[user], _open_task(change.case_id, element), data, now + timedelta(hours=1))
    count = db.session.get(Case, change.case_id).event_count
    assert count == 30, count
    return change.case_id


def _open_task(case_id, element):
    from sqlalchemy import select

    from engine.store.models import HumanTask, db

    return db.session.scalar(select(HumanTask.id).where(HumanTask.case_id == case_id, HumanTask.element_id == element,
                                                        HumanTask.status == "siap"))


def _cpu():
    """CPU seconds of this process and of its children that have ended (the audit's worker processes)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def time_one(case_id, runs):
    from engine.audit import verify
    from engine.processes import versions
    from engine.audit.replay import Replay
    from engine.store.models import db

    (record,) = verify._records([case_id])
    bundle = versions.bundle_for(record.case.diagram_version_id)
    assert not Replay(bundle, record).run().problems
    replay, verifying = [], []
    for _ in range(runs):
        started = time.perf_counter()
        Replay(bundle, record).run()
        replay.append((time.perf_counter() - started) * 1000)
        db.session.expunge_all()
        started = time.perf_counter()
        (fresh,) = verify._records([case_id])
        report = verify.check(fresh)
        verifying.append((time.perf_counter() - started) * 1000)
        assert report["ok"], report
    return statistics.median(replay), statistics.median(verifying)


def seed_real_cases(actors, settings, count):
    from bench.ui_pages import seed_real_cases as seed

    seed(actors, settings, count)


def copy_until(total):
    """Copy the existing cases with fresh ids and a recomputed chain until there are `total` cases."""
    from sqlalchemy import func, insert, select

    from engine.audit.eventlog import GENESIS, event_hash, hashed_fields
    from engine.store.models import Case, Event, HumanTask, OutboxMessage, Timer, db

    originals = list(db.session.execute(select(Case.__table__)).mappings())
    rows = {}
    for model in (HumanTask, Timer, Event, OutboxMessage):
        for row in db.session.execute(select(model.__table__)).mappings():
            rows.setdefault((model, row["case_id"]), []).append(dict(row))
    next_id = db.session.scalar(select(func.max(Case.id))) + 1
    made = len(originals)
    while made < total:
        batch = {Case: [], HumanTask: [], Timer: [], Event: [], OutboxMessage: []}
        for original in originals:
            if made >= total:
                break
            ids = {old: str(uuid.uuid4()) for old in set(UUID.findall(original["state"]))}

            def fresh(text):
                return UUID.sub(lambda m: ids.get(m.group(0), m.group(0)), text) if text else text

            prev = GENESIS
            for event in sorted(rows.get((Event, original["id"]), []), key=lambda e: e["seq"]):
                row = {k: v for k, v in event.items() if k != "id"}
                row.update(case_id=next_id, task_id=fresh(event["task_id"]), outcome=fresh(event["outcome"]))
                fields = hashed_fields(**{k: row[k] for k in ("case_id", "seq", "type", "at", "actor",
                                                              "diagram_version_id", "task_id", "element_id",
                                                              "data", "outcome")})
                row.update(prev_hash=prev, hash=event_hash(prev, fields))
                prev = row["hash"]
                batch[Event].append(row)
            batch[Case].append(dict(original, id=next_id, ticket=f"3203-26-{next_id:06d}", state=fresh(original["state"]),
                                    last_event_hash=prev))
            for model in (HumanTask, Timer):
                batch[model] += [dict(r, id=ids.get(r["id"], r["id"]), case_id=next_id)
                                 for r in rows.get((model, original["id"]), [])]
            batch[OutboxMessage] += [
                {**{k: v for k, v in r.items() if k != "id"}, "case_id": next_id,
                 "idempotency_key": f"slrt-{next_id}-{r['idempotency_key'].split('-')[2]}-{uuid.uuid4().hex[:16]}"}
                for r in rows.get((OutboxMessage, original["id"]), [])]
            next_id += 1
            made += 1
        for model in (Case, HumanTask, Timer, Event, OutboxMessage):
            if batch[model]:
                db.session.execute(insert(model.__table__), batch[model])
        db.session.commit()


class ServerCpu:
    """CPU seconds the PostgreSQL backends of our connections (application_name TAG) use, on this machine:
    pg_stat_activity polled a few times a second, each backend's /proc counters kept until it ends."""

    TAG = "slrt_audit_bench"

    def __init__(self, url):
        import threading

        import psycopg

        self.conn = psycopg.connect(url.split("?", 1)[0], autocommit=True)
        self.seen, self.first, self.stopping = {}, None, threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()

    def _poll(self):
        tick = os.sysconf("SC_CLK_TCK")
        while True:
            pids = [pid for (pid,) in self.conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (self.TAG,))]
            for pid in pids:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                self.seen[pid] = (int(fields[11]) + int(fields[12])) / tick
            if self.first is None:
                self.first = dict(self.seen)
            if self.stopping.is_set():
                return
            self.stopping.wait(0.2)

    def stop(self):
        self.stopping.set()
        self.thread.join()
        self.conn.close()
        return sum(cpu - (self.first or {}).get(pid, 0.0) for pid, cpu in self.seen.items())


def existing(url, rounds, processes):
    """Time `slrt audit --all` on a database as it is (read only; e.g. bench/national.py's), held against a
    checkpoint written into a temporary store just before."""
    from sqlalchemy import func, select

    from engine.audit import checkpoint, scan
    from engine.config import load_settings
    from engine.store.models import Case, Event, db
    from web import create_app

    tagged = url + ("&" if "?" in url else "?") + f"application_name={ServerCpu.TAG}"
    app = create_app(settings=load_settings(overrides={"database_url": tagged}))
    with tempfile.TemporaryDirectory() as tmp, app.app_context():
        store = checkpoint.Store(Path(tmp) / "jangkar", Path(tmp) / "jangkar.key", url)
        started = time.perf_counter()
        written = checkpoint.write(store, datetime.now(timezone.utc))
        write_s = time.perf_counter() - started
        print(f"{url.rsplit('/', 1)[-1]}: checkpoint of {written['kasus']:,} cases, {written['peristiwa']:,} events "
              f"written in {write_s:.1f} s; load average {os.getloadavg()}")
        for _round in range(rounds):
            for count in processes:
                anchor = checkpoint.read(store)
                server = ServerCpu(url) if url.startswith("postgresql") else None
                wall, cpu = time.perf_counter(), _cpu()
                summary = scan.scan_all(anchor=anchor, processes=count)
                took, cpu_s = time.perf_counter() - wall, _cpu() - cpu
                server_s = server.stop() if server else 0.0
                print(f"  slrt audit --all, {count} process(es): {summary['cases']:,} cases in {took:.1f} s = "
                      f"{summary['cases'] / took:,.0f} cases/s; {cpu_s:.1f} s CPU (this process and its workers) = "
                      f"{summary['cases'] / cpu_s:,.0f} cases per CPU second; PostgreSQL backends {server_s:.1f} s CPU; "
                      f"{summary['ok']:,} intact, {len(summary['failed'])} with problems; load average "
                      f"{os.getloadavg()[0]:.1f}", flush=True)
        cases = db.session.scalar(select(func.count()).select_from(Case))
        events = db.session.scalar(select(func.count()).select_from(Event))
        print(f"  the database now: {cases:,} cases, {events:,} events")
        db.session.remove()
        db.engine.dispose()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--real", type=int, default=200, help="cases run through the engine before copying")
    parser.add_argument("--runs", type=int, default=20, help="timed replays of the 30-event case")
    parser.add_argument("--rounds", type=int, default=2, help="timed runs of slrt audit --all")
    parser.add_argument("--ulang", action="store_true", help="also time the full replay of every case (--ulang)")
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL (database slrt_bench_audit)")
    parser.add_argument("--database", help="only time slrt audit --all on this existing database (read only)")
    parser.add_argument("--processes", default="1,2", help="with --database: process counts to time")
    args = parser.parse_args()
    if args.database:
        existing(args.database, args.rounds, [int(n) for n in args.processes.split(",")])
        return

    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from engine.config import load_settings
    from engine.domain.actor import Actor
    from engine.audit import checkpoint, scan, verify
    from engine.processes import versions
    from engine.demo import seed
    from engine.store.models import Case, Event, User, db
    from web import create_app

    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            from bench.engine_vs_raw import postgres_url

            url = postgres_url("postgresql://postgres@127.0.0.1:5432/test", "slrt_bench_audit")
        else:
            url = f"sqlite:///{tmp}/audit.db"
        settings = load_settings(overrides={"database_url": url})
        app = create_app(settings=settings)
        with app.app_context():
            upgrade()
            versions.sync_from_disk(settings, START)
            seed.seed_demo(START)
            actors = {u.username: Actor.of(u) for u in db.session.scalars(select(User))}
            long_case = thirty_event_case(actors, settings)
            replay_ms, verify_ms = time_one(long_case, args.runs)
            seed_real_cases(actors, settings, args.real)
            copy_until(args.cases)
            db.session.expunge_all()
            cases_n = db.session.scalar(select(func.count()).select_from(Case))
            events_n = db.session.scalar(select(func.count()).select_from(Event))
            db.session.rollback()
            store = checkpoint.Store(Path(tmp) / "jangkar", Path(tmp) / "jangkar.key", url)
            started = time.perf_counter()
            checkpoint.write(store, START)
            write_s = time.perf_counter() - started
            size_kb = store.file.stat().st_size // 1024
            timings = {label: [] for label in ("fold, 1 process", "fold, 2 processes")}
            if args.ulang:
                timings["replay (--ulang)"] = []
            summaries = {}
            for _round in range(args.rounds):  # alternated, so load on the machine hits each alike
                for label in timings:
                    if label.startswith("replay") and _round:
                        continue  # a hundred times slower: once is enough
                    wall, cpu = time.perf_counter(), _cpu()
                    anchor = checkpoint.read(store)
                    if label.startswith("replay"):
                        summary = verify.verify_all(anchor=anchor)
                    else:
                        summary = scan.scan_all(anchor=anchor, processes=1 if "1" in label else 2)
                    timings[label].append((time.perf_counter() - wall, _cpu() - cpu))
                    summaries[label] = summary
            db.session.remove()
            db.engine.dispose()
    print(f"{'PostgreSQL' if args.postgres else 'SQLite'}: {cases_n} cases, {events_n} events")
    print(f"30-event case: replay keeping the state after each event (step-through) {replay_ms:.1f} ms, full "
          f"verification (load + chain + replay + compare) {verify_ms:.1f} ms (median of {args.runs})")
    print("slrt audit --all, held against a signed checkpoint (best round by wall clock; CPU of this process and its "
          "worker processes, not PostgreSQL's):")
    for label, runs in timings.items():
        took, cpu_s = min(runs)
        summary = summaries[label]
        print(f"  {label}: {took:.1f} s, {cases_n / took:,.0f} cases/s ({took / cases_n * 1000:.3f} ms per case), "
              f"{cases_n / cpu_s:,.0f} cases per CPU second, {summary['ok']} intact, {len(summary['failed'])} with "
              f"problems; rounds wall/CPU s: "
              + ", ".join(f"{w:.1f}/{c:.1f}" for w, c in runs))
    print(f"checkpoint of every chain head written in {write_s:.2f} s ({size_kb} KB)")
    if summary["failed"]:
        print(json.dumps(summary["failed"][:2], indent=1, default=str))


if __name__ == "__main__":
    main()
