"""Every shipped process diagram opens in bpmn-js (served locally from npm) with no import warning."""

from pathlib import Path

from tests.browser.conftest import screenshot, sign_in, wait_for

ROOT = Path(__file__).resolve().parents[2]


def test_every_diagram_opens_in_bpmn_js_without_import_warnings(live_server, page):
    outside = []
    page.on("request", lambda request: None if request.url.startswith(live_server) else outside.append(request.url))
    sign_in(page, live_server, "analis.cianjur")
    page.goto(f"{live_server}/diagram/1")
    wait_for(page, "window.slrtDiagramsDone === true", timeout=30000)
    results = page.evaluate("window.slrtDiagrams")
    expected = {f"workflows/{p.name}" for p in ROOT.glob("workflows/*.bpmn")}
    assert set(results) == expected
    for name, result in results.items():
        assert result == {"warnings": [], "error": None}, name
    assert page.locator(".djs-element").count() > 100  # shapes were really drawn
    assert outside == []  # nothing was fetched from outside the app
    screenshot(page, "diagram-versi-1")
