"""Move a running workflow onto a newer bundle of the same process, when that is safe.

Safe means: every task of the case (done, open or predicted) names a step that exists in the
new version, in the same process, and every open step (ready, waiting, started) keeps its
kind (a user task stays a user task, a timer stays a timer). The state is then re-read
against the new specs; steps still to come follow the new version's flows.
"""

from datetime import datetime
from typing import Any

from SpiffWorkflow.util.task import TaskState

_OPEN = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def _spec_for(bundle, process_spec_name):
    if bundle.spec.name == process_spec_name:
        return bundle.spec
    return bundle.subprocess_specs.get(process_spec_name)


def migration_problems(workflow: Any, new_bundle: Any) -> list[str]:
    """Why this workflow cannot move to `new_bundle` (Indonesian, one line per element); [] when it can."""
    problems = []
    for sub in [workflow, *workflow.subprocesses.values()]:
        target = _spec_for(new_bundle, sub.spec.name)
        if target is None:
            problems.append(f"proses '{sub.spec.name}' yang sedang berjalan tidak ada di versi baru")
            continue
        for task in sub.tasks.values():
            spec = task.task_spec
            element = getattr(spec, "bpmn_id", None) or spec.name
            new = target.task_specs.get(spec.name)
            if new is None:
                if task.has_state(_OPEN):
                    problems.append(f"langkah '{element}' yang sedang menunggu tidak ada di versi baru")
                else:
                    problems.append(f"langkah '{element}' yang sudah dilalui kasus tidak ada di versi baru")
            elif task.has_state(_OPEN) and type(new).__name__ != type(spec).__name__:
                problems.append(f"langkah '{element}' berubah jenis ({type(spec).__name__} → {type(new).__name__})")
    return sorted(set(problems))


def rebind(runner: Any, workflow: Any, new_bundle: Any, now: datetime) -> Any:
    """The same workflow state, read against the new bundle's specs."""
    return runner.load(new_bundle, runner.dump(workflow), now)
