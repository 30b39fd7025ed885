"""Call activities whose called process is named by a case variable.

Convention (what Camunda Modeler writes for a Camunda 7 expression): `calledElement="${proses_sop}"`
calls the process whose id is the value of the case variable `proses_sop` when the activity
starts. The variable is set by the engine from the program catalogue, so a new program needs a
catalogue row and an SOP diagram, not a new branch in the main diagram. Every process of the
bundle is loaded as a subprocess spec, so whichever one the variable names can run.
"""

import re
from collections.abc import Iterable
from typing import Any, cast
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnSubWorkflowConverter
from SpiffWorkflow.bpmn.specs.defaults import CallActivity
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.camunda.parser.task_spec import CallActivityParser

from engine.errors import WorkflowFailure
from engine.i18n import N_

_VARIABLE = re.compile(r"^\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}$")


def called_variable(called_element: str | None) -> str | None:
    """The variable a `${name}` calledElement names, else None (a plain process id)."""
    match = _VARIABLE.match((called_element or "").strip())
    return match.group(1) if match else None


def variable_calls(process_specs: Iterable[Any]) -> tuple[str, ...]:
    """The variables that name called processes in these process specs (empty if none does)."""
    # a VariableCallActivity is made only for a calledElement that names a variable
    return tuple(sorted(cast(set[str], {called_variable(t.spec) for s in process_specs for t in s.task_specs.values()
                                        if isinstance(t, VariableCallActivity)})))


class VariableCallActivity(CallActivity):
    """A call activity that reads the id of the process to call from the case data when it starts."""

    def start_workflow(self, my_task: Any) -> None:
        name = called_variable(self.spec)
        target = my_task.data.get(name)
        top = my_task.workflow.top_workflow
        if not isinstance(target, str) or target not in top.subprocess_specs:
            my_task.error()
            raise WorkflowFailure(
                N_("proses yang dipanggil lewat variabel '{variabel}' ({proses}) tidak ada di diagram terbit",
                   variabel=name, proses=repr(target)),
                element_id=self.bpmn_id)
        subworkflow = top.create_subprocess(my_task, target)
        subworkflow.completed_event.connect(self._on_subworkflow_completed, my_task)
        self.copy_data(my_task, subworkflow)
        subworkflow.get_next_task(spec_name="Start").run()


class VariableCallActivityParser(CallActivityParser):
    """Builds a VariableCallActivity for `${name}` and the ordinary CallActivity otherwise."""

    def create_task(self) -> Any:
        if called_variable(self.node.get("calledElement")):
            self.spec_class = VariableCallActivity
        return super().create_task()


class CalledSubWorkflowConverter(BpmnSubWorkflowConverter):
    """Restores a called process by the spec it was started with (a variable call names no spec)."""

    def from_dict(self, dct: dict[str, Any], task: Any, top_workflow: Any) -> BpmnSubWorkflow:
        spec = top_workflow.subprocess_specs.get(dct.get("spec")) or top_workflow.subprocess_specs.get(
            task.task_spec.spec)
        subprocess = self.target_class(spec, task.id, top_workflow, deserializing=True)
        subprocess.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=subprocess)
        subprocess.task_tree = subprocess.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(subprocess, dct)
        return subprocess


def serializer_config(config: dict[Any, Any]) -> dict[Any, Any]:
    """Register the variable call activity and the subprocess converter in a serializer config."""
    config[VariableCallActivity] = config[CallActivity]
    config[BpmnSubWorkflow] = CalledSubWorkflowConverter
    return config
