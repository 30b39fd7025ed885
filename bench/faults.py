"""Fault runs: kill -9 web workers under load, restart PostgreSQL under load, officers racing for one task.

    .venv/bin/python bench/faults.py [--quick]
    .venv/bin/python bench/faults.py --slow-clients [--quick]   # only the slow-client run (bench/slow_clients.py)

Each run ends with the invariant checker (engine/audit/invariants.py) over the whole database:
every case's state, task index, timer index and event log agree, and every completion a client
saw acknowledged (HTTP 200) is in the event log. The PostgreSQL restart uses a private cluster
(initdb into a temp dir, its own port), never the shared server. Exit status 1 on any violation.
"""

import argparse
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness, loadgen  # noqa: E402


def _report(name, backend, outcome, report, **extra):
    lost = [v for v in report.violations if "acknowledged to a client" in v]
    return {"run": name, "backend": backend, "journeys": outcome.journeys if outcome else None,
            "acknowledged": report.acknowledged, "unanswered": outcome.unanswered if outcome else None,
            "applied_but_unanswered": outcome.recovered if outcome else None,
            "client_errors": outcome.errors[:5] if outcome else [], "cases": report.cases, "events": report.events,
            "violations": report.violations, "lost": len(lost), **extra}


def _database(backend, name, tmp):
    if backend == "sqlite":
        return f"sqlite:///{tmp}/{name}.db"
    return harness.fresh_postgres(f"slrt_bench10_{name}")


def _load_in_background(server, journeys, clients, count, seconds):
    tokens = loadgen.login(server.base, loadgen.officers(journeys))
    box = {}
    thread = threading.Thread(target=lambda: box.setdefault("outcome", loadgen.run(
        server.base, tokens, journeys, clients, count, seconds, patient=True)), daemon=True)
    thread.start()
    return thread, box


def kill_workers(backend, workers, clients, count, seconds, every=1.5, tmp=None):
    """kill -9 a random web worker every `every` seconds while officers complete tasks."""
    url = _database(backend, f"kill_{backend}", tmp)
    harness.prepare(url, "keluhan")
    journeys = loadgen.complaint_journeys()
    kills = 0
    with harness.Server(url, "keluhan", workers=workers) as server:
        thread, box = _load_in_background(server, journeys, clients, count, seconds)
        time.sleep(1.0)
        while thread.is_alive():
            pids = server.worker_pids()
            if pids:
                server.kill_worker(random.choice(pids))
                kills += 1
            thread.join(timeout=every)
        served = len(server.server_times(status="200"))
    outcome = box["outcome"]
    report = harness.check_invariants(url, "keluhan", outcome.acknowledged)
    return _report("kill -9 web worker", f"{backend}, {workers} worker(s)", outcome, report, kills=kills,
                   completions_logged_by_server=served)


def restart_postgres(workers, clients, count, seconds, restarts=(("fast", 4.0), ("immediate", 10.0))):
    """Restart a private PostgreSQL (cleanly, then as after a crash) while officers work."""
    with harness.PrivatePostgres() as pg:
        url = harness.fresh_postgres("slrt_bench10_restart", admin=pg.admin)
        harness.prepare(url, "keluhan")
        journeys = loadgen.complaint_journeys()
        done = []
        with harness.Server(url, "keluhan", workers=workers) as server:
            thread, box = _load_in_background(server, journeys, clients, count, seconds)
            started = time.monotonic()
            for mode, at in restarts:
                time.sleep(max(0.0, started + at - time.monotonic()))
                if not thread.is_alive():
                    break
                pg.restart(mode)
                done.append(mode)
            thread.join()
        outcome = box["outcome"]
        report = harness.check_invariants(url, "keluhan", outcome.acknowledged)
    return _report("PostgreSQL restart", f"private postgres, {workers} workers", outcome, report,
                   restarts=", ".join(done))


def races(backend, workers, count, pairs, tmp=None):
    """Two front-office officers complete (every fourth time: claim) the same task at once, `count` times."""
    url = _database(backend, f"race_{backend}", tmp)
    harness.prepare(url, "keluhan")
    intake_officer, payload, steps, _viewer = loadgen.complaint_journeys()[0]
    data = steps[0][2]
    outcomes, acknowledged, lock = [], [], threading.Lock()
    with harness.Server(url, "keluhan", workers=workers) as server:
        tokens = loadgen.login(server.base, ["fo.cianjur", harness.RIVAL[0]])
        rivals = [tokens["fo.cianjur"], tokens[harness.RIVAL[0]]]

        def pair(index, n):
            barrier = threading.Barrier(3)
            shared = {}
            conns = [loadgen.Connection(server.base) for _ in range(3)]

            def racer(side):
                for _ in range(n):
                    barrier.wait()
                    try:
                        shared[side] = conns[side].request("POST", shared["path"], {"data": data}, rivals[side])[0]
                    except loadgen.Unanswered as exc:
                        shared[side] = repr(exc)
                    barrier.wait()

            threads = [threading.Thread(target=racer, args=(side,), daemon=True) for side in (0, 1)]
            for thread in threads:
                thread.start()
            for number in range(n):
                _status, case = conns[2].request("POST", "/cases", payload, tokens[intake_officer])
                task_id = case["tasks"][0]["id"]
                shared["path"] = f"/tasks/{task_id}/{'claim' if number % 4 == 3 else 'complete'}"
                barrier.wait()
                barrier.wait()
                codes = sorted([shared[0], shared[1]], key=str)
                with lock:
                    outcomes.append(codes)
                    if shared["path"].endswith("complete") and 200 in codes:
                        acknowledged.append(task_id)
            for thread in threads:
                thread.join()

        started = time.monotonic()
        share = [count // pairs + (1 if i < count % pairs else 0) for i in range(pairs)]
        threads = [threading.Thread(target=pair, args=(i, n)) for i, n in enumerate(share)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    one_winner = sum(1 for codes in outcomes if codes == [200, 409])
    report = harness.check_invariants(url, "keluhan", acknowledged)
    odd = [codes for codes in outcomes if codes != [200, 409]][:5]
    return _report("two officers race for one task", f"{backend}, {workers} worker(s)", None, report,
                   races=len(outcomes), one_winner=one_winner, other_outcomes=odd, seconds=round(elapsed, 1))


def run_all(quick=False):
    scale = 0.2 if quick else 1.0
    results = []
    with tempfile.TemporaryDirectory() as tmp:  # the load runs are bounded by time; counts are only a cap
        results.append(kill_workers("postgres", 3, 8, 100000, 40 * scale + 6, every=3.0, tmp=tmp))
        results.append(kill_workers("sqlite", 1, 4, 100000, 25 * scale + 6, every=6.0, tmp=tmp))
        results.append(restart_postgres(3, 8, 100000, 30 * scale + 12,
                                        restarts=(("fast", 4.0), ("immediate", 4.0 + 12 * scale + 2))))
        results.append(races("postgres", 3, int(2000 * scale), 4, tmp=tmp))
        results.append(races("sqlite", 1, int(1000 * scale), 2, tmp=tmp))
    for name in ("kill_postgres", "race_postgres"):
        harness.drop_postgres(f"slrt_bench10_{name}")
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fifth of the counts and times")
    parser.add_argument("--slow-clients", action="store_true",
                        help="only: slow clients trickling bodies, gunicorn alone vs behind nginx (deploy/)")
    args = parser.parse_args()
    if args.slow_clients:
        from bench import slow_clients

        summaries = slow_clients.run(args.quick)
        for summary in summaries:
            print(summary)
        sys.exit(1 if summaries[-1]["over_1s"] else 0)  # behind nginx every page must answer within 1 s
    results = run_all(args.quick)
    bad = False
    for result in results:
        print(result)
        bad = bad or bool(result["violations"]) or result.get("one_winner", 0) != result.get("races", 0)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
