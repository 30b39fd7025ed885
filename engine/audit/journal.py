"""The audit journal: a chained and signed table in the database of what the audit machinery itself did.

Two kinds of rows:

- ``titik_jangkar``: a checkpoint was appended to the file (its number and the hash of its line). The
  file alone cannot show that its tail was cut (the lines left still verify), but the database
  remembers how far the file reached, so ``slrt audit --all`` and ``slrt check`` say "the file is
  shorter than the database says" and name the first missing checkpoint; and a line that differs from
  the one recorded is named too.
- ``identitas_dibuka``: an operator printed complainants' identity unmasked
  (``slrt audit --all --tanpa-samaran``): who (the system account), when, how many cases.

Each row carries the hash of the row before it and an HMAC of its own hash with the checkpoint key,
which is kept outside the database: someone with write access to the database can cut rows from the
end (the file, written after every checkpoint, then shows more than the journal: not an alarm), but
cannot forge, change, reorder or renumber rows. Cutting both the file and the journal back to the same
earlier checkpoint is not detectable from this machine alone; printed checkpoints (the monthly report)
are the witness for that.
"""

import hashlib
import hmac
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine.audit.eventlog import GENESIS, canonical
from engine.store.database import write_transaction
from engine.store.models import AuditJournal, db

CHECKPOINT = "titik_jangkar"
UNMASKED = "identitas_dibuka"
_ATTEMPTS = 3  # two writers taking the same number: the loser numbers again


def row_hash(prev_hash: str, seq: int, kind: str, at: datetime, actor: str, data: str) -> str:
    body = {"seq": seq, "jenis": kind, "waktu": at.isoformat(), "pelaku": actor, "data": data}
    return hashlib.sha256((prev_hash + canonical(body)).encode("utf-8")).hexdigest()


def _mac(key: bytes, digest: str) -> str:
    return hmac.new(key, digest.encode("ascii"), hashlib.sha256).hexdigest()


def append(kind: str, data: dict[str, Any], actor: str, now: datetime, key: bytes) -> int:
    """Add a row at the end of the journal, in its own transaction; return its number."""
    text = canonical(data)
    for attempt in range(_ATTEMPTS):
        try:
            with write_transaction() as session:
                last = session.scalar(select(AuditJournal).order_by(AuditJournal.seq.desc()).limit(1))
                seq, prev = (last.seq + 1, last.hash) if last is not None else (1, GENESIS)
                digest = row_hash(prev, seq, kind, now, actor, text)
                session.add(AuditJournal(seq=seq, kind=kind, at=now, actor=actor, data=text, prev_hash=prev,
                                         hash=digest, mac=_mac(key, digest)))
            return seq
        except IntegrityError:
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable: the last attempt returns or raises")


def rows(kind: str | None = None) -> list[AuditJournal]:
    query = select(AuditJournal).order_by(AuditJournal.seq)
    return list(db.session.scalars(query if kind is None else query.where(AuditJournal.kind == kind)))


def chain_problems(journal: Sequence[Any], key: bytes | None) -> list[str]:
    """What is wrong with the journal's own chain: a gap, a broken link, altered content, a bad signature."""
    problems, prev = [], GENESIS
    for expected, row in enumerate(journal, start=1):
        if row.seq != expected:
            problems.append(f"jurnal audit: baris nomor {expected} hilang")
            break
        if row.prev_hash != prev or row_hash(prev, row.seq, row.kind, row.at, row.actor, row.data) != row.hash:
            problems.append(f"jurnal audit: baris #{row.seq} diubah atau tidak tersambung")
            break
        if key is None:
            problems.append("jurnal audit: kunci titik jangkar tidak ada, tanda tangan tidak dapat diperiksa")
            break
        if not hmac.compare_digest(_mac(key, row.hash), row.mac or ""):
            problems.append(f"jurnal audit: tanda tangan baris #{row.seq} tidak sah")
            break
        prev = row.hash
    return problems


def hold_file(line_hashes: Sequence[str], key: bytes | None) -> list[dict[str, Any]]:
    """Problems of the checkpoint file against what the journal recorded of it: the file ends before the
    last checkpoint the database knows (its tail cut), or a recorded line differs. `line_hashes` are the
    hashes of the file's lines that verified, in order."""
    journal = rows()
    found: list[dict[str, Any]] = [{"checkpoint": None, "problem": p} for p in chain_problems(journal, key)]
    recorded = {}
    for row in journal:
        if row.kind == CHECKPOINT:
            entry = json.loads(row.data)
            recorded[int(entry["nomor"])] = entry["baris"]
    if not recorded:
        return found
    last, reached = max(recorded), len(line_hashes)
    if last > reached:
        missing = reached + 1
        span = f"#{missing}" if missing == last else f"#{missing}–#{last}"
        found.append({"checkpoint": missing, "problem": (
            f"berkas titik jangkar lebih pendek daripada yang dicatat basis data: berkas berakhir di #{reached}, "
            f"basis data mencatat sampai #{last}; titik jangkar {span} hilang dari berkas")})
    for number in sorted(n for n in recorded if n <= reached):
        if line_hashes[number - 1] != recorded[number]:
            found.append({"checkpoint": number, "problem": (
                f"titik jangkar #{number} di berkas berbeda dengan yang dicatat basis data")})
            break
    return found
