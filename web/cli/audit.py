"""Text reports of `slrt audit`: one case in detail, or a summary of every case."""

import getpass
import logging
import os
import socket
import time

import click

from engine.audit import journal
from engine.domain.actor import Actor
from engine.domain.roles import AUDITOR
from engine.audit import checkpoint as anchoring
from engine.audit import scan, verify

SECURITY_LOG = logging.getLogger("slrt.keamanan")
OPERATOR = Actor(None, "sistem", AUDITOR, "", None, None, "Operator")  # the CLI audits every area


def operator_name():
    """Who runs the command, as the system knows them (the account and the machine)."""
    try:
        account = getpass.getuser()
    except (KeyError, OSError):
        account = f"uid {os.getuid()}"
    return f"operator {account}@{socket.gethostname()}"[:120]


def record_reveal(echo, store, now):
    """Record in the audit journal (signed with the checkpoint key) and the log that identity is shown unmasked."""
    if store is None:
        raise click.ClickException("Identitas tanpa samaran hanya dapat ditampilkan bila penggunaannya dapat dicatat")
    who = operator_name()
    seq = journal.append(journal.UNMASKED, {"perintah": "slrt audit --all --tanpa-samaran"}, who, now,
                         anchoring.signing_key(store, create=True))
    SECURITY_LOG.warning("identitas pelapor ditampilkan tanpa samaran oleh %s (slrt audit --all --tanpa-samaran), "
                         "jurnal audit #%s", who, seq)
    echo(f"PERHATIAN: identitas pelapor ditampilkan tanpa samaran; penggunaan ini dicatat di jurnal audit #{seq} "
         f"({who}).")


def _problem_line(p):
    where = f"peristiwa #{p['event']}" + (f", tugas {p['task']}" if p.get("task") else "")
    line = f"  {where}: {p['problem']}"
    if p.get("expected") is not None or p.get("found") is not None:
        line += f"\n      tercatat: {p.get('expected')}\n      ditemukan: {p.get('found')}"
    return line


def run(echo, key, upto=None):
    """Verify one case and print the report; True when it is intact."""
    started = time.perf_counter()
    report = verify.verify(OPERATOR, key, upto=upto)
    took = (time.perf_counter() - started) * 1000
    echo(f"Kasus {report['ticket']} (id {report['case_id']}), diagram versi {report['diagram_version_id']}: "
         f"{report['events']} peristiwa, {report['replayed']} diputar ulang dalam {took:.1f} ms")
    _print_problems(echo, report)
    if upto is not None and report.get("state"):
        state = report["state"]
        echo(f"Keadaan setelah peristiwa #{state['seq']} ({state['type']}, {state['at']}, {state['actor']}): "
             f"{state['status']}")
        for task in state["open_tasks"]:
            echo(f"  tugas terbuka: {task['name']} ({task['element_id']}), batas {task['due'] or '-'}"
                 + (f", dikerjakan {task['assignee']}" if task["assignee"] else ""))
        for timer in state["timers"]:
            echo(f"  timer menunggu: {timer['element_id']} pada {timer['due']}")
    echo("UTUH" if report["ok"] else "TIDAK COCOK")
    return report["ok"]


def _print_problems(echo, report):
    for label, problems in (("Rantai hash", report["chain"]), ("Putar ulang", report["replay"]),
                            ("Titik jangkar", report.get("anchor"))):
        if problems:
            echo(f"{label}:")
            for p in problems:
                echo(_problem_line(p))


def print_anchor(echo, anchor):
    """Say which checkpoint the record is held against, and what is wrong with the store itself."""
    if anchor.last is not None:
        last = anchor.last
        echo(f"Diperiksa terhadap titik jangkar #{last['nomor']} ({last['waktu']}): {last['kasus']} kasus, "
             f"{last['peristiwa']} peristiwa.")
    elif not anchor.problems:
        echo("Belum ada titik jangkar: hanya rantai hash di basis data yang diperiksa (jalankan slrt checkpoint).")
    for problem in anchor.problems:
        echo(f"Titik jangkar #{problem['checkpoint'] or '-'}: {problem['problem']}")


def print_checkpoint(echo, summary):
    echo(f"Titik jangkar #{summary['nomor']} ({summary['waktu']})")
    echo(f"  kasus: {summary['kasus']}, peristiwa: {summary['peristiwa']}")
    echo(f"  ringkasan kepala rantai: {summary['kepala']}")
    echo(f"  titik jangkar sebelumnya: {summary['sebelumnya']}")
    echo(f"  tanda tangan (HMAC-SHA256): {summary['mac']}")
    if summary["ditolak"]:
        echo(f"  tidak diperbarui (rantai tidak lagi melanjutkan titik jangkar): kasus {summary['ditolak']}")


def checkpoint(echo, settings, now, write=True):
    """Write (or only show) the latest checkpoint; False when the store is damaged or empty."""
    store = anchoring.Store.from_settings(settings)
    if write:
        anchoring.write(store, now)
    anchor = anchoring.read(store)
    if anchor.problems or anchor.last is None:
        print_anchor(echo, anchor)
        return False
    print_checkpoint(echo, anchoring.summary(anchor.last))
    echo(f"  berkas: {store.file}")
    return not anchor.last.get("ditolak")


def run_all(echo, settings=None, replay=False, processes=None, reveal=False, now=None):
    """Verify every case (against the last checkpoint when there is one); print a line per case with
    problems and a summary. True when all are intact.

    By default the recorded outcomes are folded (engine/audit/scan.py); with `replay` every case is
    run through its diagram again as well (about a hundred times slower). The complainant's identity
    in the reports is masked unless `reveal`; revealing it is first recorded in the audit journal
    (and the log), and refused when that cannot be done."""
    started = time.perf_counter()
    store = anchoring.Store.from_settings(settings) if settings is not None else None
    if reveal:
        record_reveal(echo, store, now)
    anchor = anchoring.read_held(store) if store is not None else None
    if anchor is not None:
        print_anchor(echo, anchor)
    summary = (verify.verify_all(anchor=anchor, mask=not reveal) if replay
               else scan.scan_all(anchor=anchor, processes=processes, mask=not reveal))
    took = time.perf_counter() - started
    for report in summary["failed"]:
        first = report["first_divergence"]
        echo(f"Kasus {report['ticket']} (id {report['case_id']}): pertama berbeda di peristiwa #{first['event']}")
        _print_problems(echo, report)
    how = "diputar ulang pada diagramnya" if replay else "hasil tercatat tiap peristiwa dilipat"
    echo(f"{summary['cases']} kasus diperiksa dalam {took:.1f} s ({how}): {summary['ok']} utuh, "
         f"{len(summary['failed'])} bermasalah.")
    return not summary["failed"] and not summary["anchor_problems"]
