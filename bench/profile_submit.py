"""Where a minimal journey's time goes: cProfile over the Flask test client (no HTTP server).

    .venv/bin/python bench/profile_submit.py [--journeys 300] [--database sqlite|postgres] [--top 35]

Prepares a fresh database as the load runs do (migrations, the minimal diagram, demo officers),
signs the officers in through the API, warms up, then profiles `--journeys` minimal journeys
(intake and the two completions, the same requests as bench/loadgen.py --diagram minimal) and
prints the functions with the most cumulative time, plus the process CPU time per journey and
per request without the profiler (the least of three passes).
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness, loadgen  # noqa: E402


def client_for(url):
    from engine.config import load_settings
    from web import create_app

    overrides = {"database_url": url, "secret_key": "kunci-bench", **harness.DIAGRAMS["minimal"]}
    app = create_app(settings=load_settings(overrides=overrides))
    return app, app.test_client()


def journeys(client, tokens, count):
    officer, payload, steps, _viewer = loadgen.MINIMAL_JOURNEY
    for _ in range(count):
        answer = client.post("/api/v1/cases", json=payload, headers={"Authorization": f"Bearer {tokens[officer]}"})
        assert answer.status_code == 201, answer.get_json()
        body = answer.get_json()
        for user, element, data in steps:
            task = next(t for t in body["tasks"] if t["element_id"] == element and t["status"] == "siap")
            answer = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data},
                                 headers={"Authorization": f"Bearer {tokens[user]}"})
            assert answer.status_code == 200, answer.get_json()
            body = answer.get_json()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=300)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--save", help="write the raw profile here (for pstats or snakeviz)")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="slrt-profile-")
    if args.database == "sqlite":
        url = f"sqlite:///{folder}/profile.db"
    else:
        url = harness.fresh_postgres(f"slrt_profile_{os.getpid()}")
    try:
        harness.prepare(url, "minimal")
        app, client = client_for(url)
        tokens = {}
        for name in loadgen.officers([loadgen.MINIMAL_JOURNEY]):
            answer = client.post("/api/v1/auth/token", json={"username": name, "password": harness.PASSWORD})
            tokens[name] = answer.get_json()["token"]
        journeys(client, tokens, 30)  # warm-up: caches, prepared statements, first-call imports

        passes = []
        for _ in range(3):  # the least of three passes: the process's own CPU time, without the profiler
            started = time.process_time()
            journeys(client, tokens, args.journeys)
            passes.append((time.process_time() - started) * 1000 / args.journeys)
        plain = min(passes)

        profiler = cProfile.Profile()
        profiler.enable()
        journeys(client, tokens, args.journeys)
        profiler.disable()
        if args.save:
            profiler.dump_stats(args.save)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue())
        print(f"{args.database}: {plain:.2f} ms process CPU per minimal journey without the profiler "
              f"({plain / 3:.2f} ms per request, Flask test client, no HTTP server)")
    finally:
        if args.database == "postgres":
            harness.drop_postgres(f"slrt_profile_{os.getpid()}")


if __name__ == "__main__":
    main()
