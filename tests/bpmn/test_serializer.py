"""The stored workflow state is exactly what SpiffWorkflow's own converters would write.

engine/bpmn/serializer.py turns a workflow's tasks into dictionaries itself (the write path does it
on every change). Here every scenario of the suite is played in memory on the published complaint
process, and after the start, every completion and a firing of every due timer, the state
written is compared byte for byte with what the library's TaskConverter makes of the same
workflow, and read back into a workflow that writes the same state again.
"""

import json
from datetime import timedelta

from sqlalchemy import select
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.helpers.bpmn_converter import BpmnConverter

from engine.bpmn.serializer import STATE_FORMAT, SpeclessWorkflowConverter, _config
from engine.domain.actor import Actor
from engine.processes import versions
from engine.cases import intake
from engine.processes import dry_run
from engine.cases.persistence import RUNNER
from engine.store.models import User, db


class _LibraryTasks(SpeclessWorkflowConverter):
    """The same converter with SpiffWorkflow's own task conversion (through its registry)."""

    mapping_to_dict = BpmnConverter.mapping_to_dict


LIBRARY = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config(_LibraryTasks)))


def _library_dump(workflow):
    return json.dumps({**LIBRARY.to_dict(workflow), "format": STATE_FORMAT}, separators=(",", ":"),
                      ensure_ascii=False)


def test_state_written_equals_spiffworkflows_own_at_every_step(app, clock):
    settings = app.config["SLRT_SETTINGS"]
    bundle = versions.bundle_for(versions.latest_version_id(settings.main_process))
    seen = {"states": 0, "tasks": 0, "internal_data": 0, "deletions": 0}

    def check(workflow):
        state = RUNNER.dump(workflow)
        assert state == _library_dump(workflow)
        assert RUNNER.dump(RUNNER.load(bundle, state, clock())) == state
        tasks = json.loads(state)["tasks"].values()
        seen["states"] += 1
        seen["tasks"] += len(tasks)
        seen["internal_data"] += sum(1 for t in tasks if t["internal_data"])
        seen["deletions"] += sum(1 for t in tasks if t["delta"].get("deletions"))

    for _name, scenario in dry_run.suite(settings):
        officer, payload = dry_run.intake_payload(scenario)
        actor = Actor.of(db.session.scalar(select(User).where(User.username == officer)))
        now = clock()
        workflow = RUNNER.start(bundle, intake.prepare(actor, payload, now), now)
        check(workflow)
        for step in scenario["langkah"]:
            now += timedelta(minutes=5)
            task = next(t for t in RUNNER.ready_tasks(bundle, workflow) if t.element_id == step["tugas"])
            RUNNER.complete(bundle, workflow, task.id, step.get("data", {}), now)
            check(workflow)
        if not workflow.completed:  # the open tasks' limits pass: reminders and escalations fire
            RUNNER.fire_due_timers(workflow, now + timedelta(days=60))
            check(workflow)
    # the comparison covered the parts of a task that are not always empty
    assert seen["states"] > 150 and seen["internal_data"] > 0 and seen["deletions"] > 0, seen
