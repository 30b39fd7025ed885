"""Multi-instance activities with a bounded number of instances.

A multi-instance task opens one instance per item of its collection (or per unit of its
cardinality, an expression evaluated at run time); a case whose data names a million items must
not create a million tasks. Past MAX_INSTANCES the step fails with a message naming the element
and the case stays where it was. The class of each parsed multi-instance spec is swapped for a
bounded subclass (specs are not serialized with the case, so stored states are unaffected; the
version's stored spec JSON names the bounded classes, which the serializer registers).
"""

from collections.abc import Mapping, Sized
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

from engine.errors import WorkflowFailure
from engine.i18n import N_

MAX_INSTANCES = 200
_BOUNDED: dict[type, type] = {}


class _Bounded:
    """Refuses to create an instance past MAX_INSTANCES (parallel and sequential alike)."""

    def create_child(self, my_task: Any, item: Any, key_or_index: Any = None) -> Any:
        spec: Any = self
        if len(my_task.children) >= MAX_INSTANCES:
            count = _count(spec, my_task)
            raise WorkflowFailure(N_("'{elemen}' akan membuka {jumlah} instans; paling banyak {maks} per aktivitas "
                                     "multi-instance", elemen=spec.bpmn_name or spec.bpmn_id, jumlah=count,
                                     maks=MAX_INSTANCES), element_id=spec.bpmn_id)
        return super().create_child(my_task, item, key_or_index)  # type: ignore[misc]


def _count(spec, my_task):
    """How many instances the task asked for (for the message), else 'lebih dari' the bound."""
    value = spec.data_input.get(my_task) if spec.data_input is not None and spec.data_input.exists(my_task) else \
        my_task.internal_data.get("cardinality")
    if isinstance(value, int):
        return value
    return len(value) if isinstance(value, (Sized, Mapping)) else N_("lebih dari {maks}", maks=MAX_INSTANCES)


def bounded_class(kind: type) -> type:
    """The bounded subclass of a multi-instance spec class (one per class, made on first use)."""
    if kind not in _BOUNDED:
        dialect = "Camunda" if ".camunda." in kind.__module__ else ""  # unique names: the serializer's typenames
        _BOUNDED[kind] = type(f"Bounded{dialect}{kind.__name__}", (_Bounded, kind), {})
    return _BOUNDED[kind]


def is_multi_instance(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, MultiInstanceTask) and not issubclass(kind, _Bounded)


def bound(task_spec: Any) -> None:
    """Give a multi-instance task spec the bounded behaviour (other specs are left alone)."""
    if is_multi_instance(type(task_spec)):
        task_spec.__class__ = bounded_class(type(task_spec))
