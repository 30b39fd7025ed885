"""Regenerate bench/RESULTS.md: load at 1, 4 and 16 clients, engine vs raw, bytes per case, fault runs.

    .venv/bin/python bench/results.py            # the full run (about a quarter of an hour)
    .venv/bin/python bench/results.py --quick    # small counts, to try it out (writes RESULTS-quick.md)

Everything runs on loopback: gunicorn serving this checkout against SQLite (one worker; for the
minimal diagram also two) and against PostgreSQL (several workers) at 127.0.0.1:5432 (databases
slrt_bench10_*), the load
generator (bench/loadgen.py), bench/engine_vs_raw.py and the fault runs (bench/faults.py).
"""

import argparse
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import engine_vs_raw, faults, harness, loadgen  # noqa: E402
from bench.results_report import PG_WORKERS, write  # noqa: E402

CLIENTS = (1, 4, 16)
# (backend, web workers, threads per worker) per diagram: the minimal diagram also on SQLite with two
# single-threaded workers, one per core (writers queue on the SQLite writer lock; no GIL hand-offs).
SETUPS = {"keluhan": (("sqlite", 1, 4), ("postgres", PG_WORKERS, 4)),
          "minimal": (("sqlite", 1, 4), ("sqlite", 2, 1), ("postgres", PG_WORKERS, 4))}


def load_runs(diagram, backend, workers, threads, sizes, seconds, tmp):
    """One server per set-up; a bounded run per client count; bytes per closed case at the end."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp}/load_{diagram}_{workers}.db"
    else:
        url = harness.fresh_postgres(f"slrt_bench10_load_{diagram}")
    harness.prepare(url, diagram)
    before = harness.database_bytes(url)
    journeys = loadgen.complaint_journeys() if diagram == "keluhan" else [loadgen.MINIMAL_JOURNEY]
    rows, total = [], 0
    with harness.Server(url, diagram, workers=workers, threads=threads) as server:
        tokens = loadgen.login(server.base, loadgen.officers(journeys))
        # warm every thread of every worker (connections, prepared statements, cached workflows)
        loadgen.run(server.base, tokens, journeys, workers * threads, workers * threads * 3, 60,
                    browse=diagram == "keluhan")
        for clients in CLIENTS:
            server.reset_log()
            cpu_before, client_before = server.cpu_seconds(), time.process_time()
            outcome = loadgen.run(server.base, tokens, journeys, clients, sizes[clients], seconds,
                                  browse=diagram == "keluhan")
            time.sleep(0.5)  # let the request log catch up
            served = server.server_times()
            served_cpu = server.server_times(cpu=True)
            cpu = server.cpu_seconds() - cpu_before
            client_cpu = time.process_time() - client_before
            rows.append({"backend": backend, "workers": workers, "threads": threads, "clients": clients, "journeys": outcome.journeys,
                         "seconds": outcome.elapsed, "throughput": outcome.throughput,
                         "p50": outcome.percentile(50), "p95": outcome.percentile(95),
                         "server_p50": loadgen.percentile(served, 50), "server_p95": loadgen.percentile(served, 95),
                         "cpu_p50": loadgen.percentile(served_cpu, 50), "cpu_p95": loadgen.percentile(served_cpu, 95),
                         "completions": len(outcome.completion_ms),
                         "cpu_ms_per_journey": cpu * 1000 / max(outcome.journeys, 1), "requests": outcome.requests,
                         "client_cpu_ms_per_journey": client_cpu * 1000 / max(outcome.journeys, 1),
                         "errors": len(outcome.errors), "first_error": outcome.errors[:1]})
    report = harness.check_invariants(url, diagram)
    total = report.cases
    closed = _closed_cases(url, diagram)
    size = {"backend": backend, "workers": workers, "bytes_per_case": (harness.database_bytes(url) - before) / max(total, 1),
            "cases": total, "closed": closed, "violations": len(report.violations)}
    if backend == "postgres":
        harness.drop_postgres(f"slrt_bench10_load_{diagram}")
    return rows, size


def _closed_cases(url, diagram):
    from sqlalchemy import func, select

    from engine.store.models import Case, db

    with harness.app_for(url, diagram):
        return db.session.scalar(select(func.count()).select_from(Case).where(Case.status == "selesai"))


def load_average():
    return " / ".join(Path("/proc/loadavg").read_text().split()[:3])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts (writes RESULTS-quick.md)")
    args = parser.parse_args()
    q = args.quick
    started = datetime.now(timezone.utc)
    load_before = load_average()
    sections = {}
    with tempfile.TemporaryDirectory() as tmp:
        for diagram, sizes, seconds, raw_cases in (
                ("keluhan", {1: 40, 4: 80, 16: 160} if not q else {1: 4, 4: 8, 16: 16}, 60 if not q else 20,
                 100 if not q else 10),
                ("minimal", {1: 500, 4: 1500, 16: 2000} if not q else {1: 20, 4: 40, 16: 64}, 40 if not q else 15,
                 300 if not q else 20)):
            rows, size_rows = [], []
            for backend, workers, threads in SETUPS[diagram]:
                print(f"load: {diagram} on {backend} with {workers} worker(s) × {threads} thread(s)", flush=True)
                backend_rows, size = load_runs(diagram, backend, workers, threads, sizes, seconds, tmp)
                rows += backend_rows
                if not any(r["backend"] == backend for r in size_rows):  # one size row per database
                    size_rows.append(size)
            print(f"engine vs raw: {diagram}", flush=True)
            raw = engine_vs_raw.measure(raw_cases, diagram)
            sections[diagram] = (rows, size_rows, raw, len(engine_vs_raw.journey_of(diagram)) + 1)
    print("fault runs", flush=True)
    fault_results = faults.run_all(quick=q)
    write(sections, fault_results, started, load_before, load_average(), q)




if __name__ == "__main__":
    main()
