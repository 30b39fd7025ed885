"""Two web nodes and two schedulers on one PostgreSQL: task-submit throughput at 16 clients, one node vs two.

    .venv/bin/python bench/nodes.py [--clients 16] [--seconds 30] [--rounds 2] [--workers 1] [--threads 4]

Everything on loopback, on a private PostgreSQL cluster (initdb into a temp dir, its own port), so
the CPU its processes use can be counted apart from the shared server's other databases.

1. Schedulers racing: cases of tests/fixtures/minimal.bpmn whose review timer is long due and a
   pending referral each (delivered to a counting HTTP endpoint standing in for the agency); two
   `slrt scheduler` processes start together on them. Every timer must fire exactly once (one
   `timer_terpicu` event per case, none left waiting) and the endpoint must receive every referral
   exactly once (its idempotency keys counted).
2. Throughput: two nodes (each a gunicorn with `--workers` x `--threads` and its own `slrt
   scheduler`) serve one database; the minimal diagram's journeys (intake and two task submits,
   bench/diagrams/minimal.bpmn) are run by `--clients` client threads, all on node 1 ("one node"),
   then spread over both by connection ("two nodes": client i talks to node i mod 2, what a load
   balancer in front would do; nginx is not installed here). The two set-ups alternate for
   `--rounds` rounds of `--seconds` each. During each run the CPU used by PostgreSQL, each node's
   gunicorn, the schedulers, this load generator and the rest of the machine is read from /proc.
"""

import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness, loadgen  # noqa: E402
from bench.timer_sweep import MINIMAL, PAST, make_due_cases  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


# -- CPU accounting from /proc -------------------------------------------------------------


def _cpu(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _children(pid):
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _machine_busy():
    """Seconds of CPU all cores spent busy since boot (everything but idle and iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICK


def cpu_sample(pg, nodes, schedulers):
    """{group: CPU seconds so far} of the processes of this run, and of the whole machine."""
    postmaster = int((pg.data / "postmaster.pid").read_text().split("\n", 1)[0])
    sample = {"PostgreSQL": _cpu(postmaster) + sum(_cpu(p) for p in _children(postmaster))}
    for index, node in enumerate(nodes, start=1):
        sample[f"node {index} gunicorn"] = _cpu(node.process.pid) + sum(_cpu(p) for p in node.worker_pids())
    sample["schedulers"] = sum(_cpu(p.pid) for p in schedulers)
    times = os.times()
    sample["load generator"] = times.user + times.system
    sample["machine"] = _machine_busy()
    return sample


def cores_used(before, after, seconds):
    used = {name: (after[name] - before[name]) / seconds for name in after}
    ours = sum(value for name, value in used.items() if name != "machine")
    used["rest of the machine"] = max(0.0, used.pop("machine") - ours)
    return used


# -- 1. two schedulers racing ----------------------------------------------------------------


class Agency:
    """A loopback endpoint standing in for an agency: counts every delivery by its idempotency key."""

    def __init__(self):
        self.keys = []
        agency = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                agency.keys.append(self.headers["Idempotency-Key"])
                time.sleep(0.01)
                self.send_response(201)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/rujukan"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def _prepare_due(url, count):
    """`count` cases with a due timer and a pending referral each."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from engine.cases import outbox
    from engine.config import load_settings
    from engine.demo import seed
    from engine.processes import versions
    from engine.store.models import Case, OutboxMessage, db
    from web import create_app

    settings = load_settings(overrides={"database_url": url, "secret_key": "kunci-bench", **MINIMAL})
    app = create_app(settings=settings)
    with app.app_context():
        upgrade()
        versions.sync_from_disk(settings, PAST)
        seed.seed_demo(PAST)
        make_due_cases(settings, count)
        rows = [outbox.message_row(case_id, seq, 0, "rujukan", {"tujuan_rujukan": "BENCH", "saluran_rujukan": "langsung"},
                                   {}, PAST) for case_id, seq in db.session.execute(select(Case.id, Case.event_count))]
        db.session.execute(insert(OutboxMessage.__table__), rows)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def schedulers_race(pg, count, log_dir):
    import subprocess

    import psycopg

    url = harness.fresh_postgres("slrt_bench_nodes_due", admin=pg.admin)
    _prepare_due(url, count)
    agency = Agency()
    env = dict(os.environ, SLRT_DATABASE_URL=url, SLRT_SECRET_KEY="kunci-bench", PYTHONPATH=str(ROOT),
               SLRT_OUTBOX_ENDPOINTS=json.dumps({"langsung": agency.url}),
               **{f"SLRT_{k.upper()}": v for k, v in MINIMAL.items()})
    started = time.monotonic()
    racers = [subprocess.Popen([sys.executable, "-c", "from web.cli import main; main()", "scheduler", "--interval", "2"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=open(Path(log_dir) / f"scheduler-race-{i}.log", "w")) for i in range(2)]
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            while time.monotonic() - started < 300:
                left = conn.execute("SELECT (SELECT count(*) FROM timers WHERE status = 'menunggu' AND due_at <= now()) "
                                    "+ (SELECT count(*) FROM outbox WHERE status = 'menunggu' AND kind = 'rujukan')").fetchone()[0]
                if left == 0:
                    break
                time.sleep(0.5)
            took = time.monotonic() - started
            time.sleep(4)  # two more sweeps of each: a late double delivery would show
            per_case = conn.execute("SELECT count(*) FROM events WHERE type = 'timer_terpicu' GROUP BY case_id").fetchall()
            timers = dict(conn.execute("SELECT status, count(*) FROM timers GROUP BY status").fetchall())
            sent = dict(conn.execute("SELECT status, count(*) FROM outbox WHERE kind = 'rujukan' GROUP BY status")
                        .fetchall())
    finally:
        for racer in racers:
            racer.terminate()
            racer.wait(30)
        agency.stop()
        harness.drop_postgres("slrt_bench_nodes_due", admin=pg.admin)
    return {"cases": count, "seconds": round(took, 1),
            "timer events per case": sorted({n for (n,) in per_case}), "cases with a fired timer": len(per_case),
            "timers": timers, "referrals in the outbox": sent, "deliveries received": len(agency.keys),
            "distinct referrals received": len(set(agency.keys)),
            "exactly once": (len(per_case) == count and all(n == 1 for (n,) in per_case)
                             and len(agency.keys) == len(set(agency.keys)) == count)}


# -- 2. throughput, one node vs two ----------------------------------------------------------


def throughput(pg, args, log_dir):
    url = harness.fresh_postgres("slrt_bench_nodes", admin=pg.admin)
    harness.prepare(url, "minimal")
    journeys = [loadgen.MINIMAL_JOURNEY]
    nodes = [harness.Server(url, "minimal", workers=args.workers, threads=args.threads, log_dir=log_dir)
             for _ in range(2)]
    results = {"one node": [], "two nodes": []}
    try:
        tokens = loadgen.login(nodes[0].base, loadgen.officers(journeys))
        loadgen.run([n.base for n in nodes], tokens, journeys, 4, 10**9, 4, browse=False)  # warm both up
        for _round in range(args.rounds):
            for label, bases in (("one node", [nodes[0].base]), ("two nodes", [n.base for n in nodes])):
                before = cpu_sample(pg, nodes, [n.scheduler for n in nodes])
                outcome = loadgen.run(bases, tokens, journeys, args.clients, 10**9, args.seconds, browse=False)
                after = cpu_sample(pg, nodes, [n.scheduler for n in nodes])
                results[label].append({
                    "journeys/s": outcome.journeys / outcome.elapsed,
                    "submits/s": len(outcome.completion_ms) / outcome.elapsed,
                    "submit p50 ms": outcome.percentile(50), "submit p95 ms": outcome.percentile(95),
                    "errors": len(outcome.errors), "cores": cores_used(before, after, outcome.elapsed)})
    finally:
        for node in nodes:
            node.stop()
        harness.drop_postgres("slrt_bench_nodes", admin=pg.admin)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers per node")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--due", type=int, default=300, help="due timers and pending referrals for the schedulers")
    parser.add_argument("--skip-race", action="store_true", help="only the throughput runs")
    args = parser.parse_args()
    log_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"slrt-nodes-{os.getpid()}"
    log_dir.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {os.getloadavg()}")
    with harness.PrivatePostgres() as pg:
        if not args.skip_race:
            race = schedulers_race(pg, args.due, log_dir)
            print("two schedulers racing:", race)
        results = throughput(pg, args, log_dir)
    print(f"load average after: {os.getloadavg()}")
    print(f"{args.clients} clients, {args.workers} worker(s) x {args.threads} thread(s) per node, "
          f"{args.seconds:.0f} s per run; logs in {log_dir}")
    groups = list(results["one node"][0]["cores"])
    print("| set-up | round | journeys/s | submits/s | submit p50 ms | submit p95 ms | errors | "
          + " | ".join(f"cores: {g}" for g in groups) + " |")
    print("|---|---:|---:|---:|---:|---:|---:|" + "---:|" * len(groups))
    for label, runs in results.items():
        for number, run in enumerate(runs, start=1):
            print(f"| {label} | {number} | {run['journeys/s']:.1f} | {run['submits/s']:.1f} | {run['submit p50 ms']:.1f} | "
                  f"{run['submit p95 ms']:.1f} | {run['errors']} | "
                  + " | ".join(f"{run['cores'][g]:.2f}" for g in groups) + " |")
    best = {label: max(r["submits/s"] for r in runs) for label, runs in results.items()}
    mean = {label: sum(r["submits/s"] for r in runs) / len(runs) for label, runs in results.items()}
    print(f"two nodes / one node, task submits per second: {mean['two nodes'] / mean['one node']:.2f} (mean of "
          f"rounds), {best['two nodes'] / best['one node']:.2f} (best of each)")


if __name__ == "__main__":
    main()
