"""The minimal journey's cost on two revisions, measured in turns in one run, so a speed-up is a ratio.

    .venv/bin/python bench/compare_revisions.py --base REV [--rounds 3] [--journeys 200] [--load]
    .venv/bin/python bench/compare_revisions.py --python /path/to/python3 [--rounds 3] [--load]

This machine's speed drifts (a virtual machine: the same code runs up to twice as fast at one hour
as at another), so figures taken at different times cannot be compared. This checks REV out into a
temporary git worktree and, round by round, measures it and this checkout one after the other:
- the process CPU time per minimal journey (intake and two completions) through the Flask test
  client on SQLite, after a warm-up (what bench/profile_submit.py prints, without its profiler pass);
- with --load, the same journeys over HTTP against gunicorn on SQLite with two single-threaded
  workers (bench/harness.py, the scheduler beside it) at 1 and 16 clients: journeys per second,
  the completions' median server time, and the web workers' CPU time per journey;
- with --postgres, the same journeys over HTTP at one client against gunicorn on PostgreSQL
  (3 workers × 4 threads, a fresh database of its own): the completions' median round trip at the
  client, server time and server CPU time.
It prints every round and the ratio of the medians (this checkout / REV).

With --python instead of --base, both sides are this checkout: one run by this virtual
environment's interpreter, the other by a virtual environment made for the given interpreter (the
pinned dependencies installed into a temporary folder), e.g. a CPython built without profile-guided
optimisation against Debian's.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _measure(root, kind, journeys_count):
    """Run in a child process with `root` first on the path: that checkout's code is measured."""
    sys.path.insert(0, root)
    from bench import harness, loadgen

    if kind == "postgres":
        return _measure_postgres(harness, loadgen, journeys_count)
    folder = tempfile.mkdtemp(prefix="slrt-compare-")
    url = f"sqlite:///{folder}/compare.db"
    harness.prepare(url, "minimal")
    if kind == "cpu":
        from bench.profile_submit import client_for, journeys  # that checkout's, as its own profile runs

        _app, client = client_for(url)
        tokens = {name: client.post("/api/v1/auth/token", json={"username": name, "password": harness.PASSWORD})
                  .get_json()["token"] for name in loadgen.officers([loadgen.MINIMAL_JOURNEY])}
        journeys(client, tokens, 30)  # warm-up
        started = time.process_time()
        journeys(client, tokens, journeys_count)
        return {"cpu_ms_per_journey": (time.process_time() - started) * 1000 / journeys_count}
    figures = {}
    with harness.Server(url, "minimal", workers=2, threads=1) as server:
        tokens = loadgen.login(server.base, loadgen.officers([loadgen.MINIMAL_JOURNEY]))
        loadgen.run(server.base, tokens, [loadgen.MINIMAL_JOURNEY], 2, 60, 60, browse=False)
        for clients in (1, 16):
            server.reset_log()
            cpu_before = server.cpu_seconds()
            outcome = loadgen.run(server.base, tokens, [loadgen.MINIMAL_JOURNEY], clients, journeys_count * 2, 60,
                                  browse=False)
            time.sleep(0.5)
            figures[f"journeys_per_s_{clients}"] = outcome.throughput
            figures[f"server_p50_ms_{clients}"] = loadgen.percentile(server.server_times(), 50)
            figures[f"web_cpu_ms_per_journey_{clients}"] = ((server.cpu_seconds() - cpu_before) * 1000
                                                            / max(outcome.journeys, 1))
    return figures


def _measure_postgres(harness, loadgen, journeys_count):
    """Minimal journeys over HTTP at one client against gunicorn (3 workers × 4 threads, as the
    results' PostgreSQL rows) on a fresh PostgreSQL database of its own: the completions' median
    round trip at the client, server time and server CPU time."""
    name = f"slrt_compare_{os.getpid()}"
    url = harness.fresh_postgres(name)
    try:
        harness.prepare(url, "minimal")
        with harness.Server(url, "minimal", workers=3, threads=4) as server:
            tokens = loadgen.login(server.base, loadgen.officers([loadgen.MINIMAL_JOURNEY]))
            # warm every thread of every worker: connections, prepared statements, cached workflows
            loadgen.run(server.base, tokens, [loadgen.MINIMAL_JOURNEY], 12, 36, 60, browse=False)
            server.reset_log()
            outcome = loadgen.run(server.base, tokens, [loadgen.MINIMAL_JOURNEY], 1, journeys_count, 60, browse=False)
            time.sleep(0.5)
            return {"completion_p50_ms_1": outcome.percentile(50),
                    "server_p50_ms_1": loadgen.percentile(server.server_times(), 50),
                    "server_cpu_p50_ms_1": loadgen.percentile(server.server_times(cpu=True), 50)}
    finally:
        harness.drop_postgres(name)


def _child(python, root, kind, journeys):
    out = subprocess.run([python, __file__, "--child", root, kind, str(journeys)], cwd=root,
                         capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=root))
    if out.returncode != 0:
        raise RuntimeError(f"measuring {root} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(_measure(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    against = parser.add_mutually_exclusive_group(required=True)
    against.add_argument("--base", help="the revision to compare this checkout with")
    against.add_argument("--python", help="an interpreter to run this checkout with, compared with this one")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--journeys", type=int, default=200)
    parser.add_argument("--load", action="store_true", help="also over HTTP (gunicorn, 2 workers × 1 thread)")
    parser.add_argument("--postgres", action="store_true",
                        help="also over HTTP on PostgreSQL at one client (gunicorn, 3 workers × 4 threads)")
    args = parser.parse_args()
    if args.python:
        base, python, label = str(ROOT), _venv_for(args.python), args.python
    else:
        base, python, label = _worktree(args.base), sys.executable, args.base
    try:
        kinds = ["cpu"] + (["load"] if args.load else []) + (["postgres"] if args.postgres else [])
        seen = {(side, kind): [] for side in ("base", "this") for kind in kinds}
        for number in range(1, args.rounds + 1):
            for kind in kinds:
                for side, interpreter, root in (("base", python, base), ("this", sys.executable, str(ROOT))):
                    figures = _child(interpreter, root, kind, args.journeys)
                    seen[(side, kind)].append(figures)
                    shown = ", ".join(f"{k} {v:.2f}" for k, v in figures.items())
                    print(f"round {number} {kind:<4} {side:<4} {shown}", flush=True)
        print(f"\nmedians over {args.rounds} rounds (this checkout{' with ' + sys.executable if args.python else ''} "
              f"/ {label}):")
        for kind in kinds:
            for key in seen[("base", kind)][0]:
                old = statistics.median(f[key] for f in seen[("base", kind)])
                new = statistics.median(f[key] for f in seen[("this", kind)])
                print(f"  {key:<28} {old:9.2f} -> {new:9.2f}   ratio {new / old:.2f}")
    finally:
        if args.python:  # the temporary virtual environment (python is its bin/python)
            shutil.rmtree(Path(python).parent.parent, ignore_errors=True)
        else:
            subprocess.run(["git", "worktree", "remove", "--force", base], cwd=ROOT, capture_output=True)


def _worktree(revision):
    base = tempfile.mkdtemp(prefix="slrt-base-")
    subprocess.run(["git", "worktree", "add", "--detach", base, revision], cwd=ROOT, check=True, capture_output=True)
    node_modules = ROOT / "node_modules"
    if node_modules.exists():
        os.symlink(node_modules, Path(base) / "node_modules")
    return base


def _venv_for(interpreter):
    """A temporary virtual environment of `interpreter` with this checkout's pinned dependencies."""
    venv = Path(tempfile.mkdtemp(prefix="slrt-venv-"))
    subprocess.run([interpreter, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-e", str(ROOT)], check=True)
    return str(venv / "bin" / "python")


if __name__ == "__main__":
    main()
