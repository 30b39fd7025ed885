"""The printed monthly report ends with the latest signed checkpoint of the audit record (issue 20)."""

import shutil
import threading
from datetime import datetime, timezone

from werkzeug.serving import make_server

from engine.audit import checkpoint
from engine.config import load_settings
from tests.browser.conftest import SCREENSHOTS, screenshot, sign_in
from tests.conftest import Api, Clock
from tests.journeys import intake
from web import create_app


def test_the_monthly_report_prints_the_checkpoint_a_manager_can_hand_to_the_auditor(sqlite_template, tmp_path, page):
    template, tokens = sqlite_template
    database = tmp_path / "browser.db"
    shutil.copy(template, database)
    settings = load_settings(overrides={"database_url": f"sqlite:///{database}", "secret_key": "kunci-uji",
                                        "checkpoint_dir": str(tmp_path / "jangkar"),
                                        "checkpoint_key_file": str(tmp_path / "jangkar.key")})
    app = create_app(settings=settings, clock=Clock())
    client = app.test_client()
    for _ in range(3):
        intake(lambda user: Api(client, tokens[user]))
    with app.app_context():
        written = checkpoint.write(checkpoint.Store.from_settings(settings), datetime(2026, 11, 30, 9, tzinfo=timezone.utc))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        sign_in(page, base, "manajer.cianjur")
        page.goto(f"{base}/laporan/bulanan?bulan=2026-11")
        section = page.locator("section.jangkar")
        section.scroll_into_view_if_needed()
        text = section.inner_text()
        assert "Titik jangkar catatan audit" in text and "#1" in text
        assert "30-11-2026 16:00 WIB" in text  # the checkpoint's time in the district's zone
        assert written["kepala"] in text and written["mac"] in text
        screenshot(page, "20-laporan-bulanan-titik-jangkar")
        section.screenshot(path=str(SCREENSHOTS / "20-laporan-bulanan-titik-jangkar-bagian.png"))
    finally:
        server.shutdown()
