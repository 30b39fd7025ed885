"""The minimal journey's cost on two revisions, measured in turns in one run, so a speed-up is a ratio.

    .venv/bin/python bench/compare_revisions.py --base REV [--rounds 3] [--journeys 200] [--load]

This machine's speed drifts (a virtual machine: the same code runs up to twice as fast at one hour
as at another), so figures taken at different times cannot be compared. This checks REV out into a
temporary git worktree and, round by round, measures it and this checkout one after the other:
- the process CPU time per minimal journey (intake and two completions) through the Flask test
  client on SQLite, after a warm-up (what bench/profile_submit.py prints, without its profiler pass);
- with --load, the same journeys over HTTP against gunicorn on SQLite with two single-threaded
  workers (bench/harness.py, the scheduler beside it) at 1 and 16 clients: journeys per second,
  the completions' median server time, and the web workers' CPU time per journey.
It prints every round and the ratio of the medians (this checkout / REV).
"""

import argparse
import json
import os
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


def _child(root, kind, journeys):
    out = subprocess.run([sys.executable, __file__, "--child", root, kind, str(journeys)], cwd=root,
                         capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=root))
    if out.returncode != 0:
        raise RuntimeError(f"measuring {root} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(_measure(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the revision to compare this checkout with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--journeys", type=int, default=200)
    parser.add_argument("--load", action="store_true", help="also over HTTP (gunicorn, 2 workers × 1 thread)")
    args = parser.parse_args()
    base = tempfile.mkdtemp(prefix="slrt-base-")
    subprocess.run(["git", "worktree", "add", "--detach", base, args.base], cwd=ROOT, check=True,
                   capture_output=True)
    node_modules = ROOT / "node_modules"
    if node_modules.exists():
        os.symlink(node_modules, Path(base) / "node_modules")
    try:
        kinds = ["cpu"] + (["load"] if args.load else [])
        seen = {(side, kind): [] for side in ("base", "this") for kind in kinds}
        for number in range(1, args.rounds + 1):
            for kind in kinds:
                for side, root in (("base", base), ("this", str(ROOT))):
                    figures = _child(root, kind, args.journeys)
                    seen[(side, kind)].append(figures)
                    shown = ", ".join(f"{k} {v:.2f}" for k, v in figures.items())
                    print(f"round {number} {kind:<4} {side:<4} {shown}", flush=True)
        print(f"\nmedians over {args.rounds} rounds (this checkout / {args.base}):")
        for kind in kinds:
            for key in seen[("base", kind)][0]:
                old = statistics.median(f[key] for f in seen[("base", kind)])
                new = statistics.median(f[key] for f in seen[("this", kind)])
                print(f"  {key:<28} {old:9.2f} -> {new:9.2f}   ratio {new / old:.2f}")
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", base], cwd=ROOT, capture_output=True)


if __name__ == "__main__":
    main()
