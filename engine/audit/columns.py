"""The case columns that must follow from the events: those fixed at intake and those derived after.

Access control reads `cases.wilayah`, `rahasia` and `aparat_desa` (and the task index's `wilayah`
and `role`), never the variables: so a replay that compared only the variables would let someone
with database access widen who sees a case by changing one column. Each column is compared with
the value its event gave it: the intake columns with the `kasus_dibuat` event's data, the
complainant's profile with the replayed variables, `created_at` with the first event, `closed_at`
with the event that ended the workflow, `tahap` with the open tasks the replay ends with.
"""

import json
from typing import Any

from engine.audit.eventlog import canonical, instant

# columns set once at intake from the creating event's data (with the default intake applies); jenis_keluhan
# follows its variable (a form may change it) and is compared with the other indexed variables
INTAKE_COLUMNS = {"wilayah": None, "kanal": None, "rahasia": True, "aparat_desa": False}
PELAPOR_COLUMNS = ("jenis_kelamin", "disabilitas")
DONE = "Selesai"


def _finding(seq, message, expected, found):
    return {"event": seq, "task": None, "problem": message, "expected": str(expected), "found": str(found)}


def compare(case: Any, events: list, variables: dict[str, str], ready_names: list[str], closed_at: Any,
            closed_seq: int | None) -> list[dict[str, Any]]:
    """Problems where a stored case column differs from what its events give it.

    `variables` are the replayed case variables as canonical JSON texts; `ready_names` the names of
    the tasks open at the end; `closed_at`/`closed_seq` the instant and event that ended the workflow.
    """
    found = fixed_at_intake(case, events)
    pelapor = json.loads(variables.get("pelapor", "null")) or {}
    for name in PELAPOR_COLUMNS:
        if canonical(pelapor.get(name)) != canonical(getattr(case, name)):
            found.append(_finding(len(events), f"kolom kasus '{name}' berbeda dengan data pelapor", pelapor.get(name),
                                  getattr(case, name)))
    if instant(case.closed_at) != instant(closed_at):
        found.append(_finding(closed_seq or len(events), "kolom kasus 'closed_at' berbeda", instant(closed_at),
                              instant(case.closed_at)))
    tahap = DONE if closed_at is not None else ", ".join(ready_names)
    if case.tahap != tahap:
        found.append(_finding(len(events), "kolom kasus 'tahap' berbeda", tahap, case.tahap))
    return found


def fixed_at_intake(case: Any, events: list) -> list[dict[str, Any]]:
    """Problems with the columns intake set once (area, channel, confidentiality, created_at): event 1's."""
    if not events:
        return []
    found = []
    created = json.loads(events[0].data)
    for name, default in INTAKE_COLUMNS.items():
        expected = created.get(name, default)
        if canonical(expected) != canonical(getattr(case, name)):
            found.append(_finding(1, f"kolom kasus '{name}' berbeda dengan peristiwa pembuatan", expected,
                                  getattr(case, name)))
    if instant(case.created_at) != instant(events[0].at):
        found.append(_finding(1, "kolom kasus 'created_at' berbeda dengan peristiwa pembuatan", instant(events[0].at),
                              instant(case.created_at)))
    return found
