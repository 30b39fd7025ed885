"""The case vocabulary shared by diagrams, forms, the API and reports (ARCHITECTURE.md)."""

from engine.i18n import N_

KANAL = ("sekretariat", "puskesos", "fasilitator")
JENIS_KELUHAN = ("pertanyaan", "saran", "pengaduan")
KATEGORI = ("kepesertaan", "non_kepesertaan")
TINGKAT_PROGRAM = ("nasional", "daerah", "nonpemerintah")  # who runs a catalogued program
SEKTOR = ("kesehatan", "pendidikan", "sosial", "ekonomi", "kependudukan", "lainnya")
JENIS_SEKOLAH = ("umum", "madrasah")

# Program codes are not listed here: the program catalogue (engine/people/catalogue.py) is their source.
# The variables a case takes from its program's catalogue row whenever `program` is set (intake or a
# form), recorded with that value so that a replay does not depend on the catalogue as it is today.
PROGRAM_VARIABLES = ("proses_sop", "sektor_bawaan")

# Variables every case starts with, so that diagram conditions never meet an unknown name.
CASE_DEFAULTS = {
    "kategori": None, "sektor": None, "pokok_masalah": None, "jenis_sekolah": None,
    "tujuan_rujukan": None, "saluran_rujukan": None, "keputusan_manajer": None,
    "tanggapan_rujukan": None, "hasil_verifikasi": None, "hasil_akhir": None,
    "ditangani_langsung": None, "saran_kategori": None, "banding": None, "puas": None,
}

# The level a case is handled at: village channels start in the village, walk-ins at the district.
TINGKAT = ("desa", "kabupaten", "provinsi")
STARTING_LEVEL = {"puskesos": "desa", "fasilitator": "desa", "sekretariat": "kabupaten"}

# Case columns kept in step with the case variables after every change.
INDEXED_VARIABLES = ("kategori", "sektor", "tujuan_rujukan", "saluran_rujukan", "hasil_akhir", "program",
                     "jenis_keluhan", "terdaftar_dtks", "hasil_verifikasi", "tanggapan_rujukan")
# Complainant fields kept as case columns (for profiles by sex and disability).
INDEXED_PELAPOR = ("jenis_kelamin", "disabilitas")
# The manager's appeal review (keluhan.bpmn): the dashboards count appeals by it.
APPEAL_TASK = "Task_TinjauBanding"
# The decision a finished task is recorded with (human_tasks.hasil): the first of these it submitted.
TASK_OUTCOME_VARIABLES = ("tanggapan_rujukan", "hasil_verifikasi", "keputusan_manajer", "keputusan_supervisor",
                          "keputusan_banding", "keputusan_manajer_fasilitator")
# An agency's answer (tanggapan_rujukan) as the case page shows the stored code, marked for extraction.
REFERRAL_ANSWERS = (N_("diterima"), N_("ditolak"), N_("ditelaah"), N_("bukan_wewenang"))
