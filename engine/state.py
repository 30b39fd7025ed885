"""What one app keeps between requests: the workflow runner with this installation's calendar and SLA
limits, and the caches of parsed diagrams, loaded workflows and registry aggregates.

It lives in `app.extensions["slrt"]` (put there by `init_app`), so two apps in one process (tests,
benchmarks) never share a cache: their databases may hold different rows under the same ids. Code that
runs inside an app context reaches it with `current()`, a dictionary look-up.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from engine.bpmn.functions import clock_functions
from engine.bpmn.runner import Runner
from engine.config import Settings
from engine.domain.sla import SlaPolicy
from engine.domain.workdays import WorkCalendar, calendar_from
from engine.people import catalogue

EXTENSION = "slrt"


class LruCache:
    """A small thread-safe least-recently-used mapping."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Any, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def pop(self, key: Any) -> Any:
        with self.lock:
            return self.items.pop(key, None)

    def put(self, key: Any, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def forget(self, keep: Any = None) -> None:
        """Drop every entry, or those whose key `keep(key)` is false for."""
        with self.lock:
            for key in [k for k in self.items if keep is None or not keep(k)]:
                del self.items[key]

    def __len__(self) -> int:
        return len(self.items)


@dataclass
class EngineState:
    """One app's runner, SLA set-up and caches."""

    settings: Settings
    calendar: WorkCalendar
    policy: SlaPolicy
    runner: Runner
    offset_hours: int  # the UTC offset the dashboards' months are counted in (sla.utc_offset_jam)
    workflows: LruCache = field(default_factory=lambda: LruCache(256))  # (case, revision) -> (workflow, snapshot)
    bundles: dict = field(default_factory=dict)  # diagram version id -> parsed bundle (never evicted)
    bundles_lock: threading.Lock = field(default_factory=threading.Lock)
    registry_groups: LruCache = field(default_factory=lambda: LruCache(64))  # dashboard registry aggregates


def build(settings: Settings) -> EngineState:
    """The state of a new app with these settings: the runner knows the working days and SLA limits."""
    calendar, policy = calendar_from(settings.sla), SlaPolicy.from_config(settings.sla)
    runner = Runner(clock_functions=clock_functions(calendar, policy), option_sources=catalogue.option_sources,
                    derive=catalogue.derive)
    offset = int((settings.sla or {}).get("utc_offset_jam", 7))
    return EngineState(settings, calendar, policy, runner, offset)


def init_app(app: Flask, settings: Settings) -> EngineState:
    """Give `app` its own state."""
    state = app.extensions[EXTENSION] = build(settings)
    return state


def current() -> EngineState:
    """The state of the app of the current context."""
    return current_app.extensions[EXTENSION]
