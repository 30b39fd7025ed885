"""The lock files agree with pyproject.toml: every pinned dependency is locked at the same version,
so `./run` installs exactly what pyproject.toml names (with every transitive package hashed)."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _name(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lines):
    return {_name(m.group(1)): m.group(2) for m in map(PIN.match, lines) if m}


def _locked(filename):
    text = (ROOT / filename).read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=\S)", text)
    for block in blocks:  # every locked package carries its hashes
        if PIN.match(block):
            assert "--hash=sha256:" in block, block.splitlines()[0]
    return _pins(text.splitlines())


def test_every_pin_in_pyproject_equals_the_version_in_the_lock_files():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _pins(project["dependencies"])
    test = _pins(project["optional-dependencies"]["test"])
    assert len(runtime) == len(project["dependencies"]) and len(test) == len(project["optional-dependencies"]["test"])
    runtime_lock, test_lock = _locked("requirements.lock"), _locked("requirements-test.lock")
    assert {name: runtime_lock.get(name) for name in runtime} == runtime
    assert {name: test_lock.get(name) for name in {**runtime, **test}} == {**runtime, **test}
    # the test lock is the runtime lock and more: the same versions for what both hold
    assert {name: test_lock.get(name) for name in runtime_lock} == runtime_lock
    assert not set(test) & set(runtime_lock)  # the test tools stay out of the runtime
