"""gunicorn hooks for the benchmarks: log each request's server time (SLRT_BENCH_LOG).

A line per request: method, path, status, the clock milliseconds from the request parsed to the
response written, and the CPU milliseconds the request's thread spent in that time. Unlike the clock
time, a thread's CPU time leaves out waiting for a core or for the GIL, so it shows what a request
costs even on a machine busy with other work. (This replaces gunicorn's access log in the benchmarks:
its formatting costs more per request than what it measures here.)
"""

import os
import threading
import time

_lock = threading.Lock()
_log = {}  # pid -> open file (a forked worker opens its own)


def pre_request(worker, req):
    req.slrt_started = (time.perf_counter(), time.thread_time())


def post_request(worker, req, environ, resp):
    started = getattr(req, "slrt_started", None)
    path = os.environ.get("SLRT_BENCH_LOG")
    if started is None or not path or resp is None:
        return
    clock, cpu = time.perf_counter() - started[0], time.thread_time() - started[1]
    line = f"{req.method} {req.path} {str(resp.status).split()[0]} {clock * 1000:.3f} {cpu * 1000:.3f}\n"
    with _lock:
        log = _log.get(os.getpid())
        if log is None:
            log = _log[os.getpid()] = open(path, "a", encoding="utf-8", buffering=1)
        log.write(line)
