"""One time rule: every page shows the district's local time with its zone label (issue 17.6).

The demo's two districts lie in different zones: Cianjur (West Java) in WIB, Kendari (Southeast
Sulawesi) in WITA. The live server's clock stands at 02:00 UTC, i.e. 09:00 WIB and 10:00 WITA.
"""

from engine.demo.seed import KENDARI_VILLAGE
from tests.browser.conftest import screenshot, sign_in
from tests.journeys import intake

KENDARI_NIK = "7471010101900001"


def _no_utc(page):
    return "UTC" not in page.locator("main").inner_text()


def test_a_kendari_case_reads_in_wita_on_case_history_audit_report_and_export(live_server, page, http_api):
    base = live_server
    case = intake(http_api, user="fo.kendari", nik=KENDARI_NIK, wilayah=KENDARI_VILLAGE)
    sign_in(page, base, "manajer.kendari")

    page.goto(f"{base}/kasus/{case['id']}")
    history = page.get_by_role("region", name="Riwayat")
    assert history.get_by_role("columnheader", name="Waktu", exact=True).count() == 1
    assert "23-11-2026 10:00 WITA" in history.inner_text()
    assert _no_utc(page)
    screenshot(page, "17-6-riwayat-kasus-kendari-wita")

    page.goto(f"{base}/audit/kasus/{case['id']}")
    timeline = page.locator("#lini-masa")
    assert "23-11-2026 10:00 WITA" in timeline.inner_text()
    step = page.locator("main").inner_text()  # the step's heading, its open tasks and timers, written by the script
    assert "23-11-2026 10:00 WITA · oleh" in step and "26-11-2026 10:00 WITA" in step
    changed = page.locator("#langkah-data").inner_text()  # the variables by name, not code (issue 17.7)
    assert "Jenis keluhan" in changed and "jenis_keluhan" not in changed
    assert _no_utc(page)
    screenshot(page, "17-6-audit-kendari-wita")

    page.goto(f"{base}/audit/kasus/{case['id']}/cetak")
    assert "23-11-2026 10:00:00 WITA" in page.locator("table.riwayat-cetak").inner_text()
    assert _no_utc(page)

    page.goto(f"{base}/laporan/bulanan?bulan=2026-11")
    assert "23-11-2026 10:00 WITA" in page.locator("main").inner_text()  # when the report was made
    assert _no_utc(page)
    screenshot(page, "17-6-laporan-bulanan-kendari-wita")

    export = page.request.get(f"{base}/ekspor/kasus.csv").text()
    row = next(line for line in export.splitlines() if case["ticket"] in line)
    assert "23-11-2026 10:00 WITA" in row and "WIB" not in export and "+00:00" not in export


def test_a_cianjur_case_reads_in_wib_for_its_officers_and_auditor(live_server, page, http_api):
    base = live_server
    case = intake(http_api)
    sign_in(page, base, "manajer.cianjur")
    page.goto(f"{base}/kasus/{case['id']}")
    assert "23-11-2026 09:00 WIB" in page.get_by_role("region", name="Riwayat").inner_text()
    assert _no_utc(page)

    page.context.clear_cookies()
    sign_in(page, base, "auditor.cianjur")
    page.goto(f"{base}/audit/?q={case['ticket']}")
    row = page.get_by_role("row").filter(has_text=case["ticket"])
    assert "23-11-2026 09:00 WIB" in row.inner_text()
    assert page.get_by_role("columnheader", name="Diperbarui", exact=True).count() == 1
    assert _no_utc(page)
    screenshot(page, "17-6-audit-cari-cianjur-wib")
