"""What the load and fault runs stand on: a prepared database, a gunicorn server, a private PostgreSQL.

Everything listens on 127.0.0.1 only. Servers run this checkout's code (PYTHONPATH) as in
production: the background jobs switched off in the web workers (SLRT_WEB_JOBS=0) and run by
`slrt scheduler` beside them. bench/gunicorn_hooks.py logs each request's server time (clock and CPU).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "slrt-demo-2026"
PG_ADMIN = os.environ.get("SLRT_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")
DIAGRAMS = {  # name -> settings overrides
    "keluhan": {},
    "minimal": {"main_process": "minimal", "workflows_dir": "bench/diagrams", "rules_dir": "bench/diagrams"},
}
RIVAL = ("fo2.cianjur", "Yayan Sopian", "front_office", "3203")  # a second front office for the races
CASE_TABLES = ("cases", "human_tasks", "timers", "events", "outbox", "ticket_counters")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def settings_env(url, diagram):
    # every simulated complainant shares one loopback address: lift the per-address public limit
    env = {"SLRT_DATABASE_URL": url, "SLRT_SECRET_KEY": "kunci-bench", "SLRT_WEB_JOBS": "0",
           "SLRT_BATAS_PERMINTAAN": '{"public": [1000000, 60]}', "PYTHONPATH": str(ROOT)}
    env.update({f"SLRT_{k.upper()}": v for k, v in DIAGRAMS[diagram].items()})
    return env


@contextmanager
def app_for(url, diagram):
    """An app context on the database (for preparing it and for the invariant checker)."""
    from engine.config import load_settings
    from engine.store.models import db
    from web import create_app

    settings = load_settings(overrides={"database_url": url, "secret_key": "kunci-bench", **DIAGRAMS[diagram]})
    app = create_app(settings=settings)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def prepare(url, diagram):
    """Migrate, publish the diagram, load the demo officers and a rival front office."""
    from flask_migrate import upgrade

    from engine.people import auth
    from engine.processes import versions
    from engine.demo import seed

    now = datetime.now(timezone.utc)
    with app_for(url, diagram) as app:
        upgrade()
        versions.sync_from_disk(app.config["SLRT_SETTINGS"], now)
        seed.seed_demo(now, password=PASSWORD)
        username, name, role, wilayah = RIVAL
        auth.create_user(username, PASSWORD, name, role, wilayah, now=now)


def fresh_postgres(name, admin=PG_ADMIN):
    """Drop and create database `name` on the server of `admin`; return its URL."""
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres(name, admin=PG_ADMIN):
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def check_invariants(url, diagram, acknowledged=()):
    """The invariant checker's report on the whole database."""
    from engine.audit import invariants

    with app_for(url, diagram):
        return invariants.check_all(acknowledged=acknowledged)


def database_bytes(url):
    """Bytes the case tables take: SQLite pages in use, or PostgreSQL relation sizes (with indexes and TOAST)."""
    if url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(url[len("sqlite:///"):]) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            placeholders = ",".join("?" * len(CASE_TABLES))
            # every table and index of the case tables, by the pages they use (dbstat)
            names = [row[0] for row in conn.execute(
                f"SELECT name FROM sqlite_master WHERE tbl_name IN ({placeholders})", CASE_TABLES)]
            marks = ",".join("?" * len(names))
            return conn.execute(f"SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN ({marks})",
                                names).fetchone()[0]
    import psycopg

    with psycopg.connect(url) as conn:
        return sum(conn.execute("SELECT pg_total_relation_size(%s)", (table,)).fetchone()[0]
                   for table in CASE_TABLES)


class Server:
    """gunicorn serving web.wsgi:app on a free loopback port; stop() ends it and its workers."""

    def __init__(self, url, diagram, workers=1, threads=4, log_dir=None, worker_class="gthread", extra_env=None,
                 scheduler_interval=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_dir = Path(log_dir or tempfile.mkdtemp(prefix="slrt-bench-"))
        self.error_log = self.log_dir / f"error-{self.port}.log"
        self.request_log = self.log_dir / f"requests-{self.port}.log"  # bench/gunicorn_hooks.py writes it
        env = dict(os.environ, **settings_env(url, diagram), SLRT_BENCH_LOG=str(self.request_log), **(extra_env or {}))
        argv = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                "--threads", str(threads), "--worker-class", worker_class, "--timeout", "60",
                "--error-logfile", str(self.error_log), "--config", "python:bench.gunicorn_hooks", "web.wsgi:app"]
        self.process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        # the production set-up: the background jobs (timer sweep, outbox, SQLite checkpoints) in
        # `slrt scheduler`, a process of its own beside the web workers
        every = ["--interval", str(scheduler_interval)] if scheduler_interval else []
        self.scheduler = subprocess.Popen([sys.executable, "-c", "from web.cli import main; main()", "scheduler", *every],
                                          cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                          stderr=open(self.log_dir / f"scheduler-{self.port}.log", "w"))
        self.workers = workers
        self._wait_ready()

    def _wait_ready(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.error_log}")
            try:
                with urllib.request.urlopen(self.base + "/api/v1/openapi.json", timeout=5) as response:
                    if response.status == 200 and len(self.worker_pids()) >= self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {seconds} s: see {self.error_log}")

    def worker_pids(self):
        """The master's live worker processes (gunicorn replaces a killed one)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def cpu_seconds(self):
        """CPU time (user + system) the live workers have used so far."""
        total = 0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return total / os.sysconf("SC_CLK_TCK")

    def kill_worker(self, pid):
        os.kill(pid, signal.SIGKILL)

    def server_times(self, pattern=r"^/api/v1/tasks/[^/]+/complete$", status="200", cpu=False):
        """Server-side milliseconds (clock, or with `cpu` the thread's CPU) of the logged requests whose path matches."""
        path_re = re.compile(pattern)
        times = []
        if not self.request_log.exists():
            return times
        for line in self.request_log.read_text().splitlines():
            parts = line.split()
            if len(parts) == 5 and parts[0] == "POST" and parts[2] == status and path_re.match(parts[1]):
                times.append(float(parts[4] if cpu else parts[3]))
        return times

    def reset_log(self):
        if self.request_log.exists():
            self.request_log.write_text("")

    def stop(self):
        for process in (self.process, self.scheduler):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class PrivatePostgres:
    """A throw-away PostgreSQL cluster in a temp dir on its own port (never the shared server)."""

    def __init__(self, port=None):
        self.bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="slrt-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.dir}'\n"
                       "max_connections = 100\nfsync = on\n")
        self.start()
        self.admin = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool, *args):
        command = [str(self.bin / tool), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.dir)

    def start(self):
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "start")

    def restart(self, mode="fast"):
        """Stop the server (`fast`: clean; `immediate`: as if it crashed) and start it again."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")
        self.start()

    def close(self):
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
