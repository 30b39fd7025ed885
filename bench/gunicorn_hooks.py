"""gunicorn hooks for the benchmarks: log each request's server time (SLRT_BENCH_LOG).

A line per request: method, path, status, the clock milliseconds from the request parsed to the
response written, and the CPU milliseconds the request's thread spent in that time. Unlike the clock
time, a thread's CPU time leaves out waiting for a core or for the GIL, so it shows what a request
costs even on a machine busy with other work. (This replaces gunicorn's access log in the benchmarks:
its formatting costs more per request than what it measures here.)

The lines are kept in memory and written by a thread of each worker every FLUSH_SECONDS (and when
the worker exits), not one write per request: a write is a system call that cost the request's
thread about as much as a tenth of a submit on this virtual machine, after the time is taken but
still in the CPU the workers use. A worker killed with SIGKILL loses its last FLUSH_SECONDS of lines.
"""

import os
import threading
import time

FLUSH_SECONDS = 0.1
_lock = threading.Lock()
_pending = []
_writer = {}  # pid -> the flushing thread (a forked worker starts its own)


def pre_request(worker, req):
    req.slrt_started = (time.perf_counter(), time.thread_time())


def post_request(worker, req, environ, resp):
    started = getattr(req, "slrt_started", None)
    if started is None or resp is None or not os.environ.get("SLRT_BENCH_LOG"):
        return
    clock, cpu = time.perf_counter() - started[0], time.thread_time() - started[1]
    line = f"{req.method} {req.path} {str(resp.status).split()[0]} {clock * 1000:.3f} {cpu * 1000:.3f}\n"
    with _lock:
        _pending.append(line)
        if os.getpid() not in _writer:
            _writer[os.getpid()] = threading.Thread(target=_flush_forever, daemon=True)
            _writer[os.getpid()].start()


def worker_exit(server, worker):
    _flush()


def _flush_forever():
    while True:
        time.sleep(FLUSH_SECONDS)
        _flush()


def _flush():
    with _lock:
        lines = _pending[:]
        del _pending[:]
    path = os.environ.get("SLRT_BENCH_LOG")
    if lines and path:
        # one write of whole lines (O_APPEND), so the workers' lines never interleave
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, "".join(lines).encode("utf-8"))
        finally:
            os.close(fd)
