"""Evaluate one DMN decision table against a plain dict, exactly as the engine would in a case."""

from types import SimpleNamespace
from typing import Any

from SpiffWorkflow.dmn.parser.BpmnDmnParser import BpmnDmnParser

from engine.bpmn.parser import StrictDMNEngine, safe_xml
from engine.bpmn.sandbox import SandboxedScriptEngine


def load_decision(content: str | bytes, filename: str = "decision.dmn") -> StrictDMNEngine:
    """The strict engine of the single decision in a DMN file."""
    parser = BpmnDmnParser()
    parser.add_dmn_xml(safe_xml(content, filename), filename=filename)
    (dmn_parser,) = parser.dmn_parsers.values()
    dmn_parser.parse()
    return StrictDMNEngine(dmn_parser.decision.decisionTables[0])


def _plain_task(inputs):
    """The little of a SpiffWorkflow task that a decision table reads: data and a script engine."""
    workflow = SimpleNamespace(script_engine=SandboxedScriptEngine())
    return SimpleNamespace(data=dict(inputs), workflow=workflow,
                           task_spec=SimpleNamespace(bpmn_id=None, bpmn_name=None))


def decide(engine: StrictDMNEngine, inputs: dict[str, Any]) -> Any:
    """The outputs of the first matching rule for `inputs` (WorkflowFailure when none matches)."""
    return engine.result(_plain_task(inputs))


def matching_rules(engine: StrictDMNEngine, inputs: dict[str, Any]) -> list:
    """Row numbers of every rule that matches (to find overlaps under UNIQUE)."""
    task = _plain_task(inputs)
    matches = []
    for rule in engine.decision_table.rules:
        if all(_cell_matches(engine, entry, lhs, task) for entry in rule.inputEntries for lhs in entry.lhs):
            matches.append(rule.row_number)
    return matches


def _cell_matches(engine, entry, lhs, task):
    if lhs is None or lhs.strip() in ("", "-"):
        return True
    return bool(engine.evaluate(entry.input.expression, lhs, task))
