"""Slow clients against gunicorn alone and behind nginx (deploy/nginx-slrt.conf), on loopback.

    .venv/bin/python bench/faults.py --slow-clients [--quick]

Several connections send a request's headers and then trickle its body a byte at a time, while a
prober asks for pages (the sign-in page and the OpenAPI document) one after another and times each
answer. Run once straight against gunicorn (one worker, four threads: each trickling body holds a
thread) and once through nginx, which reads bodies completely before passing them on. nginx is
installed with apt-get if missing (here only, never by the tests).
"""

import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from bench import harness

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx-slrt.conf"
MAIN = """daemon off;
worker_processes 1;
user root;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/slrt.conf;
}}
"""


def nginx_binary():
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        subprocess.run(["apt-get", "install", "-y", "nginx"], check=True, stdout=subprocess.DEVNULL)
        found = "/usr/sbin/nginx"
    return found


class Nginx:
    """nginx with the shipped site config, pointed at `upstream_port`, on a free loopback port."""

    def __init__(self, upstream_port):
        self.tmp = Path(tempfile.mkdtemp(prefix="slrt-nginx-"))
        self.port = harness.free_port()
        site = SITE.read_text().replace("127.0.0.1:8000", f"127.0.0.1:{upstream_port}")
        site = site.replace("listen 127.0.0.1:8080", f"listen 127.0.0.1:{self.port}")
        (self.tmp / "slrt.conf").write_text(site)
        (self.tmp / "nginx.conf").write_text(MAIN.format(tmp=self.tmp))
        self.process = subprocess.Popen([nginx_binary(), "-p", str(self.tmp), "-c", str(self.tmp / "nginx.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"nginx did not start: {self.tmp / 'error.log'}")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.tmp, ignore_errors=True)


def _trickle(port, stop, body_bytes=100_000, pause=0.5):
    """One slow client: headers at once, then a byte every `pause` seconds until told to stop."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall((f"POST /api/v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      f"Authorization: Bearer x\r\nContent-Length: {body_bytes}\r\n\r\n").encode())
        sent = 0
        while not stop.is_set() and sent < body_bytes:
            sock.sendall(b" ")
            sent += 1
            stop.wait(pause)
        sock.close()
    except OSError:
        pass  # a proxy dropping a too-slow client is what it should do


def _probe(base, seconds, limit=5.0):
    """Fetch pages one after another for `seconds`; return each answer's time (limit = no answer)."""
    times = []
    deadline = time.monotonic() + seconds
    paths = ("/masuk", "/api/v1/openapi.json")
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(base + paths[len(times) % 2], timeout=limit) as response:
                response.read()
            times.append(time.monotonic() - started)
        except OSError:
            times.append(limit)
    return times


def _summary(name, times, limit=1.0):
    ordered = sorted(times)
    return {"run": name, "requests": len(times), "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1) if ordered else None,
            "max_ms": round(ordered[-1] * 1000, 1), "over_1s": sum(t >= limit for t in times)}


def _under_slow_clients(base, port, clients, seconds):
    stop = threading.Event()
    threads = [threading.Thread(target=_trickle, args=(port, stop), daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # let every slow client take its place
    try:
        return _probe(base, seconds)
    finally:
        stop.set()
        for thread in threads:
            thread.join(5)


def run(quick=False, clients=8, tmp=None):
    """Pages answered while `clients` slow clients trickle bodies: gunicorn alone, then behind nginx."""
    seconds = 6 if quick else 20
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{tmp or scratch}/slow.db"
        harness.prepare(url, "minimal")
        server = harness.Server(url, "minimal", workers=1, threads=4)
        try:
            baseline = _summary("gunicorn, no slow clients", _probe(server.base, 3))
            alone = _summary(f"gunicorn alone, {clients} slow clients", _under_slow_clients(
                server.base, server.port, clients, seconds))
            proxy = Nginx(server.port)
            try:
                proxied = _summary(f"nginx + gunicorn, {clients} slow clients", _under_slow_clients(
                    proxy.base, proxy.port, clients, seconds))
            finally:
                proxy.stop()
        finally:
            server.stop()
    return [baseline, alone, proxied]
