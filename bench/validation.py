"""Time validation before publishing and the scenario dry run.

    .venv/bin/python bench/validation.py [--repeat 5]

Reports: validating the shipped diagram set (7 BPMN + 9 DMN files: XML checks, sandbox on every
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

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
