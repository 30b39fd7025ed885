"""Turn the reports' grouped counts into the tables dashboards, printouts, CSV and xlsx show.

A table's rows hold plain values: labels (the users' own codes where the case vocabulary has
them), integer counts, and percentages and days rounded to one decimal (None when there is
nothing to divide by). Titles and generated labels are Indonesian; the web layer translates.
"""

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.domain.labels import value_label
from engine.domain.statuses import CaseStatus, TaskStatus
from engine.i18n import N_


@dataclass
class Table:
    key: str  # also the CSV file name
    title: str
    columns: tuple
    rows: list
    chart: str | None = "bar"  # bar, hbar, line, doughnut, or None
    series: tuple = (1,)  # the numeric columns the chart draws
    label_column: int = 0

    def column(self, name: str) -> dict[Any, Any]:
        """{row label: value} of one column (tests and exports read tables this way)."""
        index = self.columns.index(name)
        return {row[self.label_column]: row[index] for row in self.rows}


NOT_SET = N_("(belum ditentukan)")
SEX = {"L": N_("Laki-laki"), "P": N_("Perempuan"), None: N_("Tidak diisi")}

# The shapes figures.py hands over: cases as [(dimensions, count)], the registry's grouped rows,
# and duration figures as {group: (count, median hours, 90th percentile hours)}.
Cases = Sequence[tuple[dict[str, Any], int]]
Registry = Mapping[str, Sequence[tuple[Any, ...]]]
Durations = Mapping[Any, tuple[Any, ...]]


def pct(part: float, whole: float) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def days(hours: float | None) -> float | None:
    return round(hours / 24.0, 1) if hours is not None else None


def _ordered(keys, order):
    known = [k for k in order if k in keys]
    return known + sorted((k for k in keys if k not in order and k is not None), key=str) + (
        [None] if None in keys else [])


def _total(cases, **where):
    return sum(n for dims, n in cases if all(dims[k] == v for k, v in where.items()))


# --- the five items of the Pedoman -----------------------------------------------------------

def _proposal_kind(dims):
    if dims["jenis_keluhan"] != "pengaduan" or dims["kategori"] != "kepesertaan":
        return None
    return "tambah" if dims["terdaftar_dtks"] is False else "mutakhir" if dims["terdaftar_dtks"] else None


def _verification(dims):
    answer = dims["hasil_verifikasi"] or dims["tanggapan_rujukan"]
    if answer in ("layak", "diterima"):
        return "lolos"
    if answer in ("tidak_layak", "ditolak"):
        return "tidak_lolos"
    if dims["hasil_akhir"] == "ditolak_manajer":
        return "ditolak_manajer"
    return "proses"


def proposals(cases: Cases) -> Table:
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for dims, n in cases:
        kind = _proposal_kind(dims)
        if kind:
            counts[kind][_verification(dims)] += n
    rows = []
    for kind, label in (("tambah", N_("Usulan penambahan (pra-daftar)")),
                        ("mutakhir", N_("Usulan pemutakhiran (perubahan profil/kepesertaan)"))):
        c = counts[kind]
        rows.append((label, sum(c.values()), c["lolos"], c["tidak_lolos"], c["ditolak_manajer"], c["proses"]))
    return Table("usulan_dtppfm", N_("Usulan penambahan dan pemutakhiran DT-PPFM dan hasil verifikasinya"),
                 (N_("Usulan"), N_("Diajukan"), N_("Lolos verifikasi"), N_("Tidak lolos verifikasi"), N_("Ditolak manajer"),
                  N_("Dalam proses")), rows, "bar", (2, 3, 4, 5))


def _programs_of(stored, programs):
    """The program list a household row stores (JSON text), as a sorted tuple in catalogue order."""
    values = json.loads(stored) if stored else []
    return tuple(_ordered(set(values or ()), programs))


def participation(registry: Registry, cases: Cases, programs: Sequence[str]) -> Table:
    """Households, members and needs per program; `programs` are the catalogue's codes in its order."""
    households: Counter[Any] = Counter()
    members: defaultdict[Any, Counter[str]] = defaultdict(Counter)
    for stored, _desil, n in registry["households"]:
        for program in _programs_of(stored, programs):
            households[program] += n
    for stored, sex, disabled, n in registry["members"]:
        for program in _programs_of(stored, programs):
            members[program]["jiwa"] += n
            members[program]["perempuan"] += n if sex == "P" else 0
            members[program]["disabilitas"] += n if disabled else 0
    needs: Counter[Any] = Counter()
    for dims, n in cases:
        if _proposal_kind(dims):
            needs[dims["program"]] += n
    programs = _ordered(set(households) | set(needs) | set(programs), programs)
    rows = [(p if p is not None else NOT_SET, households[p], members[p]["jiwa"], members[p]["perempuan"],
             members[p]["disabilitas"], needs[p]) for p in programs]
    return Table("kepesertaan_program", N_("Kepesertaan dan kebutuhan program"),
                 (N_("Program"), N_("Rumah tangga peserta (DTKS)"), N_("Jiwa"), N_("Perempuan"), N_("Penyandang disabilitas"),
                  N_("Kebutuhan: pengaduan kepesertaan")), rows, "bar", (1, 5))


def combinations(registry: Registry, programs: Sequence[str]) -> Table:
    counts: Counter[tuple[str, ...]] = Counter()
    for stored, _desil, n in registry["households"]:
        counts[_programs_of(stored, programs)] += n
    total = sum(counts.values())
    ordered = sorted(counts.items(), key=lambda item: (-item[1], len(item[0]), item[0]))
    rows = [(" + ".join(combo) if combo else N_("Tanpa program"), len(combo), n, pct(n, total)) for combo, n in ordered]
    return Table("irisan_program", N_("Komplementaritas dan irisan program (rumah tangga DTKS)"),
                 (N_("Kombinasi program"), N_("Jumlah program"), N_("Rumah tangga"), N_("% rumah tangga")), rows, "hbar", (2,))


def gaps(registry: Registry, programs: Sequence[str]) -> Table:
    counts: defaultdict[Any, Counter[str]] = defaultdict(Counter)
    for stored, desil, n in registry["households"]:
        counts[desil]["semua"] += n
        counts[desil]["menerima" if _programs_of(stored, programs) else "belum"] += n
    rows = [(str(d) if d is not None else N_("Tidak diketahui"), c["semua"], c["menerima"], c["belum"],
             pct(c["belum"], c["semua"])) for d, c in sorted(counts.items(), key=lambda i: (i[0] is None, i[0] or 0))]
    return Table("kesenjangan_desil", N_("Kesenjangan layanan: rumah tangga DTKS menurut desil"),
                 (N_("Desil"), N_("Rumah tangga"), N_("Menerima program"), N_("Belum menerima program"), N_("% belum menerima")),
                 rows, "bar", (2, 3))


def _profile_rows(counts):
    by_sex = defaultdict(Counter)
    for (sex, disabled), n in counts.items():
        by_sex[sex if sex in ("L", "P") else None]["ya" if disabled else "tidak"] += n
    keys = ["L", "P"] + ([None] if None in by_sex else [])
    return [(SEX[k], by_sex[k]["ya"] + by_sex[k]["tidak"], by_sex[k]["ya"], by_sex[k]["tidak"]) for k in keys]


def registry_profile(registry: Registry) -> Table:
    counts: Counter[tuple[Any, bool]] = Counter()
    for _stored, sex, disabled, n in registry["members"]:
        counts[(sex, bool(disabled))] += n
    return Table("profil_dtks", N_("Profil warga DTKS menurut jenis kelamin dan disabilitas"),
                 (N_("Jenis kelamin"), N_("Jiwa"), N_("Penyandang disabilitas"), N_("Bukan penyandang disabilitas")),
                 _profile_rows(counts), "bar", (2, 3))


def complainant_profile(profile: Mapping[tuple[Any, Any], int]) -> Table:
    return Table("profil_pelapor", N_("Pelapor menurut jenis kelamin dan disabilitas"),
                 (N_("Jenis kelamin"), N_("Pelapor"), N_("Penyandang disabilitas"), N_("Bukan penyandang disabilitas")),
                 _profile_rows(profile), "bar", (2, 3))


# --- complaints received -----------------------------------------------------------------------

_DIMENSION_TITLES = {
    "kanal": (N_("Pengaduan menurut kanal"), N_("Kanal"), "doughnut"),
    "jenis_keluhan": (N_("Pengaduan menurut jenis"), N_("Jenis keluhan"), "doughnut"),
    "kategori": (N_("Pengaduan menurut kategori"), N_("Kategori"), "doughnut"),
    "program": (N_("Pengaduan menurut program"), N_("Program"), "bar"),
}


def by_dimension(cases: Cases, name: str, order: Sequence[str]) -> Table:
    counts: defaultdict[Any, Counter[str]] = defaultdict(Counter)
    for dims, n in cases:
        counts[dims[name]][dims["status"]] += n
    title, heading, chart = _DIMENSION_TITLES[name]
    rows = [(value_label(name, value) if value is not None else NOT_SET, sum(c.values()), c[CaseStatus.SELESAI],
             c[CaseStatus.TERBUKA]) for value, c in ((v, counts[v]) for v in _ordered(set(counts), order))]
    return Table(name, title, (heading, N_("Diterima"), N_("Selesai"), N_("Masih diproses")), rows, chart, (1,))


def by_area(areas: Mapping[str, Counter[str]], names: Mapping[str, str]) -> Table:
    rows = [(code, names.get(code, ""), sum(c.values()), c[CaseStatus.SELESAI], c[CaseStatus.TERBUKA])
            for code, c in sorted(areas.items())]
    return Table("wilayah", N_("Pengaduan menurut wilayah"), (N_("Kode wilayah"), N_("Wilayah"), N_("Diterima"), N_("Selesai"),
                                                          N_("Masih diproses")), rows, "bar", (2,), label_column=1
                 if all(names.get(code) for code in areas) else 0)


def trend(months: Mapping[str, Counter[str]], covered: Iterable[str]) -> Table:
    rows = [(month, months[month]["diterima"], months[month]["selesai"]) for month in covered]
    return Table("tren", N_("Tren bulanan"), ("Bulan", N_("Diterima"), N_("Selesai")), rows, "line", (1, 2))


# --- handling ---------------------------------------------------------------------------------

RESOLUTION = (("lokal", N_("Diselesaikan tanpa rujukan")), ("dirujuk", N_("Dirujuk dan dijawab")),
              ("ditolak_manajer", N_("Ditolak manajer")), ("proses", N_("Masih diproses")))


def _resolution(dims):
    if dims["status"] != CaseStatus.SELESAI:
        return "proses"
    if dims["hasil_verifikasi"] or dims["tanggapan_rujukan"]:
        return "dirujuk"
    return "ditolak_manajer" if dims["hasil_akhir"] == "ditolak_manajer" else "lokal"


def resolution(cases: Cases) -> Table:
    counts: Counter[str] = Counter()
    for dims, n in cases:
        counts[_resolution(dims)] += n
    total = sum(counts.values())
    rows = [(label, counts[key], pct(counts[key], total)) for key, label in RESOLUTION]
    return Table("penyelesaian", N_("Diselesaikan di tempat atau dirujuk"), ("Penyelesaian", N_("Kasus"), N_("% kasus")),
                 rows, "doughnut", (1,))


def final_results(cases: Cases) -> Table:
    counts: Counter[Any] = Counter()
    for dims, n in cases:
        if dims["status"] == CaseStatus.SELESAI:
            counts[dims["hasil_akhir"] or NOT_SET] += n
    rows = [(value_label("hasil_akhir", key), n) for key, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return Table("hasil_akhir", N_("Hasil akhir kasus yang selesai"), (N_("Hasil akhir"), N_("Kasus")), rows, "hbar", (1,))


_ANSWERS = {"diterima": "diterima", "layak": "diterima", "ditolak": "ditolak", "tidak_layak": "ditolak",
            "ditelaah": "ditelaah", "bukan_wewenang": "bukan_wewenang"}


def agencies(rows: Iterable[tuple[Any, ...]], answer_times: Durations) -> Table:
    counts: defaultdict[Any, Counter[str]] = defaultdict(Counter)
    for agency, status, outcome, n, on_time in rows:
        c = counts[agency]
        c["dikirim"] += n
        if status == TaskStatus.SELESAI:
            c["dijawab"] += n
            c["tepat"] += int(on_time or 0)
            c[_ANSWERS.get(outcome, "lain")] += n
        else:
            c["menunggu"] += n
    table_rows = []
    for agency in sorted(counts):
        c = counts[agency]
        _n, median, p90 = answer_times.get(agency, (0, None, None))
        table_rows.append((value_label("tujuan_rujukan", agency), c["dikirim"], c["dijawab"], c["menunggu"], c["diterima"], c["ditolak"],
                           c["ditelaah"], c["bukan_wewenang"], pct(c["tepat"], c["dijawab"]), days(median),
                           days(p90)))
    return Table("instansi", N_("Rujukan per instansi tujuan: jawaban dan waktunya"),
                 (N_("Instansi tujuan"), N_("Rujukan"), N_("Dijawab"), N_("Menunggu jawaban"), N_("Diterima/layak"),
                  N_("Ditolak/tidak layak"), N_("Ditelaah"), N_("Bukan wewenang"), N_("% dijawab tepat waktu"),
                  N_("Median hari menjawab"), N_("Persentil 90 hari menjawab")), table_rows, "bar", (2, 3))


def on_time(sla: Iterable[tuple[str, int, Any]]) -> Table:
    rows = [(name, n, int(ok or 0), pct(int(ok or 0), n)) for name, n, ok in sorted(sla)]
    done, ok = sum(r[1] for r in rows), sum(r[2] for r in rows)
    return Table("tepat_waktu", N_("Ketepatan waktu menurut tahap (batas waktu SLA)"),
                 (N_("Tahap"), N_("Tugas selesai"), N_("Tepat waktu"), N_("% tepat waktu")),
                 [(N_("Semua tahap"), done, ok, pct(ok, done))] + rows, "hbar", (3,))


def open_stages(rows: Iterable[tuple[Any, ...]]) -> Table:
    table_rows = sorted(((name, n, int(late or 0)) for name, n, late in rows), key=lambda r: (-r[2], -r[1], r[0]))
    return Table("tahap_terbuka", N_("Tugas terbuka dan terlambat menurut tahap (saat ini)"),
                 (N_("Tahap"), N_("Terbuka"), N_("Terlambat")), table_rows, "hbar", (1, 2))


def closing_times(figures: Durations, programs: Sequence[str]) -> Table:
    keys = ["semua"] + _ordered({k for k in figures if k != "semua"}, programs)
    rows = []
    for key in keys:
        n, median, p90 = figures.get(key, (0, None, None))
        label = N_("Semua kasus") if key == "semua" else NOT_SET if key == "-" else key
        rows.append((label, n, days(median), days(p90)))
    return Table("waktu_penyelesaian", N_("Waktu penyelesaian kasus yang selesai (hari kalender)"),
                 (N_("Kelompok"), N_("Kasus selesai"), N_("Median (hari)"), N_("Persentil 90 (hari)")), rows, "bar", (2, 3))


def _bounced(agency_rows):
    """Referrals answered "not our remit" (bukan wewenang)."""
    return sum(n for _agency, status, outcome, n, _ok in agency_rows if status == TaskStatus.SELESAI and outcome == "bukan_wewenang")


def appeals(rows: Iterable[tuple[Any, ...]], agency_rows: Iterable[tuple[Any, ...]]) -> Table:
    counts: Counter[Any] = Counter()
    for status, outcome, n in rows:
        counts["diajukan"] += n
        counts[outcome if status == TaskStatus.SELESAI else "menunggu"] += n
    bounced = _bounced(agency_rows)
    table_rows = [(N_("Banding diajukan"), counts["diajukan"]), (N_("Banding diterima"), counts["terima"]),
                  (N_("Banding ditolak"), counts["tolak"]), (N_("Banding menunggu keputusan"), counts["menunggu"]),
                  (N_("Rujukan dikembalikan: bukan wewenang"), bounced)]
    return Table("banding", N_("Banding dan rujukan yang dikembalikan (bukan wewenang)"), ("Indikator", N_("Jumlah")),
                 table_rows, "bar", (1,))


def headline(cases: Cases, tasks: Mapping[str, Any], closing: Durations) -> list[tuple[str, Any, str]]:
    received = sum(n for _dims, n in cases)
    closed = _total(cases, status=CaseStatus.SELESAI)
    done = sum(n for _name, n, _ok in tasks["sla"])
    ok = sum(int(v or 0) for _name, _n, v in tasks["sla"])
    overdue = sum(int(v or 0) for _name, _n, v in tasks["open"])
    _n, median, p90 = closing.get("semua", (0, None, None))
    appeal_count = sum(n for _status, _outcome, n in tasks["appeals"])
    bounced = _bounced(tasks["agencies"])
    return [
        (N_("Pengaduan diterima"), received, ""), (N_("Selesai"), closed, ""), (N_("Masih diproses"), received - closed, ""),
        (N_("Tugas terlambat saat ini"), overdue, ""), (N_("Tugas tepat waktu"), pct(ok, done), "%"),
        (N_("Median waktu penyelesaian"), days(median), N_("hari")), (N_("Persentil 90 waktu penyelesaian"), days(p90), N_("hari")),
        (N_("Banding diajukan"), appeal_count, ""), (N_("Dikembalikan: bukan wewenang"), bounced, ""),
    ]
