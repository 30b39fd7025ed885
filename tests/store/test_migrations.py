"""The migrations are frozen: they import nothing from the live code, and what 0008 derives from the
existing cases and tasks equals what the live summary-row code derives from the same rows."""

import ast
import importlib.util
from pathlib import Path

import pytest

from engine.reports import rollups
from engine.store.models import db
from tests.reports.test_dashboards import WIB, known_cases  # noqa: F401 (fixture)

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_no_migration_imports_the_engine_or_the_web_app():
    scripts = sorted(MIGRATIONS.rglob("*.py"))
    assert len(scripts) >= 9  # env.py and every revision
    live = {str(path.relative_to(MIGRATIONS)): name for path in scripts for name in _imported_modules(path)
            if name.split(".")[0] in ("engine", "web")}
    assert live == {}


@pytest.mark.usefixtures("known_cases")
def test_migration_0008_fills_the_summary_rows_the_live_code_derives():
    spec = importlib.util.spec_from_file_location("m0008", MIGRATIONS / "versions" / "0008_dashboard_columns.py")
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    connection = db.session.connection()
    frozen = migration.facts_from_scratch(connection, WIB)
    assert frozen and frozen == rollups.computed_from_scratch(connection, WIB)
