"""Time validation before publishing and the scenario dry run.

    .venv/bin/python bench/validation.py [--repeat 5] [--growth-only]

Reports: how validation grows with the size of a decision table (100 / 1,000 / 10,000 literal
rules, in one and in two columns), with the elements of a process (100 / 1,000 / 4,000 script tasks)
and with the length of one cell (up to the 4,000-character cap,
and a 60,000-character cell that the cap refuses) — each should cost about the same per rule and
per character whatever the size (linear); a doubling check over every validation path (decision
tables, cells, script chains, event-based gateways, processes calling one another: n, 2n, 4n, each
doubling may cost at most 2.2x, else the path is flagged SUPER-LINEAR and --growth-only exits 1); then validating the shipped diagram set (7 BPMN + 9 DMN files: XML checks, sandbox on every
expression, DMN coverage/overlap, SpiffWorkflow spec build); validating every corpus file in
../shared/corpus one by one; and a dry run of the scenario suite (every scenario played in memory
on the published version and on a draft) against a fresh SQLite demo database.
"""

import argparse
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(function, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return result, statistics.median(times)


def growth(repeat):
    """Validation time of one decision table by rule count and by cell length."""
    from engine.bpmn.lint import lint_files
    from engine.bpmn.sandbox import _compile_checked
    from tests.processes.hostile import decision_table

    def cold(files):  # each run compiles every cell afresh (the sandbox keeps a cache of 4,096)
        def run():
            _compile_checked.cache_clear()
            return lint_files(files)
        return run

    print("rules  columns  findings  median ms  us per rule")
    for columns in (1, 2):
        for rules in (100, 1_000, 10_000):
            table = decision_table(rules, second_column=10 if columns == 2 else 0)
            found, seconds = timed(cold({"rules/besar.dmn": table}), repeat)
            print(f"{rules:>6}  {columns:>7}  {len(found):>8}  {seconds * 1000:>9.1f}  {seconds * 1e6 / rules:>11.1f}")
    from tests.processes.hostile import process_chain

    print("BPMN elements  findings  median ms  us per element")
    for elements in (100, 1_000, 4_000):
        diagram = process_chain(elements)
        found, seconds = timed(cold({"rantai.bpmn": diagram}), repeat)
        print(f"{elements:>13}  {len(found):>8}  {seconds * 1000:>9.1f}  {seconds * 1e6 / elements:>14.1f}")
    print("cell chars  kind               findings  median ms")
    for length in (100, 1_000, 4_000, 60_000):
        for kind, cell in (("'?' repeated", "?" * length),
                           ("? == long text", '? == "' + "a" * (length - 7) + '"'),
                           ("? in (many items)", "? in (" + ", ".join(['"a"'] * ((length - 6) // 5)) + ")")):
            table = decision_table(10, cell=cell)
            found, seconds = timed(cold({"rules/besar.dmn": table}), repeat)
            print(f"{length:>10}  {kind:<18}  {len(found):>8}  {seconds * 1000:>9.1f}")


def placeholder(repeat):
    """The DMN `?` substitution: SpiffWorkflow's pattern (rescans the cell per `?`) against one pass."""
    import re

    from engine.bpmn.expressions import substitute_placeholder

    spiff = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")
    print("'?' chars  SpiffWorkflow pattern ms  one pass ms")
    for length in (1_000, 4_000, 16_000):
        cell = "?" * length
        _, pattern = timed(lambda: spiff.sub("dmninput", cell), max(1, repeat // 2))
        _, linear = timed(lambda: substitute_placeholder(cell, "dmninput"), repeat)
        print(f"{length:>9}  {pattern * 1000:>24.1f}  {linear * 1000:>11.2f}")


LINEAR_ENOUGH = 2.2  # time may grow at most this much when the input doubles


def doubling(repeat):
    """Every validation path at n, 2n and 4n: the ratio of each doubling, in CPU seconds of this
    process (best of `repeat`, so other work on a shared machine counts least). Measured twice: as
    the server runs, and with Python's cyclic garbage collector paused, which shows the algorithm's
    own growth (a full collection walks every live object, so it adds a little that grows with the
    heap). A path whose algorithm costs more than LINEAR_ENOUGH per doubling is flagged."""
    import gc

    from engine.bpmn.lint import lint_files
    from engine.bpmn.sandbox import _compile_checked
    from tests.processes.hostile import call_chain, decision_table, event_gateways, process_chain

    def best(files, process_id, collector):
        times = []
        for _ in range(repeat):
            _compile_checked.cache_clear()
            gc.collect()
            if not collector:
                gc.disable()
            try:
                started = time.process_time()
                lint_files(files, process_id)
                times.append(time.process_time() - started)
            finally:
                gc.enable()
        return min(times)

    paths = [
        ("DMN literal rules, 1 column", (2_500, 5_000, 10_000), lambda n: {"rules/besar.dmn": decision_table(n)}, None),
        ("DMN literal rules, 2 columns", (2_500, 5_000, 10_000),
         lambda n: {"rules/besar.dmn": decision_table(n, second_column=10)}, None),
        ("DMN cell of '?' (chars)", (1_000, 2_000, 4_000),
         lambda n: {"rules/besar.dmn": decision_table(500, cell="?" * n)}, None),
        ("DMN cell '? in (...)' (chars)", (1_000, 2_000, 4_000), lambda n: {"rules/besar.dmn": decision_table(
            500, cell="? in (" + ", ".join(['"a"'] * ((n - 6) // 5)) + ")")}, None),
        ("BPMN script tasks in a chain", (1_000, 2_000, 4_000), lambda n: {"rantai.bpmn": process_chain(n)}, "rantai"),
        ("BPMN event-based gateways", (200, 400, 800), lambda n: {"gerbang.bpmn": event_gateways(n)}, "gerbang"),
        ("BPMN processes calling the next", (100, 200, 400), call_chain, "p0"),
    ]
    print(f"doubling check: CPU ms, best of {repeat}; x = cost of a doubling; verdict on the collector-paused "
          f"growth (<= {LINEAR_ENOUGH}x is linear)")
    print(f"{'path':<32} {'n':>6} {'ms':>7} {'2n':>6} {'ms':>7} {'x':>5} {'4n':>6} {'ms':>7} {'x':>5}  "
          f"{'x, gc paused':>13}  verdict")
    flagged = []
    for name, sizes, make, process_id in paths:
        inputs = [make(n) for n in sizes]
        running = [best(files, process_id, True) for files in inputs]
        paused = [best(files, process_id, False) for files in inputs]
        ratios = [b / a for a, b in zip(running, running[1:])]
        algorithm = [b / a for a, b in zip(paused, paused[1:])]
        verdict = "linear" if max(algorithm) <= LINEAR_ENOUGH else "SUPER-LINEAR"
        if verdict != "linear":
            flagged.append(name)
        print(f"{name:<32} {sizes[0]:>6} {running[0] * 1000:>7.1f} {sizes[1]:>6} {running[1] * 1000:>7.1f} "
              f"{ratios[0]:>5.2f} {sizes[2]:>6} {running[2] * 1000:>7.1f} {ratios[1]:>5.2f}  "
              f"{algorithm[0]:>6.2f} {algorithm[1]:>6.2f}  {verdict}")
    print("doubling check: " + ("every validation path grows linearly" if not flagged
                                else "SUPER-LINEAR: " + ", ".join(flagged)))
    return flagged


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--growth-only", action="store_true")
    args = parser.parse_args()

    growth(args.repeat)
    placeholder(args.repeat)
    flagged = doubling(args.repeat)
    if args.growth_only:
        sys.exit(1 if flagged else 0)

    from engine.bpmn.lint import lint_files
    from engine.config import load_settings
    from engine.processes.versions import read_diagram_files

    shipped = read_diagram_files(load_settings())
    findings, seconds = timed(lambda: lint_files(shipped, "keluhan"), args.repeat)
    print(f"shipped set ({len(shipped)} files): {len(findings)} findings, median {seconds * 1000:.0f} ms")

    corpus = ROOT.parent / "shared" / "corpus"
    rows = [r for r in csv.DictReader((corpus / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t")
            if r["kind"] in ("bpmn", "dmn")]
    contents = [(Path(r["corpus_path"]).name, (corpus / r["corpus_path"]).read_bytes()) for r in rows]

    def all_corpus():
        return [lint_files({name: data}) for name, data in contents]

    results, seconds = timed(all_corpus, args.repeat)
    refused = sum(1 for r in results if any(f.severity == "error" for f in r))
    print(f"corpus ({len(contents)} files): {refused} refused, {len(contents) - refused} import; "
          f"median {seconds * 1000:.0f} ms for all, {seconds * 1000 / len(contents):.1f} ms per file")

    from sqlalchemy import select

    from engine.domain.actor import Actor
    from engine.processes import editing
    from engine.processes import dry_run
    from engine.store.models import User, db
    from tests.conftest import START, _prepare, _settings
    from tests.processes.test_workflow_versions import BERAS_KE_TIKOR, files
    from web import create_app

    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    _prepare(url)
    app = create_app(settings=_settings(url))
    with app.app_context():
        analyst = Actor.of(db.session.scalar(select(User).where(User.username == "analis.cianjur")))
        draft = editing.upload(analyst, "keluhan", files([BERAS_KE_TIKOR]), START)
        report, seconds = timed(lambda: dry_run.dry_run(analyst, draft, app.config["SLRT_SETTINGS"], START),
                                args.repeat)
    print(f"dry run ({report['jumlah']} scenarios x 2 versions): {len(report['berubah'])} change, "
          f"median {seconds * 1000:.0f} ms")


if __name__ == "__main__":
    main()
