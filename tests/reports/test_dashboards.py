"""Dashboards and reports over a known set of complaints, built through the API with a moved clock,
on SQLite and PostgreSQL: every indicator's value, the scopes, the exports and who may see them."""

import csv
import io
import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

import pytest
from flask import g
from openpyxl import load_workbook
from sqlalchemy import select

from engine.domain.actor import Actor
from engine.people import catalogue
from engine.errors import Forbidden, InvalidInput
from engine.reports import figures
from engine.demo.seed import KENDARI_VILLAGE, KNOWN_KK
from engine.store.models import Household, HouseholdMember, db

from tests.conftest import PASSWORD, START
from tests.journeys import BERI_TAHU, KNOWN_NIK, TELAAH, UNREGISTERED_NIK, act, intake, telaah

PROGRAM = tuple(p.code for p in catalogue.initial_rows())  # the seeded catalogue, in its order

MANAJER = "manajer.cianjur"
NOW_HOURS = 260  # the dashboards are read at START + 260 h (Thursday 3 December 2026, 23:00 WIB)
WIB = 7
DISTRICT = Actor(1, MANAJER, "manajer", "3203")
PROVINCE = Actor(2, "manajer.jabar", "manajer", "32")
NATIONAL = Actor(3, "pemantau.nasional", "pemantau", "")


def _at(clock, hours):
    clock.now = START + timedelta(hours=hours)


def _bo(program, pokok, local):
    return {"ditangani_langsung": local, "hasil_penanganan": "Ditangani.", "pokok_masalah": pokok, "program": program}


@pytest.fixture
def known_cases(api, clock):
    """Ten complaints whose every step happens at a known hour (see the comments for each case)."""
    # I: a question registered in October by a man with a disability, answered on 23 November (937 h)
    clock.now = datetime(2026, 10, 15, 2, 0, tzinfo=timezone.utc)
    pelapor_i = {"nik": "3203011203800002", "nama": "Ujang", "telepon": "0812", "alamat": "Sayang",
                 "jenis_kelamin": "L", "disabilitas": True, "penerima_manfaat": False}
    i = intake(api, jenis_keluhan="pertanyaan", pelapor=pelapor_i)["id"]
    _at(clock, 0)
    a = intake(api, jenis_keluhan="pertanyaan", program="BPNT")["id"]      # A: question, answered at 5 h
    b = intake(api)["id"]                                                   # B: PKH, resolved by back office, 4 h
    c = intake(api)["id"]                                                   # C: PKH referral answered late, 244 h
    d = intake(api, program="BPNT")["id"]                                   # D: BULOG bounces it, Tikor never answers
    e = intake(api, nik=UNREGISTERED_NIK, program="LAINNYA")["id"]          # E: pre-list, verified eligible, 29 h
    f = intake(api, nik=UNREGISTERED_NIK, program="LAINNYA")["id"]          # F: pre-list waiting for the supervisor
    gg = intake(api, program="BPNT")["id"]                                  # G: membership update refused, appealed
    pelapor_p = {"nik": KNOWN_NIK, "nama": "Asep", "telepon": "0813", "alamat": "Sayang",
                 "jenis_kelamin": "L", "disabilitas": False, "penerima_manfaat": True}
    # P: 2 h; a household in the DTKS, so the Puskesos handles it itself (not the pre-list route, issue 18)
    p = intake(api, user="fo.puskesos.sayang", kanal="puskesos", program="PIS-PBI", pelapor=pelapor_p)["id"]
    intake(api, user="fo.kendari", wilayah=KENDARI_VILLAGE, jenis_keluhan="pertanyaan")  # H: Kendari, untouched
    act(api, "fo.cianjur", i, TELAAH, telaah(jenis="pertanyaan"))

    _at(clock, 1)
    act(api, "fo.cianjur", i, "Task_JawabPertanyaan", {"jawaban": "Tahap IV bulan Desember."})
    for case_id in (b, c):
        act(api, "fo.cianjur", case_id, TELAAH, telaah())
    act(api, "fo.cianjur", d, TELAAH, telaah(program="BPNT", pokok_masalah="kualitas_beras"))
    for case_id in (e, f):
        act(api, "fo.cianjur", case_id, TELAAH, telaah(program="LAINNYA", kategori="kepesertaan",
                                                        pokok_masalah="tidak_terdaftar"))
    act(api, "fo.cianjur", gg, TELAAH, telaah(program="BPNT", kategori="kepesertaan",
                                              pokok_masalah="data_tidak_sesuai"))
    act(api, "bo.puskesos.sayang", p, "Task_TanganiPuskesos", {
        "ditangani_langsung": True, "hasil_penanganan_puskesos": "Selesai di desa.", "jenis_keluhan": "pengaduan",
        "program": "PIS-PBI", "pokok_masalah": "layanan_kesehatan", "kategori": "non_kepesertaan"})

    _at(clock, 2)
    act(api, "fo.cianjur", a, TELAAH, telaah(program="BPNT", jenis="pertanyaan"))
    act(api, "bo.sosial", b, "Task_BackOffice", _bo("PKH", "penyaluran_bantuan", True))
    act(api, "bo.sosial", c, "Task_BackOffice", _bo("PKH", "penyaluran_bantuan", False))
    act(api, "bo.sosial", d, "Task_BackOffice", _bo("BPNT", "kualitas_beras", False))
    profil = {"jumlah_anggota_keluarga": 4, "pekerjaan_kepala_keluarga": "buruh", "penghasilan_bulanan": 800000,
              "kondisi_rumah": "tidak_layak_huni", "alasan_usulan": "Tidak berpenghasilan tetap."}
    act(api, "fo.cianjur", e, "Task_ProfilPraDaftar", profil)
    act(api, "fo.cianjur", f, "Task_ProfilPraDaftar", profil)
    act(api, MANAJER, gg, "Kep_Setujui", {"keputusan_manajer": "setuju"})
    act(api, "fo.puskesos.sayang", p, "Task_BeriTahu", BERI_TAHU)

    _at(clock, 3)
    act(api, MANAJER, c, "Pkh_Setujui", {"keputusan_manajer": "setuju"})
    act(api, MANAJER, d, "Bpnt_Setujui", {"keputusan_manajer": "setuju"})
    act(api, "supervisor.cianjur", e, "Task_TinjauPraDaftar", {"keputusan_supervisor": "setuju"})
    _at(clock, 4)
    act(api, "fo.cianjur", b, "Task_BeriTahu", BERI_TAHU)
    act(api, MANAJER, e, "Task_SetujuiPraDaftar", {"keputusan_manajer": "setuju"})
    _at(clock, 5)
    act(api, "fo.cianjur", a, "Task_JawabPertanyaan", {"jawaban": "Silakan ke e-warong terdekat."})
    act(api, "pp.bulog", d, "Bpnt_Tanggapi", {"tanggapan_rujukan": "bukan_wewenang", "isi_tanggapan": "Bukan kami."})
    _at(clock, 6)
    act(api, "bo.sosial", d, "Task_BackOffice", _bo("BPNT", "penyaluran_bantuan", False))
    _at(clock, 7)
    act(api, MANAJER, d, "Bpnt_Setujui", {"keputusan_manajer": "setuju"})
    _at(clock, 28)
    act(api, "pp.pokja", e, "Task_HasilVerifikasi", {"hasil_verifikasi": "layak"})
    _at(clock, 29)
    act(api, "fo.cianjur", e, "Task_BeriTahu", BERI_TAHU)
    _at(clock, 243)
    act(api, "pp.kemensos", c, "Pkh_Tanggapi", {"tanggapan_rujukan": "diterima", "isi_tanggapan": "Dicairkan."})
    _at(clock, 244)
    act(api, "fo.cianjur", c, "Task_BeriTahu", BERI_TAHU)
    _at(clock, 250)
    act(api, "pp.pokja", gg, "Kep_Tanggapi", {"tanggapan_rujukan": "ditolak", "isi_tanggapan": "Data sesuai."})
    _at(clock, 251)
    act(api, "fo.cianjur", gg, "Task_BeriTahu", {**BERI_TAHU, "puas": False, "banding": True})
    _at(clock, NOW_HOURS)
    return clock.now


def _board(actor, now, **kwargs):
    return figures.dashboard(actor, figures.resolve_scope(actor, now, WIB, **kwargs), now)


def test_district_dashboard_counts_every_indicator_of_the_known_complaints(known_cases):
    board = _board(DISTRICT, known_cases)
    t = board.tables()
    assert board.scope.level == "kabupaten" and board.area_name == "Kabupaten Cianjur"
    assert board.scope.months == tuple(f"2026-{m:02d}" for m in range(1, 13))
    assert board.headline == [
        ("Pengaduan diterima", 9, ""), ("Selesai", 6, ""), ("Masih diproses", 3, ""),
        ("Tugas terlambat saat ini", 2, ""), ("Tugas tepat waktu", 90.6, "%"),
        ("Median waktu penyelesaian", 0.2, "hari"), ("Persentil 90 waktu penyelesaian", 39.0, "hari"),
        ("Banding diajukan", 1, ""), ("Dikembalikan: bukan wewenang", 1, "")]
    # the five items of the Pedoman
    assert t["usulan_dtppfm"].rows == [("Usulan penambahan (pra-daftar)", 2, 1, 0, 0, 1),
                                       ("Usulan pemutakhiran (perubahan profil/kepesertaan)", 1, 0, 1, 0, 0)]
    assert t["kepesertaan_program"].column("Kebutuhan: pengaduan kepesertaan") == {
        "PKH": 0, "BPNT": 1, "PIP": 0, "PIS-PBI": 0, "DAERAH": 0, "NONPEMERINTAH": 0, "LAINNYA": 2}
    assert t["profil_pelapor"].rows == [("Laki-laki", 2, 1, 1), ("Perempuan", 7, 0, 7)]
    # complaints received
    # labels, never codes (issue 17.7)
    assert t["kanal"].rows == [("Sekretariat SLRT", 8, 5, 3), ("Puskesos", 1, 1, 0)]
    assert t["jenis_keluhan"].rows == [("Pertanyaan", 2, 2, 0), ("Pengaduan", 7, 4, 3)]
    assert t["kategori"].rows == [("Kepesertaan", 3, 1, 2), ("Non-kepesertaan", 6, 5, 1)]
    assert t["program"].rows == [("PKH", 3, 3, 0), ("BPNT", 3, 1, 2), ("PIS-PBI", 1, 1, 0), ("Program lainnya", 2, 1, 1)]
    assert t["wilayah"].rows == [("320301", "Cianjur", 9, 6, 3)]
    trend = {month: (received, closed) for month, received, closed in t["tren"].rows}
    assert {m: v for m, v in trend.items() if v != (0, 0)} == {"2026-10": (1, 0), "2026-11": (8, 5),
                                                              "2026-12": (0, 1)}
    # handling
    assert t["penyelesaian"].rows == [("Diselesaikan tanpa rujukan", 4, 44.4), ("Dirujuk dan dijawab", 2, 22.2),
                                      ("Ditolak manajer", 0, 0.0), ("Masih diproses", 3, 33.3)]
    assert t["hasil_akhir"].rows == [("Pertanyaan dijawab", 2), ("Pra-daftar: layak", 1), ("Rujukan diterima", 1),
                                     ("Diselesaikan tanpa rujukan", 1), ("Diselesaikan di Puskesos", 1)]
    assert t["instansi"].rows == [
        # agency, sent, answered, waiting, accepted, refused, review, not ours, % on time, median d, p90 d
        ("Perum BULOG", 1, 1, 0, 0, 0, 0, 1, 100.0, 0.1, 0.1),
        ("Kementerian Sosial, Direktorat Jaminan Sosial Keluarga", 1, 1, 0, 1, 0, 0, 0, 0.0, 10.0, 10.0),
        ("Kelompok Kerja Pengelola Data Terpadu", 2, 2, 0, 1, 1, 0, 0, 50.0, 1.0, 10.3),
        ("Tim Koordinasi Bansos Pangan (Kementerian Dalam Negeri)", 1, 0, 1, 0, 0, 0, 0, None, None, None)]
    assert t["tepat_waktu"].rows == [
        ("Semua tahap", 32, 29, 90.6),
        ("Catat hasil verifikasi dan validasi", 1, 1, 100.0), ("Catat profil usulan pra-daftar", 2, 2, 100.0),
        ("Jawab pertanyaan dengan informasi program", 2, 2, 100.0), ("Sampaikan hasil kepada pelapor", 5, 5, 100.0),
        ("Setujui rujukan", 4, 4, 100.0), ("Setujui usulan pra-daftar", 1, 1, 100.0),
        ("Tangani di Puskesos", 1, 1, 100.0), ("Tangani keluhan di back office", 4, 4, 100.0),
        ("Tanggapi rujukan", 3, 1, 33.3), ("Telaah dan analisis keluhan", 8, 7, 87.5),
        ("Tinjau usulan pra-daftar", 1, 1, 100.0)]
    assert t["tahap_terbuka"].rows == [("Tanggapi rujukan", 1, 1), ("Tinjau usulan pra-daftar", 1, 1),
                                       ("Tinjau banding", 1, 0)]
    # closing hours: P 2, B 4, A 5, E 29, C 244, I 937 (nearest rank: median the 3rd, p90 the 6th)
    assert t["waktu_penyelesaian"].rows == [("Semua kasus", 6, 0.2, 39.0), ("PKH", 3, 10.2, 39.0),
                                            ("BPNT", 1, 0.2, 0.2), ("PIS-PBI", 1, 0.1, 0.1),
                                            ("LAINNYA", 1, 1.2, 1.2)]
    assert t["banding"].rows == [("Banding diajukan", 1), ("Banding diterima", 0), ("Banding ditolak", 0),
                                 ("Banding menunggu keputusan", 1), ("Rujukan dikembalikan: bukan wewenang", 1)]


def _registry_reference(prefix):
    """The DTKS figures counted in Python from the rows themselves, to check the SQL aggregates."""
    households = [h for h in db.session.scalars(select(Household)) if h.wilayah.startswith(prefix)]
    programs_of = {h.no_kk: tuple(p for p in PROGRAM if p in (h.programs or [])) for h in households}
    members = [m for m in db.session.scalars(select(HouseholdMember)) if m.no_kk in programs_of]
    per_program = defaultdict(Counter)
    for kk, programs in programs_of.items():
        for program in programs:
            per_program[program]["rt"] += 1
    for m in members:
        for program in programs_of[m.no_kk]:
            per_program[program]["jiwa"] += 1
            per_program[program]["p"] += m.jenis_kelamin == "P"
            per_program[program]["dis"] += bool(m.disabilitas)
    combos = Counter(" + ".join(p) or "Tanpa program" for p in programs_of.values())
    desil = defaultdict(Counter)
    for h in households:
        desil[str(h.desil)]["semua"] += 1
        desil[str(h.desil)]["ya" if programs_of[h.no_kk] else "tidak"] += 1
    profile = Counter((m.jenis_kelamin, bool(m.disabilitas)) for m in members)
    return per_program, combos, desil, profile, len(households)


@pytest.mark.parametrize("actor,prefix", [(DISTRICT, "3203"), (NATIONAL, "")], ids=["kabupaten", "nasional"])
def test_registry_tables_match_the_households_and_members_in_the_area(known_cases, actor, prefix):
    t = _board(actor, known_cases).tables()
    per_program, combos, desil, profile, total = _registry_reference(prefix)
    participation = {row[0]: row[1:5] for row in t["kepesertaan_program"].rows}
    for program in PROGRAM:
        c = per_program[program]
        assert participation[program] == (c["rt"], c["jiwa"], c["p"], c["dis"]), program
    assert {row[0]: row[2] for row in t["irisan_program"].rows} == dict(combos)
    assert sum(row[2] for row in t["irisan_program"].rows) == total
    assert {row[0]: row[1:4] for row in t["kesenjangan_desil"].rows} == {
        d: (c["semua"], c["ya"], c["tidak"]) for d, c in desil.items()}
    assert t["profil_dtks"].rows == [
        ("Laki-laki", profile[("L", True)] + profile[("L", False)], profile[("L", True)], profile[("L", False)]),
        ("Perempuan", profile[("P", True)] + profile[("P", False)], profile[("P", True)], profile[("P", False)])]
    known = db.session.get(Household, KNOWN_KK)
    assert known.programs == ["PKH", "BPNT"] and combos["PKH + BPNT"] >= 1


def test_province_and_national_dashboards_break_down_by_the_next_level(known_cases):
    province = _board(PROVINCE, known_cases)
    assert province.scope.level == "provinsi" and province.area_name == "Jawa Barat"
    assert province.tables()["wilayah"].rows == [("3203", "Kabupaten Cianjur", 9, 6, 3)]
    assert province.headline[:4] == _board(DISTRICT, known_cases).headline[:4]
    national = _board(NATIONAL, known_cases)
    assert national.scope.level == "nasional" and national.area_name is None
    assert national.tables()["wilayah"].rows == [("32", "Jawa Barat", 9, 6, 3), ("74", "Sulawesi Tenggara", 1, 0, 1)]
    assert national.headline[:4] == [("Pengaduan diterima", 10, ""), ("Selesai", 6, ""), ("Masih diproses", 4, ""),
                                     ("Tugas terlambat saat ini", 3, "")]
    assert national.tables()["jenis_keluhan"].rows == [("Pertanyaan", 3, 2, 1), ("Pengaduan", 7, 4, 3)]
    kendari = _board(NATIONAL, known_cases, wilayah="7471")
    assert kendari.scope.level == "kabupaten" and kendari.tables()["wilayah"].rows == [("747101", "Mandonga", 1, 0, 1)]
    supervisor = _board(Actor(4, "supervisor.cianjur", "supervisor", "320301"), known_cases)
    assert supervisor.scope.level == "kecamatan"
    assert supervisor.tables()["wilayah"].rows == [("3203012001", "Sayang", 9, 6, 3)]


def test_monthly_and_quarterly_scopes_count_only_their_months(known_cases):
    november = figures.dashboard(DISTRICT, figures.month_scope(DISTRICT, known_cases, WIB, "2026-11"), known_cases)
    assert november.scope.months == ("2026-11",)
    assert november.headline[:3] == [("Pengaduan diterima", 8, ""), ("Selesai", 5, ""), ("Masih diproses", 3, "")]
    # closed in November: P 2, B 4, A 5, E 29, I 937 hours (C closed in December)
    assert november.tables()["waktu_penyelesaian"].rows[0] == ("Semua kasus", 5, 0.2, 39.0)
    assert november.tables()["tren"].rows == [("2026-11", 8, 5)]
    october = figures.dashboard(DISTRICT, figures.month_scope(DISTRICT, known_cases, WIB, "2026-10"), known_cases)
    assert october.headline[0] == ("Pengaduan diterima", 1, "")
    assert october.tables()["tepat_waktu"].rows == [("Semua tahap", 0, 0, None)]
    q4 = figures.dashboard(DISTRICT, figures.quarter_scope(DISTRICT, known_cases, WIB, 2026, 4), known_cases)
    assert q4.scope.months == ("2026-10", "2026-11", "2026-12")
    assert q4.tables()["tren"].rows == [("2026-10", 1, 0), ("2026-11", 8, 5), ("2026-12", 0, 1)]
    assert q4.headline == _board(DISTRICT, known_cases).headline
    q3 = figures.dashboard(DISTRICT, figures.quarter_scope(DISTRICT, known_cases, WIB, 2026, 3), known_cases)
    assert q3.headline[0] == ("Pengaduan diterima", 0, "")


def test_dashboards_are_for_the_planning_roles_of_their_own_area(known_cases):
    for actor in (Actor(5, "fo.cianjur", "front_office", "3203"), Actor(6, "pp.kemensos", "pengelola_program", ""),
                  Actor(7, "bo.sosial", "back_office", "3203")):
        with pytest.raises(Forbidden):
            figures.resolve_scope(actor, known_cases, WIB)
    for role in ("manajer", "supervisor", "pemantau", "analis", "auditor"):  # access.ROLE_ACTIONS: dashboard
        assert figures.resolve_scope(Actor(9, f"{role}.cianjur", role, "3203"), known_cases, WIB).wilayah == "3203"
    with pytest.raises(Forbidden):
        figures.resolve_scope(Actor(8, "manajer.kendari", "manajer", "7471"), known_cases, WIB, wilayah="3203")
    with pytest.raises(Forbidden):
        figures.resolve_scope(DISTRICT, known_cases, WIB, wilayah="32")
    for bad in ({"wilayah": "32x"}, {"dari": "2026-13"}, {"dari": "2023-01", "sampai": "2026-12"}):
        with pytest.raises(InvalidInput):
            figures.resolve_scope(DISTRICT, known_cases, WIB, **bad)
    pemantau = _board(Actor(9, "pemantau.cianjur", "pemantau", "3203"), known_cases)
    assert pemantau.headline[0] == ("Pengaduan diterima", 9, "")


# --- the pages and files ------------------------------------------------------------------------

def _client(app, username):
    client = app.test_client()
    g.pop("csrf_token", None)  # a token an earlier client's page left in the test's app context
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/masuk", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    g.pop("csrf_token", None)
    return client


def test_dashboard_page_csv_and_reports_show_the_same_figures(app, known_cases):
    client = _client(app, MANAJER)
    page = client.get("/dasbor")
    assert page.status_code == 200 and "app;dur=" in page.headers["Server-Timing"]
    html = page.get_data(as_text=True)
    assert "Dasbor Kabupaten/Kota: Kabupaten Cianjur" in html
    assert '/aset/chart.js/chart.umd.min.js' in html
    # every script and style sheet comes from this site (a random CSRF token may spell "cdn")
    external = re.findall(r'(?:src|href)="(?:https?:)?//[^"]*"', html)
    assert external == [], external
    # every chart has its table, with the numbers, right below it
    charts = re.findall(r'<canvas id="grafik-([a-z_]+)"', html)
    assert len(charts) >= 15 and all(f'id="tabel-{key}"' in html for key in charts)
    assert re.search(r'<th scope="row">Sekretariat SLRT</th><td class="angka">8</td>', html)
    assert client.get("/aset/chart.js/chart.umd.min.js").status_code == 200

    rows = list(csv.reader(io.StringIO(client.get("/dasbor/kanal.csv").get_data(as_text=True))))
    assert rows == [["Kanal", "Diterima", "Selesai", "Masih diproses"], ["Sekretariat SLRT", "8", "5", "3"],
                    ["Puskesos", "1", "1", "0"]]
    rows = list(csv.reader(io.StringIO(client.get("/dasbor/instansi.csv?lang=en").get_data(as_text=True))))
    assert rows[0][:3] == ["Destination agency", "Referrals", "Answered"]
    assert rows[-1] == ["Food Aid Coordination Team (Ministry of Home Affairs)", "1", "0", "1", "0", "0", "0", "0", "", "",
                        ""]  # the agency by name, in English (issue 17.7)
    assert client.get("/dasbor/tidak_ada.csv").status_code == 404

    monthly = client.get("/laporan/bulanan?bulan=2026-11&lang=id").get_data(as_text=True)
    assert "Laporan bulanan pelaksanaan SLRT" in monthly and "November 2026" in monthly
    assert re.search(r'<th scope="row">Pengaduan diterima</th><td class="angka">8</td>', monthly)
    book = load_workbook(io.BytesIO(client.get("/laporan/triwulanan.xlsx?tahun=2026&triwulan=4").data))
    summary = book["Ringkasan"]
    assert summary["A1"].value == "Laporan monitoring triwulanan SLRT" and summary["B3"].value == "Triwulan 4 2026"
    summary_row = {row[0]: row[1] for row in summary.iter_rows(min_row=7, values_only=True)}
    assert summary_row["Pengaduan diterima"] == 9 and summary_row["Tugas tepat waktu"] == 90.6
    trend = book["Tren bulanan"]
    assert [list(r) for r in trend.iter_rows(min_row=2, values_only=True)] == [
        ["Bulan", "Diterima", "Selesai"], ["2026-10", 1, 0], ["2026-11", 8, 5], ["2026-12", 0, 1]]
    assert len(book.sheetnames) == 1 + len(figures.dashboard(
        DISTRICT, figures.quarter_scope(DISTRICT, known_cases, WIB, 2026, 4), known_cases).tables())


def test_pages_refuse_officers_without_a_dashboard_role_or_outside_their_area(app, known_cases):
    assert _client(app, "fo.cianjur").get("/dasbor").status_code == 403
    assert _client(app, "manajer.kendari").get("/dasbor?wilayah=3203").status_code == 403
    assert _client(app, "manajer.kendari").get("/dasbor/kanal.csv?wilayah=3203").status_code == 403
    assert _client(app, "pp.kemensos").get("/laporan/bulanan.xlsx").status_code == 403
    assert app.test_client().get("/dasbor").status_code == 302  # to the sign-in page
    province = _client(app, "manajer.jabar").get("/dasbor?lang=en").get_data(as_text=True)
    assert "Provincial dashboard: Jawa Barat" in province and "Complaints by channel" in province
