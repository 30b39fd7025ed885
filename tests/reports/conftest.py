"""Fixtures shared by the dashboard and summary-row tests."""

from tests.reports.test_dashboards import known_cases  # noqa: F401 (the known complaints, worked through the API)
