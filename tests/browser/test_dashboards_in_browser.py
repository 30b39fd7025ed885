"""The district and the provincial dashboard in a real browser: charts drawn by the locally served
Chart.js from the same numbers as the tables beside them; screenshots of both and of a report."""

import re

from tests.browser.conftest import screenshot, sign_in
from tests.journeys import BERI_TAHU, TELAAH, UNREGISTERED_NIK, act, intake, telaah


class _Response:
    def __init__(self, response):
        self.status_code = response.status
        self._response = response

    def get_json(self):
        return self._response.json()


class _HttpApi:
    """The journeys' API client over real HTTP (Playwright's request context) instead of Flask's test client."""

    def __init__(self, request, base_url, token):
        self.request, self.base, self.headers = request, f"{base_url}/api/v1", {"Authorization": f"Bearer {token}"}

    def get(self, path):
        return _Response(self.request.get(self.base + path, headers=self.headers))

    def post(self, path, json=None):
        return _Response(self.request.post(self.base + path, headers=self.headers, data=json))


def _some_complaints(page, base_url, tokens):
    def api(user):
        return _HttpApi(page.request, base_url, tokens[user])

    answered = intake(api, jenis_keluhan="pertanyaan")
    act(api, "fo.cianjur", answered["id"], TELAAH, telaah(jenis="pertanyaan"))
    act(api, "fo.cianjur", answered["id"], "Task_JawabPertanyaan", {"jawaban": "Bulan depan."})
    local = intake(api)
    act(api, "fo.cianjur", local["id"], TELAAH, telaah())
    act(api, "bo.sosial", local["id"], "Task_BackOffice", {
        "ditangani_langsung": True, "hasil_penanganan": "Selesai.", "pokok_masalah": "penyaluran_bantuan",
        "program": "PKH"})
    act(api, "fo.cianjur", local["id"], "Task_BeriTahu", BERI_TAHU)
    intake(api, program="BPNT")
    intake(api, nik=UNREGISTERED_NIK, program="LAINNYA")
    intake(api, user="fo.puskesos.sayang", kanal="puskesos", program="PIS-PBI")


def _charts_match_tables(page):
    """Every canvas holds a drawn Chart.js chart whose first series equals its table's column."""
    return page.evaluate("""() => [...document.querySelectorAll('canvas[id^=grafik-]')].map(canvas => {
        const chart = Chart.getChart(canvas);
        const key = canvas.id.replace('grafik-', '');
        return {key, drawn: !!chart, labels: chart ? chart.data.labels.length : -1,
                rows: document.querySelectorAll('#tabel-' + key + ' tbody tr').length,
                described: canvas.getAttribute('role') === 'img' && !!canvas.getAttribute('aria-label')};
    })""")


def test_district_and_provincial_dashboards_draw_their_charts_beside_their_tables(live_server, page, sqlite_template):
    base = live_server
    _template, tokens = sqlite_template
    outside = []
    page.on("request", lambda request: None if request.url.startswith(base) else outside.append(request.url))
    _some_complaints(page, base, tokens)

    sign_in(page, base, "manajer.cianjur")
    page.get_by_role("link", name="Dasbor").click()
    page.wait_for_url(f"{base}/dasbor")
    page.wait_for_selector("body[data-grafik=siap]")
    assert page.get_by_role("heading", level=1).inner_text() == "Dasbor Kabupaten/Kota: Kabupaten Cianjur"
    charts = _charts_match_tables(page)
    assert len(charts) >= 15
    assert all(c["drawn"] and c["described"] and c["labels"] == c["rows"] for c in charts), charts
    kanal = page.locator("#tabel-kanal")
    assert kanal.get_by_role("row", name=re.compile(r"^Sekretariat SLRT 4 2 2$")).count() == 1
    assert kanal.get_by_role("row", name=re.compile(r"^Puskesos 1 0 1$")).count() == 1
    drawn = page.evaluate("() => Chart.getChart(document.getElementById('grafik-kanal')).data.datasets[0].data")
    assert drawn == [4, 1]
    screenshot(page, "dasbor-kabupaten")

    with page.expect_download() as download:
        page.locator("#tabel-kanal").locator("xpath=..").get_by_role("link", name=re.compile("Unduh CSV")).click()
    assert download.value.suggested_filename.startswith("kanal-3203-")

    page.get_by_role("link", name="Laporan bulanan").click()
    page.wait_for_url(re.compile(r".*/laporan/bulanan.*"))
    assert page.get_by_role("heading", level=1).inner_text() == "Laporan bulanan pelaksanaan SLRT"
    screenshot(page, "laporan-bulanan-kabupaten")

    page.get_by_role("button", name="Keluar").click()
    sign_in(page, base, "manajer.jabar")
    page.goto(f"{base}/dasbor")
    page.wait_for_selector("body[data-grafik=siap]")
    assert page.get_by_role("heading", level=1).inner_text() == "Dasbor Provinsi: Jawa Barat"
    area = page.locator("#tabel-wilayah")
    assert area.get_by_role("row", name=re.compile(r"^3203 Kabupaten Cianjur 5 2 3$")).count() == 1
    assert all(c["drawn"] and c["labels"] == c["rows"] for c in _charts_match_tables(page))
    screenshot(page, "dasbor-provinsi")
    page.goto(f"{base}/dasbor?lang=en")
    page.wait_for_selector("body[data-grafik=siap]")
    assert page.get_by_role("heading", level=1).inner_text() == "Provincial dashboard: Jawa Barat"
    screenshot(page, "dasbor-provinsi-en")
    assert outside == []
