"""SLRT complaint-routing engine: domain, BPMN adapter, storage and use cases."""
