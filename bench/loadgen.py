"""Officers at work over HTTP: concurrent clients play whole complaint journeys against a running server.

    .venv/bin/python bench/loadgen.py --base http://127.0.0.1:5000 --clients 4 --journeys 40 --seconds 60

Each client is a thread with its own keep-alive connection. A complaint journey is one scenario
of scenarios: intake, the complainant's public status check, then for each step the
officer reads the inbox, claims the task and completes it, and at the end opens the case page
and the public status again. A minimal journey (bench/diagrams/minimal.bpmn) is intake and two
completions. The run stops by itself after `journeys` journeys or `seconds`, whichever comes first.

With `patient=True` (the fault runs) a client rides out crashes: a request that fails without an
answer (connection reset, 5xx) is retried, and a completion whose answer was lost is looked up
before it is sent again. Only a 200 counts as an acknowledged completion.
"""

import argparse
import json
import random
import socket
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import PASSWORD  # noqa: E402

DEMO_VILLAGE, KENDARI_VILLAGE = "3203012001", "7471011001"
PLACEHOLDERS = {"KNOWN_NIK": "3203014506850001", "UNREGISTERED_NIK": "3203015507900009",
                "DEMO_VILLAGE": DEMO_VILLAGE, "KENDARI_VILLAGE": KENDARI_VILLAGE}
RETRYABLE = (500, 502, 503, 504)


class Unanswered(Exception):
    """The request got no usable answer (connection lost or server error); it may or may not have acted."""


def _fill(value):
    if isinstance(value, str):
        return PLACEHOLDERS.get(value, value)
    if isinstance(value, dict):
        return {k: _fill(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v) for v in value]
    return value


def complaint_journeys():
    """The scenario suite as journeys: (intake officer, payload, [(officer, element, data)], viewer)."""
    journeys = []
    for path in sorted((ROOT / "tests" / "scenarios").glob("*.yaml")):
        scenario = _fill(yaml.safe_load(path.read_text(encoding="utf-8")))
        spec = dict(scenario["pengaduan"])
        officer = spec.pop("oleh", "fo.cianjur")
        payload = {"kanal": "sekretariat", "wilayah": DEMO_VILLAGE, "jenis_keluhan": "pengaduan",
                   "program": "PKH", "uraian": "Uraian pengaduan dalam uji beban.",
                   "pelapor": {"nik": PLACEHOLDERS["KNOWN_NIK"], "nama": "Euis Komalasari",
                               "telepon": "081300000001", "jenis_kelamin": "P"}}
        payload.update(spec)
        steps = [(s["oleh"], s["tugas"], s.get("data", {})) for s in scenario["langkah"]]
        journeys.append((officer, payload, steps, scenario["harapan"].get("dilihat_oleh", officer)))
    return journeys


MINIMAL_JOURNEY = ("fo.cianjur", {"kanal": "sekretariat", "wilayah": DEMO_VILLAGE, "jenis_keluhan": "pertanyaan",
                                  "program": "PKH", "uraian": "Uji beban diagram minimal.",
                                  "pelapor": {"nama": "Uji"}},
                   [("fo.cianjur", "Task_Isi", {"nilai": 50}), ("manajer.cianjur", "Task_Tinjau", {"setuju": True})],
                   None)


def officers(journeys):
    names = set()
    for intake_officer, _payload, steps, viewer in journeys:
        names.add(intake_officer)
        names.update(officer for officer, _element, _data in steps)
        if viewer:
            names.add(viewer)
    return sorted(names)


class Connection:
    """One client's keep-alive HTTP/1.1 connection on a plain socket; JSON in and out.

    Written on the socket rather than http.client, whose header parsing (the email package) cost
    about as much CPU per request as a tenth of the server's work, on the same two cores."""

    def __init__(self, base, timeout=60):
        parts = urlsplit(base)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.sock, self.buffer = None, b""
        self.host_header = f"Host: {self.host}:{self.port}\r\n".encode("ascii")

    def request(self, method, path, body=None, token=None):
        """(status, parsed JSON body); raises Unanswered when no answer came back."""
        head = [f"{method} /api/v1{path} HTTP/1.1\r\n".encode("ascii"), self.host_header,
                b"Accept: application/json\r\n"]
        if token:
            head.append(f"Authorization: Bearer {token}\r\n".encode("ascii"))
        payload = b""
        if body is not None:
            payload = json.dumps(body).encode("utf-8")
            head.append(b"Content-Type: application/json\r\n")
        head.append(b"Content-Length: %d\r\n\r\n" % len(payload))
        try:
            if self.sock is None:
                self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sock.sendall(b"".join(head) + payload)
            status, headers, data = self._response()
        except (OSError, ValueError) as exc:
            self.close()
            raise Unanswered(f"{method} {path}: {exc!r}") from exc
        if headers.get("connection", "").lower() == "close":
            self.close()
        if status in RETRYABLE:
            raise Unanswered(f"{method} {path}: HTTP {status}")
        return status, (json.loads(data) if data else None)

    def _response(self):
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" not in headers:  # gunicorn gives every Flask answer its length
            raise ValueError(f"an answer without Content-Length (HTTP {status})")
        length = int(headers["content-length"])
        while len(self.buffer) < length:
            self._fill()
        data, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, headers, data

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("the server closed the connection")
        self.buffer += chunk

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock, self.buffer = None, b""


def login(base, usernames, password=PASSWORD):
    """{username: bearer token} through POST /api/v1/auth/token."""
    conn, tokens = Connection(base), {}
    for name in usernames:
        status, body = conn.request("POST", "/auth/token", {"username": name, "password": password})
        if status != 201:
            raise RuntimeError(f"sign-in of {name} failed: {status} {body}")
        tokens[name] = body["token"]
    conn.close()
    return tokens


@dataclass
class Outcome:
    """What one run did and saw."""

    clients: int
    journeys: int = 0
    elapsed: float = 0.0
    completion_ms: list = field(default_factory=list)
    acknowledged: list = field(default_factory=list)  # task ids completed with HTTP 200
    requests: int = 0
    unanswered: int = 0
    recovered: int = 0  # completions that took effect although their answer was lost
    errors: list = field(default_factory=list)

    @property
    def throughput(self):
        return self.journeys / self.elapsed if self.elapsed else 0.0

    def percentile(self, p):
        return percentile(self.completion_ms, p)


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


class Officer:
    """One client thread's view of the API, counting into a shared Outcome."""

    def __init__(self, base, tokens, outcome, lock, deadline, patient):
        self.conn = Connection(base)
        self.tokens, self.outcome, self.lock, self.deadline, self.patient = tokens, outcome, lock, deadline, patient

    def call(self, method, path, user=None, body=None, expect=(200,)):
        while True:
            try:
                with self.lock:
                    self.outcome.requests += 1
                status, data = self.conn.request(method, path, body, self.tokens.get(user))
            except Unanswered:
                with self.lock:
                    self.outcome.unanswered += 1
                if not self.patient or time.monotonic() > self.deadline + 60:
                    raise
                time.sleep(0.2 + random.random() * 0.3)
                continue
            if status not in expect:
                raise RuntimeError(f"{method} {path} as {user}: HTTP {status} {data}")
            return status, data

    def complete(self, user, task_id, data):
        """Complete a task; returns the case after it. A lost answer is looked up before retrying."""
        while True:
            started = time.perf_counter()
            try:
                status, case = self.conn.request("POST", f"/tasks/{task_id}/complete", {"data": data},
                                                 self.tokens[user])
            except Unanswered:
                with self.lock:
                    self.outcome.unanswered += 1
                if not self.patient or time.monotonic() > self.deadline + 60:
                    raise
                time.sleep(0.2 + random.random() * 0.3)
                _status, task = self.call("GET", f"/tasks/{task_id}", user)
                if task["status"] == "selesai":  # the lost request did complete it
                    with self.lock:
                        self.outcome.recovered += 1
                    return self.call("GET", f"/cases/{task['case_id']}", user)[1]
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with self.lock:
                self.outcome.requests += 1
            if status != 200:
                raise RuntimeError(f"complete {task_id} as {user}: HTTP {status} {case}")
            with self.lock:
                self.outcome.completion_ms.append(elapsed)
                self.outcome.acknowledged.append(task_id)
            return case

    def play(self, journey, browse):
        """One journey, start to end; `browse` adds the inbox, claim, case page and public status reads."""
        intake_officer, payload, steps, viewer = journey
        _status, case = self.call("POST", "/cases", intake_officer, payload, expect=(201,))
        public = f"/public/cases/{case['ticket']}?kode={case['tracking_code']}"
        if browse:
            self.call("GET", public)
        for officer, element, data in steps:
            task_id = None
            if browse:
                _status, inbox = self.call("GET", "/tasks", officer)
                task_id = next((t["id"] for t in inbox if t["case_id"] == case["id"] and t["element_id"] == element),
                               None)
            if task_id is None:  # not among the inbox's first rows: take it from the case
                task_id = next(t["id"] for t in case["tasks"] if t["element_id"] == element and t["status"] == "siap")
            if browse:
                self.call("POST", f"/tasks/{task_id}/claim", officer)
            case = self.complete(officer, task_id, data)
        if case["status"] != "selesai":
            raise RuntimeError(f"case {case['id']} ended {case['status']}")
        if browse:
            self.call("GET", f"/cases/{case['id']}", viewer)
            self.call("GET", public)


def run(base, tokens, journeys, clients, max_journeys, max_seconds, browse=True, patient=False):
    """Run `clients` officers until `max_journeys` journeys are done or `max_seconds` pass.

    `base` may be a list of servers (web nodes on one database): client i talks to base[i % len(base)],
    a round robin by connection as a load balancer in front of them would do."""
    bases = [base] if isinstance(base, str) else list(base)
    outcome = Outcome(clients)
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + max_seconds
    counter = iter(range(max_journeys))

    def client(index):
        officer = Officer(bases[index % len(bases)], tokens, outcome, lock, deadline, patient)
        while time.monotonic() < deadline:
            with lock:
                number = next(counter, None)
            if number is None:
                break
            try:
                officer.play(journeys[number % len(journeys)], browse)
            except (RuntimeError, Unanswered, StopIteration, KeyError) as exc:
                with lock:
                    outcome.errors.append(f"journey {number}: {exc!r}")
                continue
            with lock:
                outcome.journeys += 1
        officer.conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max_seconds + 180)
    outcome.elapsed = time.monotonic() - started
    return outcome


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--journeys", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--diagram", choices=("keluhan", "minimal"), default="keluhan")
    args = parser.parse_args()
    if urlsplit(args.base).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the load generator only runs against loopback")
    journeys = complaint_journeys() if args.diagram == "keluhan" else [MINIMAL_JOURNEY]
    tokens = login(args.base, officers(journeys))
    outcome = run(args.base, tokens, journeys, args.clients, args.journeys, args.seconds,
                  browse=args.diagram == "keluhan")
    print(f"{outcome.journeys} journeys in {outcome.elapsed:.1f} s = {outcome.throughput:.1f}/s; "
          f"task completion p50 {outcome.percentile(50):.1f} ms, p95 {outcome.percentile(95):.1f} ms "
          f"(client side, {len(outcome.completion_ms)} completions); {len(outcome.errors)} errors")
    for error in outcome.errors[:10]:
        print("  ", error)
    if outcome.completion_ms:
        print(f"mean {statistics.mean(outcome.completion_ms):.1f} ms")


if __name__ == "__main__":
    main()
