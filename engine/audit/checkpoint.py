"""Signed checkpoints of every case's chain head, kept outside the database (anchoring).

The hash chain of a case proves nothing to someone who can rewrite the events table: they can
recompute every hash. So from time to time (`slrt checkpoint`, the scheduler) the head of every
case's chain is written to an append-only file outside the database and signed with a key that
is not in the database either (HMAC-SHA256, `checkpoint_key_file`, 0600). Each line is one
checkpoint: its number, time, the number of cases and events, a digest of all chain heads, the
heads that moved since the previous checkpoint (ticket, event count, head hash and the first 8
hex digits of every new event's hash, so a rewrite is located to its event), the hash of the
previous line and the signature. Each checkpoint written is also recorded in the database's audit
journal (engine/audit/journal.py), so a file whose tail was cut is caught (`read_held`). `compare`
and `missing_cases` hold the database against the folded checkpoints: an anchored event that is
gone or whose hash changed, a case deleted with all its rows, a ticket that changed.
"""

import fcntl
import hashlib
import hmac
import json
import os
import secrets
import stat
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import make_url

from engine.audit import journal
from engine.audit.eventlog import GENESIS, canonical
from engine.errors import InvalidInput
from engine.i18n import N_
from engine.store.models import Case, Event, db

FORMAT = "slrt-titik-jangkar-1"
PREFIX = 8          # hex digits of each event's hash kept to locate a rewrite
BATCH = 500         # cases whose new event hashes are read in one query
STALE = timedelta(hours=24)  # the scheduler writes an unchanged checkpoint again after this long


@dataclass(frozen=True)
class Store:
    """Where the checkpoints of one database live and the key that signs them."""

    directory: Path
    key_file: Path
    database: str  # the database URL without its password: a store belongs to one database

    @classmethod
    def from_settings(cls, settings: Any) -> "Store":
        url = make_url(settings.sqlalchemy_url)
        return cls(settings.path(settings.checkpoint_dir), settings.path(settings.checkpoint_key_file),
                   url.render_as_string(hide_password=True))

    @property
    def file(self) -> Path:
        tag = hashlib.sha256(self.database.encode("utf-8")).hexdigest()[:12]
        return self.directory / f"titik-jangkar-{tag}.jsonl"


@dataclass
class Anchor:
    """The checkpoints folded: the last one, the anchored head of every case, problems of the store."""

    last: dict | None = None
    heads: dict = field(default_factory=dict)  # case id -> [ticket, event count, head hash, prefixes]
    problems: list = field(default_factory=list)  # the store itself: bad signature, broken link
    lines: list = field(default_factory=list)  # the hash of each line that verified, in order


def _key(path: Path, create: bool) -> bytes:
    """The signing key; made (32 random bytes, mode 0600) when `create` and there is none."""
    if not path.exists():
        if not create:
            raise InvalidInput(N_("Kunci titik jangkar tidak ada: {berkas}", berkas=str(path)))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32) + "\n")
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InvalidInput(N_("Kunci titik jangkar {berkas} dapat dibaca pengguna lain; jalankan chmod 600",
                              berkas=str(path)))
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise InvalidInput(N_("Kunci titik jangkar {berkas} terlalu pendek", berkas=str(path)))
    return key.encode("ascii")


def _sign(key: bytes, body: dict) -> str:
    return hmac.new(key, canonical(body).encode("utf-8"), hashlib.sha256).hexdigest()


def _line_hash(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


def heads_digest(heads: dict) -> str:
    """One hash over every case's anchored head (case id, ticket, event count, head hash)."""
    digest = hashlib.sha256()
    for case_id in sorted(heads):
        ticket, count, head, _prefixes = heads[case_id]
        digest.update(f"{case_id}:{ticket}:{count}:{head}\n".encode("utf-8"))
    return digest.hexdigest()


def _store_problem(number: int | None, message: str) -> dict[str, Any]:
    return {"checkpoint": number, "problem": message}


def _fold(lines: Sequence[str], key: bytes) -> Anchor:
    anchor = Anchor()
    previous = GENESIS
    for index, line in enumerate(lines, start=1):
        try:
            entry = json.loads(line)
            mac = entry.pop("mac")
        except (ValueError, KeyError, AttributeError):
            anchor.problems.append(_store_problem(index, f"baris {index} berkas titik jangkar rusak"))
            break
        if not hmac.compare_digest(_sign(key, entry), str(mac)):
            anchor.problems.append(_store_problem(index, f"tanda tangan titik jangkar #{index} tidak sah"))
            break
        if entry.get("nomor") != index or entry.get("sebelumnya") != previous:
            anchor.problems.append(_store_problem(index, f"titik jangkar #{index} tidak tersambung dengan sebelumnya"))
            break
        for case_id, head in entry["perubahan"].items():
            old = anchor.heads.get(int(case_id))
            prefixes = (old[3] if old else "") + head[3]
            anchor.heads[int(case_id)] = [head[0], head[1], head[2], prefixes]
        if heads_digest(anchor.heads) != entry["kepala"]:
            anchor.problems.append(_store_problem(index, f"titik jangkar #{index}: ringkasan kepala rantai tidak cocok"))
            break
        anchor.last = {**entry, "mac": mac}
        previous = _line_hash(line)
        anchor.lines.append(previous)
    return anchor


def _lines(store: Store) -> list[str]:
    if not store.file.exists():
        return []
    return [line for line in store.file.read_text(encoding="utf-8").split("\n") if line]


def signing_key(store: Store, create: bool = False) -> bytes | None:
    """The checkpoint key (made when `create`), or None when there is none or it is unusable."""
    try:
        return _key(store.key_file, create=create)
    except InvalidInput:
        if create:
            raise
        return None


def read_held(store: Store) -> Anchor:
    """`read`, and the file held against the database's audit journal: a checkpoint the database
    recorded that the file no longer holds (its tail cut or the file gone), or a recorded line changed."""
    anchor = read(store)
    if not anchor.problems:
        anchor.problems += journal.hold_file(anchor.lines, signing_key(store))
    return anchor


def read(store: Store) -> Anchor:
    """Every checkpoint of the store, checked (signature, numbering, links) and folded."""
    lines = _lines(store)
    if not lines:
        return Anchor()
    try:
        key = _key(store.key_file, create=False)
    except InvalidInput as exc:
        return Anchor(problems=[_store_problem(None, str(exc))])
    return _fold(lines, key)


_READ_LOCK = threading.Lock()
_READ: dict = {}  # store file -> ((size, mtime), Anchor): case pages fold the file once per change


def read_cached(store: Store) -> Anchor:
    """`read`, folded again only when the file changed (the auditor's case pages)."""
    try:
        info = store.file.stat()
        stamp: Any = (info.st_size, info.st_mtime_ns)
    except FileNotFoundError:
        return Anchor()
    with _READ_LOCK:
        known = _READ.get(store.file)
        if known is not None and known[0] == stamp:
            return known[1]
    anchor = read(store)
    with _READ_LOCK:
        _READ[store.file] = (stamp, anchor)
    return anchor


def _current_heads(previous: dict) -> tuple[dict, dict, list]:
    """(every anchored head after this checkpoint, the heads that moved, cases refused).

    A case whose stored chain no longer extends its anchored one (an anchored event gone or
    rewritten, the ticket changed) keeps its anchored head: a checkpoint never launders a change.
    """
    rows = db.session.execute(select(Case.id, Case.ticket, Case.event_count, Case.last_event_hash)
                              .order_by(Case.id)).all()
    moved = [(case_id, ticket, count) for case_id, ticket, count, head in rows
             if previous.get(case_id, [None, 0, None])[:3] != [ticket, count, head or GENESIS]]
    heads = {case_id: list(head) for case_id, head in previous.items()}
    changes, refused = {}, []
    for start in range(0, len(moved), BATCH):
        chunk = {case_id: (ticket, count) for case_id, ticket, count in moved[start:start + BATCH]}
        hashes: dict[int, list] = {case_id: [] for case_id in chunk}
        for case_id, seq, digest in db.session.execute(
                select(Event.case_id, Event.seq, Event.hash).where(Event.case_id.in_(list(chunk)))
                .order_by(Event.case_id, Event.seq)):
            if seq <= chunk[case_id][1]:
                hashes[case_id].append(digest)
        for case_id, (ticket, _count) in chunk.items():
            chain, known = hashes[case_id], previous.get(case_id)
            done = known[1] if known else 0
            if known and (known[0] != ticket or len(chain) < done or (done and chain[done - 1] != known[2])
                          or "".join(h[:PREFIX] for h in chain[:done]) != known[3]):
                refused.append(case_id)
                continue
            prefixes = "".join(h[:PREFIX] for h in chain[done:])
            changes[case_id] = [ticket, len(chain), chain[-1] if chain else GENESIS, prefixes]
            heads[case_id] = [ticket, len(chain), changes[case_id][2], (known[3] if known else "") + prefixes]
    return heads, changes, refused


def write(store: Store, now: datetime, only_if_changed: bool = False) -> dict[str, Any] | None:
    """Append a signed checkpoint of every case's chain head; return it (None if skipped).

    With `only_if_changed` (the scheduler), nothing is written when no head moved and the
    last checkpoint is younger than a day. Several writers are serialised by a file lock.
    """
    store.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = _key(store.key_file, create=True)
    with open(store.directory / ".kunci-tulis", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lines = _lines(store)
        anchor = _fold(lines, key)
        if not anchor.problems:
            anchor.problems += journal.hold_file(anchor.lines, key)
        if anchor.problems:
            raise InvalidInput(N_("Berkas titik jangkar tidak utuh ({masalah}); tidak ditambah",
                                  masalah="; ".join(p["problem"] for p in anchor.problems)))
        try:
            heads, changes, refused = _current_heads(anchor.heads)
        finally:
            db.session.rollback()
        fresh = anchor.last is not None and now - datetime.fromisoformat(anchor.last["waktu"]) < STALE
        if only_if_changed and not changes and fresh:
            return None
        body = {"format": FORMAT, "nomor": len(lines) + 1, "waktu": now.isoformat(), "basis_data": store.database,
                "kasus": len(heads), "peristiwa": sum(h[1] for h in heads.values()), "kepala": heads_digest(heads),
                "sebelumnya": _line_hash(lines[-1]) if lines else GENESIS,
                "perubahan": {str(case_id): head for case_id, head in sorted(changes.items())},
                "ditolak": refused}
        line = canonical({**body, "mac": _sign(key, body)})
        with open(store.file, "a", encoding="utf-8") as out:
            out.write(line + "\n")
            out.flush()
            os.fsync(out.fileno())
        journal.append(journal.CHECKPOINT, {"nomor": body["nomor"], "baris": _line_hash(line), "kasus": body["kasus"],
                                            "peristiwa": body["peristiwa"]}, "sistem", now, key)
    return {**body, "mac": json.loads(line)["mac"]}


def summary(checkpoint: dict | None) -> dict[str, Any] | None:
    """What is printed of a checkpoint (the monthly report, `slrt checkpoint`): no case detail."""
    if checkpoint is None:
        return None
    return {name: checkpoint[name] for name in ("nomor", "waktu", "kasus", "peristiwa", "kepala", "sebelumnya", "mac")} | {
        "ditolak": checkpoint.get("ditolak", [])}


def _last_line(path: Path) -> str | None:
    """The file's last line, read from the end (the first checkpoint's line may be long)."""
    if not path.exists():
        return None
    with open(path, "rb") as source:
        position = source.seek(0, os.SEEK_END)
        tail = b""
        while position > 0 and tail.rstrip(b"\n").count(b"\n") == 0:
            step = min(65536, position)
            position -= step
            source.seek(position)
            tail = source.read(step) + tail
    text = tail.rstrip(b"\n")
    return text.rsplit(b"\n", 1)[-1].decode("utf-8") if text else None


def latest(store: Store) -> dict[str, Any] | None:
    """The printable summary of the last checkpoint with `sah`: whether its signature holds."""
    line = _last_line(store.file)
    if line is None:
        return None
    try:
        entry = json.loads(line)
        mac = entry.pop("mac")
        valid = hmac.compare_digest(_sign(_key(store.key_file, create=False), entry), str(mac))
    except (ValueError, KeyError, AttributeError, InvalidInput):
        return {"sah": False}
    return {**(summary({**entry, "mac": mac}) or {}), "sah": valid, "pada": datetime.fromisoformat(entry["waktu"])}


# -- holding the database against the anchor ----------------------------------------------


def _finding(seq: int | None, message: str, expected: Any = None, found: Any = None) -> dict[str, Any]:
    return {"event": seq, "task": None, "problem": message,
            "expected": None if expected is None else str(expected), "found": None if found is None else str(found)}


def compare(anchor: Anchor, case: Any, events: Sequence[Any]) -> list[dict[str, Any]]:
    """Problems of one stored case against its anchored head (none for a case newer than the anchor)."""
    head = anchor.heads.get(case.id)
    if head is None:
        return []
    number = anchor.last["nomor"] if anchor.last else None
    ticket, count, digest, prefixes = head
    found = []
    if case.ticket != ticket:
        found.append(_finding(1, f"nomor tiket berbeda dengan titik jangkar #{number}", ticket, case.ticket))
    by_seq = {event.seq: event for event in events}
    for seq in range(1, count + 1):
        event = by_seq.get(seq)
        anchored = prefixes[(seq - 1) * PREFIX:seq * PREFIX]
        if event is None:
            gone = [str(n) for n in range(seq, count + 1) if n not in by_seq]
            found.append(_finding(seq, f"peristiwa nomor {', '.join(gone)} hilang; tercatat di titik jangkar #{number}",
                                  f"{count} peristiwa", f"{len(events)} peristiwa"))
            break
        if anchored and event.hash[:PREFIX] != anchored:
            found.append(_finding(seq, f"peristiwa ditulis ulang: hash berbeda dengan titik jangkar #{number}",
                                  anchored, event.hash[:PREFIX]))
            break
    else:
        if count and by_seq[count].hash != digest:
            found.append(_finding(count, f"kepala rantai berbeda dengan titik jangkar #{number}", digest,
                                  by_seq[count].hash))
    return found


def missing_cases(anchor: Anchor, present: Iterable[int]) -> list[dict[str, Any]]:
    """A report per anchored case no longer in the database (deleted with its rows)."""
    number = anchor.last["nomor"] if anchor.last else None
    reports = []
    for case_id in sorted(set(anchor.heads) - set(present)):
        ticket, count, _digest, _prefixes = anchor.heads[case_id]
        problem = _finding(1, f"kasus beserta {count} peristiwanya hilang; tercatat di titik jangkar #{number}",
                           f"{count} peristiwa", "(tidak ada)")
        reports.append({"case_id": case_id, "ticket": ticket, "events": 0, "replayed": 0, "diagram_version_id": None,
                        "ok": False, "chain": [], "replay": [], "anchor": [problem], "first_divergence": problem})
    return reports
