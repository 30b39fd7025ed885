"""Page times at national scale, over HTTP: a real server on loopback against the database bench/national.py filled.

    .venv/bin/python bench/national_pages.py [--database postgresql://postgres@127.0.0.1:5432/slrt_national]
        [--requests 30] [--workers 2] [--port 5391]

Starts the product's server (`slrt serve`: gunicorn, background jobs off) on 127.0.0.1, signs in as
generated officers and requests each page `--requests` times after three warm-up requests, one at a
time, timing each whole request (client to server and back). Pages:

- the inbox, first page and a ticket search, of the front office of the district with the most open
  front-office tasks (a district officer sees every task of the district's villages);
- a case page and a task page of an open case there;
- the national dashboard (`pemantau.nasional`, no area) and a provincial dashboard (`manajer.pNN` of
  the province with the most cases), both over the default twelve months.

Prints p50 / p95 / max in milliseconds per page and the subjects chosen.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "slrt-demo-2026"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/slrt_national"


def subjects(url):
    """The officers and rows the pages are requested for."""
    with psycopg.connect(url) as conn:
        district, open_tasks = conn.execute(
            "SELECT substr(wilayah, 1, 4), count(*) FROM human_tasks WHERE status = 'siap' AND role = 'front_office' "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 1").fetchone()
        case_id, task_id, ticket, events = conn.execute(
            "SELECT c.id, t.id, c.ticket, c.event_count FROM human_tasks t JOIN cases c ON c.id = t.case_id "
            "WHERE t.status = 'siap' AND t.role = 'front_office' AND t.wilayah LIKE %s ORDER BY c.event_count DESC, "
            "c.id DESC LIMIT 1", (district + "%",)).fetchone()
        province, province_cases = conn.execute(
            "SELECT substr(wilayah, 1, 2), count(*) FROM cases GROUP BY 1 ORDER BY 2 DESC LIMIT 1").fetchone()
        totals = conn.execute("SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM events), "
                              "(SELECT count(*) FROM human_tasks WHERE status = 'siap')").fetchone()
    return dict(district=district, open_front_office=open_tasks, case_id=case_id, task_id=task_id, ticket=ticket,
                case_events=events, province=province, province_cases=province_cases, cases=totals[0],
                events=totals[1], open_tasks=totals[2])


def sign_in(base, username):
    session = requests.Session()
    form = session.get(f"{base}/masuk").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = session.post(f"{base}/masuk", data={"username": username, "password": PASSWORD, "csrf_token": token},
                            allow_redirects=False)
    assert response.status_code == 302, (username, response.status_code)
    return session


def timed(session, url, count):
    for _ in range(3):
        response = session.get(url)
        assert response.status_code == 200, (url, response.status_code, response.text[:300])
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = session.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[max(0, round(0.95 * len(times)) - 1)], "max": times[-1]}


def wait_for(base, process):
    for _ in range(120):
        if process.poll() is not None:
            raise SystemExit("the server stopped")
        try:
            requests.get(f"{base}/masuk", timeout=10)
            return
        except requests.RequestException:
            time.sleep(0.5)
    raise SystemExit("the server did not start")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=5391)
    parser.add_argument("--only", default=None, help="comma-separated page names")
    args = parser.parse_args()
    found = subjects(args.database)
    print("subjects:", found, flush=True)
    env = dict(os.environ, SLRT_DATABASE_URL=args.database, SLRT_WEB_JOBS="0", PYTHONPATH=str(ROOT))
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{args.port}", "--workers",
                               str(args.workers), "--threads", "1", "web.wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_for(base, server)
        front_office = sign_in(base, f"fo.{found['district']}")
        national = sign_in(base, "pemantau.nasional")
        provincial = sign_in(base, f"manajer.p{found['province']}")
        pages = {
            "inbox, first page": (front_office, "/kotak-masuk"),
            "inbox, ticket search": (front_office, f"/kotak-masuk?tiket={found['ticket'][-8:]}"),
            "case page": (front_office, f"/kasus/{found['case_id']}"),
            "task page": (front_office, f"/tugas/{found['task_id']}"),
            "national dashboard": (national, "/dasbor"),
            "provincial dashboard": (provincial, "/dasbor"),
        }
        wanted = set(args.only.split(",")) if args.only else None
        print("| page | p50 ms | p95 ms | max ms |\n|---|---|---|---|", flush=True)
        for name, (session, path) in pages.items():
            if wanted and not any(w in name for w in wanted):
                continue
            result = timed(session, base + path, args.requests)
            print(f"| {name} (`{path}`) | {result['p50']:.0f} | {result['p95']:.0f} | {result['max']:.0f} |",
                  flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
