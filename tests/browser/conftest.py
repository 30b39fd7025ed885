"""Browser tests: the real app on a loopback port, driven by Debian's Chromium through Playwright.

Screenshots are written to test-output/screenshots/ so a reviewer can look at every page.
"""

import shutil
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, Clock, _settings
from web import create_app

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


@pytest.fixture
def live_server(sqlite_template, tmp_path):
    """The app serving a fresh copy of the demo database on 127.0.0.1 (a free port)."""
    template, _tokens = sqlite_template
    database = tmp_path / "browser.db"
    shutil.copy(template, database)
    app = create_app(settings=_settings(f"sqlite:///{database}"), clock=Clock())
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID")
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/masuk")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(lambda url: url.startswith(base_url) and "/masuk" not in url)  # each role's start page


def wait_for(page, expression, timeout=10000):
    """Wait until the page-side expression is truthy, asking from outside the page.

    Playwright's ``wait_for_function`` polls with ``eval`` inside the page, which the site's CSP
    (``script-src 'self'``, no 'unsafe-eval') forbids once the first check comes out false;
    ``page.evaluate`` goes through the DevTools protocol, which the policy does not govern.
    """
    deadline = time.monotonic() + timeout / 1000
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} ms: {expression}")
        page.wait_for_timeout(50)


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


class _Answer:
    """A Playwright API response answering like Flask's test response (status_code, get_json)."""

    def __init__(self, response):
        self.status_code = response.status
        self._body = response.json() if response.body() else None

    def get_json(self):
        return self._body


class HttpApi:
    """The JSON API of the live server as one demo officer: the same calls as tests.conftest.Api,
    so the journeys in tests/journeys.py prepare a case for a browser test over real HTTP."""

    def __init__(self, request, base_url, token):
        self.request, self.base, self.headers = request, f"{base_url}/api/v1", {"Authorization": f"Bearer {token}"}

    def get(self, path):
        return _Answer(self.request.get(f"{self.base}{path}", headers=self.headers))

    def post(self, path, json=None, headers=None):
        return _Answer(self.request.post(f"{self.base}{path}", data=json, headers={**self.headers, **(headers or {})}))


@pytest.fixture
def http_api(live_server, sqlite_template, browser):
    """http_api('fo.cianjur') calls the live server's API with that demo officer's token."""
    _template, tokens = sqlite_template
    context = browser.new_context()
    yield lambda username: HttpApi(context.request, live_server, tokens[username])
    context.close()
