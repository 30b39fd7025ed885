"""gunicorn hooks for the benchmarks: log the CPU time each request's thread spent (SLRT_BENCH_CPU_LOG).

Unlike the request's clock time, a thread's CPU time leaves out waiting for a core or for the GIL,
so it shows what a request costs even on a machine busy with other work.
"""

import os
import threading
import time

_lock = threading.Lock()


def pre_request(worker, req):
    req.slrt_cpu_start = time.thread_time()


def post_request(worker, req, environ, resp):
    start = getattr(req, "slrt_cpu_start", None)
    path = os.environ.get("SLRT_BENCH_CPU_LOG")
    if start is None or not path or resp is None:
        return
    line = f"{req.method} {req.path} {str(resp.status).split()[0]} {(time.thread_time() - start) * 1000:.3f}\n"
    with _lock, open(path, "a", encoding="utf-8") as log:
        log.write(line)
