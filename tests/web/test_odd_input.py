"""Odd input an attacker would try never gives a server error: ids larger than any integer column holds,
digits that are not ASCII ('²'), NUL bytes in searches and filters (PostgreSQL refuses them in text)."""

import pytest

from tests.journeys import intake
from tests.web.test_pages import csrf_of, signed_in

BIG = "99999999999999999999"


@pytest.mark.parametrize("key", [BIG, "2147483648", "²", "١"])
def test_a_case_id_no_row_can_have_is_not_found(app, api, key):
    intake(api)
    manager = signed_in(app, "manajer.cianjur")
    for path in (f"/kasus/{key}", f"/audit/kasus/{key}", f"/audit/kasus/{key}/cetak", f"/audit/kasus/{key}/riwayat.json"):
        assert manager.get(path).status_code == 404, path
    assert signed_in(app, "fo.cianjur").get(f"/kasus/{key}/tanda-terima").status_code == 404
    for path in (f"/cases/{key}", f"/cases/{key}/events"):
        answer = api("manajer.cianjur").get(path)
        assert answer.status_code == 404 and answer.get_json()["message"] == "Kasus tidak ditemukan", path


def test_page_ids_larger_than_a_row_id_are_not_found(app):
    admin = signed_in(app, "admin.cianjur")
    assert admin.get(f"/admin/pengguna/{BIG}").status_code == 404
    assert admin.post(f"/akun/token/{BIG}/cabut", data={"csrf_token": csrf_of(admin, "/akun")}).status_code == 404
    assert admin.post(f"/admin/faq/{BIG}", data={"csrf_token": csrf_of(admin, "/admin/faq"), "pertanyaan": "x",
                                                 "jawaban": "y"}).status_code == 404
    analyst = signed_in(app, "analis.cianjur")
    assert analyst.get(f"/diagram/{BIG}").status_code == 404
    assert analyst.get(f"/alur-kerja/{BIG}/ubah").status_code == 404
    assert analyst.get(f"/alur-kerja/1/beda?dari={BIG}").status_code < 500


def test_odd_page_numbers_are_answered_and_nul_characters_refused_with_400(app, api):
    case = intake(api)
    officer = signed_in(app, "fo.cianjur")
    assert officer.get("/kotak-masuk?halaman=²").status_code == 200
    manager = signed_in(app, "manajer.cianjur")
    pages = {officer: ("/cari-kasus?q=ab%00cd", "/kotak-masuk?tiket=%00", "/kotak-masuk?program=%00&kanal=%00",
                       "/kotak-masuk?wilayah=%00", "/faq?program=%00", f"/kasus/{case['ticket']}%00", "/kotak-masuk?a%00=1"),
             manager: ("/audit/?q=%00", "/audit/?status=%00", "/dasbor?wilayah=%00", "/ekspor/kasus.csv?status=%00",
                       "/laporan/bulanan?bulan=%00", "/dasbor/kanal.csv?wilayah=%00")}
    for client, paths in pages.items():
        for path in paths:
            answer = client.get(path)
            assert answer.status_code == 400, path
            assert "Permintaan berisi karakter NUL yang tidak diterima" in answer.get_data(as_text=True), path
    form = officer.post("/meja-depan", data={"csrf_token": csrf_of(officer, "/meja-depan"), "uraian": "a\x00b"})
    assert form.status_code == 400
    for path in ("/cases?tiket=%00", "/tasks?tiket=%00", "/cases/%00", "/registry?nik=%00", "/public/cases/%00?kode=%00"):
        answer = api("manajer.cianjur").get(path)
        assert answer.status_code == 400 and "NUL" in answer.get_json()["message"], path
    body = {"kanal": "sekretariat", "wilayah": "3203012001", "jenis_keluhan": "pengaduan", "program": "PKH",
            "uraian": "Bantuan belum\u0000 diterima.", "pelapor": {"nama": "Siti\u0000"}}
    sent = api("fo.cianjur").post("/cases", json=body)  # NUL as the JSON escape \\u0000
    assert sent.status_code == 400, sent.get_json()
    assert api("fo.cianjur").get("/cases/%00?lang=en").get_json()["message"] == (
        "The request contains a NUL character, which is not accepted")
    assert app.test_client().get("/status?tiket=%00&kode=%00").status_code == 400


def test_the_error_pages_way_back_never_leads_to_another_site(app):
    officer = signed_in(app, "fo.cianjur")
    host = "http://localhost"
    inside = officer.get("/kasus/999999", headers={"Referer": f"{host}/kotak-masuk?halaman=2"}).get_data(as_text=True)
    assert 'href="/kotak-masuk?halaman=2"' in inside
    for referrer in (f"{host}//evil.example/x", f"{host}/\\evil.example", f"{host}/\t/evil.example"):
        page = officer.get("/kasus/999999", headers={"Referer": referrer}).get_data(as_text=True)
        assert "evil.example" not in page, referrer
