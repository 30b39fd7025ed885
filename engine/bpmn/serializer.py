"""Serialize running workflows without their spec; the spec lives once per diagram version."""

import json
from copy import deepcopy
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import DEFAULT_CONFIG as BPMN_CONFIG, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG as CAMUNDA_CONFIG
from SpiffWorkflow.task import Task

from engine.bpmn import bounded_loops
from engine.bpmn.timers import CLOCKED
from engine.bpmn.variable_call import serializer_config

STATE_FORMAT = "slrt-state-1"


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Converts a top-level workflow, leaving out the process and subprocess specs.

    Its own tasks are turned into dictionaries by `_task_dict` rather than through the registry:
    the same dictionary SpiffWorkflow's TaskConverter makes (tests/bpmn/test_serializer.py compares
    them on every scenario), without the registry's dispatch for each task and its empty
    internal data. Every change of a case serializes all its tasks, so this is on the write path.
    """

    def to_dict(self, workflow: Any) -> dict[str, Any]:
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def mapping_to_dict(self, mapping: Any, **kwargs: Any) -> dict[str, Any]:
        task_typename = self.registry.typenames.get(Task)
        return {str(key): self._task_dict(value, task_typename) if type(value) is Task
                else self.registry.convert(value, **kwargs) for key, value in mapping.items()}

    def _task_dict(self, task, typename):
        parent = task.parent
        if parent is None:
            data, delta = task.data, {}
        else:
            before, after = parent.data, task.data
            data = {}
            delta = {"updates": {key: value for key, value in after.items() if key not in before or value != before[key]},
                     "deletions": [key for key in before if key not in after]}
        return {
            "id": str(task.id),
            "parent": str(task._parent) if parent is not None else None,
            "children": [str(child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": self.registry.convert(task.internal_data) if task.internal_data else {},
            "data": data,
            "delta": delta,
            "typename": typename,
        }

    def from_dict(self, dct: dict[str, Any], spec: Any = None, subprocess_specs: Any = None) -> Any:
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _config(workflow_converter):
    config = deepcopy(CAMUNDA_CONFIG)
    for original, clocked in CLOCKED.items():
        config[clocked] = config[original]
    # the multi-instance specs a parsed diagram carries (camunda user tasks, plain BPMN script tasks)
    for kind, converter in [*config.items(), *BPMN_CONFIG.items()]:
        if bounded_loops.is_multi_instance(kind):
            config[bounded_loops.bounded_class(kind)] = converter
    config[BpmnWorkflow] = workflow_converter
    return serializer_config(config)


class StateSerializer:
    """Turns a workflow into a JSON string and back, given the bundle it runs on."""

    def __init__(self):
        self._state = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config(SpeclessWorkflowConverter)))
        self._full = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config(BpmnWorkflowConverter)))

    def dumps(self, workflow: BpmnWorkflow) -> str:
        """The workflow's state as JSON, without its specs."""
        dct = self._state.to_dict(workflow)
        dct["format"] = STATE_FORMAT
        return json.dumps(dct, separators=(",", ":"), ensure_ascii=False)

    def loads(self, text: str, bundle: Any) -> BpmnWorkflow:
        """Rebuild a workflow from `dumps` output and the bundle's specs."""
        dct = json.loads(text)
        dct.pop("format", None)
        return self._state.from_dict(dct, spec=bundle.spec, subprocess_specs=bundle.subprocess_specs)

    def spec_json(self, bundle: Any) -> str:
        """The bundle's process and subprocess specs as JSON, stored once per diagram version."""
        return json.dumps({
            "spec": self._full.to_dict(bundle.spec),
            "subprocess_specs": {k: self._full.to_dict(v) for k, v in bundle.subprocess_specs.items()},
        }, separators=(",", ":"), ensure_ascii=False)
