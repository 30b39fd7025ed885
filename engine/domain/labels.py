"""Labels, never codes: the one place that names each vocabulary code for people.

Every value a person reads (a category, a channel, a destination agency, an answer, an event
type) is looked up here and shown through gettext, so `non_kepesertaan` reads "Non-kepesertaan"
and, in English, "Not about membership". A code not listed (free text, a program's own code)
is shown as it is. Form option labels come from the diagrams (engine/bpmn/forms.py); program
names from the program catalogue.
"""

from typing import Any

from engine.i18n import N_

VALUES: dict[str, dict[str, str]] = {
    "kanal": {"sekretariat": N_("Sekretariat SLRT"), "puskesos": N_("Puskesos"),
              "fasilitator": N_("Kunjungan fasilitator")},
    "jenis_keluhan": {"pertanyaan": N_("Pertanyaan"), "saran": N_("Saran/usulan"), "pengaduan": N_("Pengaduan")},
    "kategori": {"kepesertaan": N_("Kepesertaan"), "non_kepesertaan": N_("Non-kepesertaan")},
    "sektor": {"kesehatan": N_("Kesehatan"), "pendidikan": N_("Pendidikan"), "sosial": N_("Sosial"),
               "ekonomi": N_("Ekonomi"), "kependudukan": N_("Kependudukan"), "lainnya": N_("Lainnya")},
    # destination agencies (rules/tujuan_*.dmn)
    "tujuan_rujukan": {
        "POKJA_DATA_TERPADU": N_("Kelompok Kerja Pengelola Data Terpadu"),
        "KEMENSOS_JSK": N_("Kementerian Sosial, Direktorat Jaminan Sosial Keluarga"),
        "BULOG": N_("Perum BULOG"),
        "TIKOR_RASTRA": N_("Tim Koordinasi Bansos Pangan (Kementerian Dalam Negeri)"),
        "KEMENDIKBUD": N_("Kementerian Pendidikan dan Kebudayaan"),
        "KEMENAG": N_("Kementerian Agama"),
        "DINKES": N_("Dinas Kesehatan"),
        "BPJS_KESEHATAN": N_("BPJS Kesehatan"),
        "OPD_DAERAH": N_("Perangkat daerah pelaksana program"),
        "MITRA_NONPEMERINTAH": N_("Mitra non-pemerintah pelaksana program"),
    },
    "saluran_rujukan": {"siks_ng": N_("SIKS-NG"), "lapor": N_("LAPOR!"),
                        "langsung": N_("surat atau kunjungan langsung")},
    "tanggapan_rujukan": {"diterima": N_("Diterima"), "ditolak": N_("Ditolak"), "ditelaah": N_("Ditelaah lebih lanjut"),
                          "bukan_wewenang": N_("Bukan wewenang kami")},
    "keputusan_manajer": {"setuju": N_("Setuju"), "tolak": N_("Tolak"), "kembalikan": N_("Kembalikan")},
    "hasil_verifikasi": {"layak": N_("Layak"), "tidak_layak": N_("Tidak layak")},
    "jenis_sekolah": {"umum": N_("Sekolah umum"), "madrasah": N_("Madrasah")},
    "hasil_akhir": {
        "dijawab": N_("Pertanyaan dijawab"), "selesai_lokal": N_("Diselesaikan tanpa rujukan"),
        "ditolak_manajer": N_("Rujukan ditolak manajer"), "rujukan_diterima": N_("Rujukan diterima"),
        "rujukan_ditolak": N_("Rujukan ditolak"), "pradaftar_layak": N_("Pra-daftar: layak"),
        "pradaftar_tidak_layak": N_("Pra-daftar: tidak layak"), "saran_diterima": N_("Saran diterima"),
        "selesai_puskesos": N_("Diselesaikan di Puskesos"), "banding_ditolak": N_("Banding ditolak"),
        "rujukan_ditelaah": N_("Rujukan ditelaah lebih lanjut"), "rujukan_bukan_wewenang": N_("Rujukan: bukan wewenang"),
    },
    "program": {"NONPEMERINTAH": N_("Program non-pemerintah"), "DAERAH": N_("Program daerah"),
                "LAINNYA": N_("Program lainnya")},
    "jenis_pesan": {"rujukan": N_("Rujukan"), "usulan_pradaftar": N_("Usulan pra-daftar")},
    "status": {"terbuka": N_("Sedang diproses"), "selesai": N_("Selesai")},
    "tingkat": {"desa": N_("Desa/kelurahan"), "kabupaten": N_("Kabupaten/kota"), "provinsi": N_("Provinsi")},
}

# Names of the case variables, for facts recorded without a form field of their own (a decision
# table's output, say).
VARIABLES: dict[str, str] = {
    "kanal": N_("Kanal"), "jenis_keluhan": N_("Jenis keluhan"), "kategori": N_("Kategori"),
    "program": N_("Program"), "sektor": N_("Sektor"), "pokok_masalah": N_("Pokok masalah"),
    "tujuan_rujukan": N_("Tujuan rujukan"), "saluran_rujukan": N_("Saluran rujukan"),
    "tanggapan_rujukan": N_("Jawaban pengelola program"), "keputusan_manajer": N_("Keputusan manajer"),
    "hasil_verifikasi": N_("Hasil verifikasi"), "hasil_akhir": N_("Hasil akhir"), "uraian": N_("Uraian keluhan"),
    "terdaftar_dtks": N_("Terdaftar di DTKS"), "ditangani_langsung": N_("Ditangani langsung"),
    "tingkat": N_("Tingkat penanganan"), "jenis_sekolah": N_("Jenis sekolah"),
}

YES, NO = N_("Ya"), N_("Tidak")


def value_label(variable: str, value: Any, options: dict[str, str] | None = None) -> Any:
    """The label (a gettext msgid) of `value` of `variable`; `options`: the form's own labels first.
    Booleans read Ya/Tidak; a list is labelled item by item; anything unknown stays as it is."""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list):
        return ", ".join(str(value_label(variable, item, options)) for item in value)
    if options and isinstance(value, str) and value in options:
        return options[value]
    if isinstance(value, str):
        return VALUES.get(variable, {}).get(value, value)
    return value


def variable_label(variable: str) -> str:
    return VARIABLES.get(variable, variable)
