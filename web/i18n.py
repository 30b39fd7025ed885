"""English for the server-rendered pages; Bahasa Indonesia stays the source and the default.

Templates write the Indonesian text and pass it through ``_()``:
``{{ _("Kotak masuk") }}``, or with named parts ``{{ _("Kasus {tiket}", tiket=case.ticket) }}``.
In English the text is looked up in CATALOGUE (Indonesian -> English); messages the engine
builds with variable parts ("Kategori wajib diisi", "Nomor antrian baru: A-001") are matched
against PATTERNS instead. Anything unknown is shown as it is, so Indonesian shows through
rather than nothing. Task names, form labels and option names come from the analysts'
diagrams and are never translated; neither is case data.

The language: ``?lang=en`` / ``?lang=id`` in any URL chooses it and remembers it in the
session; otherwise the session's choice; otherwise Indonesian.
"""

import re
from urllib.parse import quote, urlencode

from flask import g, has_request_context, request, session

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

CATALOGUE = {
    # base.html: title, header, language switch
    "Layanan Rujukan Pengaduan": "Complaint Referral Service",
    "Menu utama": "Main menu",
    "Kotak masuk": "Inbox",
    "Meja depan": "Front desk",
    "wilayah {kode}": "area {kode}",
    "nasional": "national",
    "Keluar": "Sign out",
    "Bahasa": "Language",
    # role labels (engine/domain/roles.py) shown in the header
    "Fasilitator": "Facilitator",
    "Manajer": "Manager",
    "Pengelola Program": "Program manager",
    "Analis": "Analyst",
    "Pemantau Dasbor": "Dashboard monitor",
    # login.html
    "Masuk": "Sign in",
    "Nama pengguna": "Username",
    "Kata sandi": "Password",
    "Cek status pengaduan (untuk pelapor)": "Check the status of a complaint (for complainants)",
    # audit pages (web/ui/audit.py: audit_search.html, audit_case.html, audit_print.html)
    "Audit": "Audit",
    "Audit kasus": "Case audit",
    "Setiap kasus dapat diputar ulang dari diagram dan log peristiwanya; halaman ini hanya untuk dibaca.":
        "Every case can be replayed from its diagram and its event log; this page is read-only.",
    "Cari kasus": "Search cases",
    "Nomor tiket, program atau tujuan rujukan": "Ticket number, programme or referral destination",
    "Cari": "Search",
    "{jumlah} kasus ditemukan (paling baru lebih dulu)": "{jumlah} cases found (newest first)",
    "Peristiwa": "Event",
    "Diperbarui (UTC)": "Updated (UTC)",
    "Audit kasus {tiket}": "Audit of case {tiket}",
    "Diagram versi {versi} · {jumlah} peristiwa · status {status}":
        "Diagram version {versi} · {jumlah} events · status {status}",
    "Unduh riwayat (JSON)": "Download the history (JSON)",
    "Versi cetak": "Printable version",
    "Verifikasi": "Verification",
    "Rantai hash utuh dan putar ulang cocok dengan setiap peristiwa serta data tersimpan.":
        "The hash chain is intact and the replay matches every event and the stored data.",
    "Catatan kasus ini tidak cocok: pertama berbeda di peristiwa #{nomor}.":
        "This case's record does not match: it first differs at event #{nomor}.",
    "tercatat": "recorded",
    "ditemukan": "found",
    "Telusuri langkah demi langkah": "Step through",
    "« Awal": "« First",
    "‹ Sebelumnya": "‹ Previous",
    "Berikutnya ›": "Next ›",
    "Akhir »": "Last »",
    "Data yang berubah": "Data that changed",
    "Tugas terbuka setelahnya": "Open tasks afterwards",
    "Timer menunggu": "Waiting timers",
    "peristiwa ini": "this event",
    "Lini masa": "Timeline",
    "diubah": "changed",
    "dihapus": "removed",
    "oleh": "by",
    "batas": "due",
    "dikerjakan": "held by",
    "Riwayat kasus {tiket}": "History of case {tiket}",
    "Program · tujuan rujukan": "Programme · referral destination",
    "Versi diagram": "Diagram version",
    "Utuh: rantai hash dan putar ulang cocok.": "Intact: the hash chain and the replay match.",
    "Tidak cocok: pertama berbeda di peristiwa #{nomor}.": "Does not match: first differs at event #{nomor}.",
    "Hash terakhir": "Last hash",
    "Halaman ini untuk auditor": "This page is for auditors",
    # inbox.html
    "Jumlah tugas": "Number of tasks",
    "Semua": "All",
    "Terlambat": "Overdue",
    "Segera jatuh tempo": "Due soon",
    "Saya kerjakan": "Mine",
    "Dikerjakan petugas lain": "Taken by other officers",
    "Saring tugas": "Filter tasks",
    "Program": "Programme",
    "Kategori": "Category",
    "Kanal": "Channel",
    "Kode wilayah (awalan)": "Area code (prefix)",
    "Saring": "Filter",
    "Tugas yang menunggu Anda (terlambat lebih dulu, lalu yang paling segera)":
        "Tasks waiting for you (overdue first, then the most urgent)",
    "Tiket": "Ticket",
    "Tugas": "Task",
    "Batas waktu": "Deadline",
    "Dikerjakan oleh": "Taken by",
    "Aksi": "Action",
    "terlambat": "overdue",
    "segera": "due soon",
    "Anda": "You",
    "Lepas": "Release",
    "Ambil": "Take",
    "Tidak ada tugas yang menunggu Anda.": "No tasks are waiting for you.",
    # task.html and _field.html
    "batas waktu": "deadline",
    "sedang dikerjakan oleh {nama}": "being worked on by {nama}",
    "Isian Anda masih ada di bawah; tidak ada yang hilang.": "Your entries are still below; nothing was lost.",
    "Periksa kembali isian berikut:": "Please check the following entries:",
    "Formulir": "Form",
    "Selesaikan tugas": "Complete task",
    "Tugas ini sudah {status}.": "This task is already {status}.",
    "Konteks kasus": "Case context",
    "Pelapor": "Complainant",
    "Identitas pelapor dirahasiakan.": "The complainant's identity is confidential.",
    "Pengaduan": "Complaint",
    "Status DTKS": "DTKS status",
    "Terdaftar di DTKS": "Registered in DTKS",
    "peserta {program}": "enrolled in {program}",
    "Tidak terdaftar di DTKS.": "Not registered in DTKS.",
    "Riwayat": "History",
    "Ya": "Yes",
    "Tidak": "No",
    "— pilih —": "— choose —",
    # case.html
    "Kasus {tiket}": "Case {tiket}",
    "Ringkasan": "Summary",
    "Status": "Status",
    "Tahap": "Stage",
    "Selesai": "Completed",
    "dirahasiakan": "confidential",
    "Kanal · jenis": "Channel · type",
    "Program · kategori · sektor": "Programme · category · sector",
    "Tujuan rujukan": "Referred to",
    "lewat {saluran}": "via {saluran}",
    "batas {waktu}": "due {waktu}",
    "Rujukan dan pengirimannya": "Referrals and their delivery",
    "{jenis} ke {tujuan} lewat {saluran}": "{jenis} to {tujuan} via {saluran}",
    "{jumlah} percobaan": "{jumlah} attempts",
    "Belum ada rujukan keluar.": "No outgoing referrals yet.",
    "Jawaban pengelola program": "Programme manager's answer",
    "diterima": "accepted",
    "ditolak": "rejected",
    "ditelaah": "under further review",
    "bukan_wewenang": "not our mandate",
    "Waktu (UTC)": "Time (UTC)",
    "Oleh": "By",
    "Apa": "What",
    "Alur proses": "Process flow",
    "selesai": "completed",
    "sekarang": "current",
    "berikutnya": "next",
    # status words of cases, tasks, timers and outgoing messages (engine vocabulary, not case data)
    "terbuka": "open",
    "siap": "ready",
    "dibatalkan": "cancelled",
    "menunggu": "waiting",
    "terkirim": "delivered",
    "terpicu": "fired",
    # history (EVENT_LABELS in engine/services/queries.py); with a task name see PATTERNS
    "Pengaduan dicatat": "Complaint recorded",
    "Tugas diselesaikan": "Task completed",
    "Tugas diambil": "Task taken",
    "Tugas dilepas": "Task released",
    "Batas waktu tercapai": "Deadline reached",
    # intake.html
    "Catat pengaduan": "Record a complaint",
    "Periksa kembali isian yang ditandai.": "Please check the marked entries.",
    "Nomor antrian": "Queue number",
    "Desa/kelurahan pelapor": "Complainant's village",
    "NIK": "NIK (national ID number)",
    "No. KK": "No. KK (family card number)",
    "Cek DTKS": "Check DTKS",
    "Nama": "Name",
    "Telepon": "Phone",
    "Alamat": "Address",
    "Jenis kelamin": "Sex",
    "Laki-laki": "Male",
    "Perempuan": "Female",
    "Penyandang disabilitas": "Person with a disability",
    "Penerima manfaat program": "Programme beneficiary",
    "Rahasiakan identitas pelapor": "Keep the complainant's identity confidential",
    "Jenis keluhan": "Type of complaint",
    "Uraian keluhan": "Description of the complaint",
    "Simpan dan cetak tanda terima": "Save and print the receipt",
    "Antrian hari ini": "Today's queue",
    "Sedang dilayani": "Now serving",
    "Menunggu": "Waiting",
    "tidak ada": "none",
    "Ambil nomor": "Take a number",
    "Panggil berikutnya": "Call next",
    # receipt.html
    "Tanda terima {tiket}": "Receipt {tiket}",
    "Tanda terima pengaduan": "Complaint receipt",
    "Nomor tiket": "Ticket number",
    "Kode pelacakan": "Tracking code",
    "Diterima": "Received",
    "Pindai kode QR atau buka": "Scan the QR code or open",
    "lalu masukkan nomor tiket dan kode pelacakan untuk melihat perkembangan pengaduan.":
        "and enter the ticket number and tracking code to follow the progress of the complaint.",
    "Simpan tanda terima ini.": "Keep this receipt.",
    "Identitas Anda dirahasiakan.": "Your identity is kept confidential.",
    "Identitas Anda tidak dirahasiakan atas permintaan Anda.":
        "Your identity is not kept confidential, at your request.",
    "Cetak": "Print",
    "Lihat kasus": "View case",
    # status.html and what the complainant reads there (engine/services/queries.py)
    "Status pengaduan": "Complaint status",
    "Lihat status": "View status",
    "Tiket {tiket}": "Ticket {tiket}",
    "Diterima {diterima} · diperbarui {diperbarui}": "Received {diterima} · updated {diperbarui}",
    "Pengaduan Anda telah selesai ditangani.": "Your complaint has been dealt with.",
    "Pengaduan Anda sedang ditangani.": "Your complaint is being dealt with.",
    "Pertanyaan Anda telah dijawab.": "Your question has been answered.",
    "Pengaduan Anda telah diselesaikan oleh Sekretariat SLRT.":
        "Your complaint has been resolved by the SLRT Secretariat.",
    "Pengaduan Anda tidak dapat dirujuk; petugas akan menjelaskan alasannya.":
        "Your complaint cannot be referred; an officer will explain why.",
    "Rujukan Anda telah diterima oleh pengelola program.": "Your referral has been accepted by the programme manager.",
    "Rujukan Anda ditolak oleh pengelola program.": "Your referral has been rejected by the programme manager.",
    "Hasil verifikasi: keluarga Anda layak diusulkan masuk data terpadu.":
        "Verification result: your family is eligible to be proposed for the integrated social welfare data.",
    "Hasil verifikasi: keluarga Anda belum memenuhi syarat.": "Verification result: your family is not yet eligible.",
    "Saran/usulan Anda telah diterima pengelola program.":
        "Your suggestion has been received by the programme manager.",
    # diagram.html
    "Diagram {proses} v{versi}": "Diagram {proses} v{versi}",
    "Diagram {nama} — versi {versi} ({status})": "Diagram {nama} — version {versi} ({status})",
    "Dibuat oleh {oleh}, {waktu} UTC.": "Created by {oleh}, {waktu} UTC.",
    "Memuat diagram…": "Loading diagram…",
    # error.html and web/errors.py
    "Kesalahan {status}": "Error {status}",
    "Terjadi kesalahan pada server": "Something went wrong on the server",
    "Data tidak valid": "Invalid data",
    # flash messages (web/ui/officer.py)
    "Tugas diambil; petugas lain melihat bahwa Anda sedang mengerjakannya.":
        "Task taken; other officers can see that you are working on it.",
    "Tugas dilepas.": "Task released.",
    # engine messages: engine/services/*.py
    "Nama pengguna atau kata sandi salah": "Wrong username or password",
    "Token tidak valid atau sudah kedaluwarsa": "The token is invalid or has expired",
    "Pengguna tidak aktif": "The user is inactive",
    "Sesi tidak valid": "Invalid session",
    "Diperlukan token Bearer": "A Bearer token is required",
    "Data pengguna tidak valid": "Invalid user data",
    "nama pengguna wajib diisi (maksimal 80 karakter)": "username is required (at most 80 characters)",
    "kata sandi minimal 8 karakter": "the password must have at least 8 characters",
    "nama pengguna sudah dipakai": "the username is already taken",
    "Anda tidak berwenang memeriksa kasus ini": "You are not authorised to audit this case",
    "Anda tidak berwenang melihat kasus ini": "You are not authorised to see this case",
    "Anda tidak berwenang atas tugas ini": "You are not authorised for this task",
    "Anda tidak berwenang mencatat pengaduan untuk wilayah ini":
        "You are not authorised to record complaints for this area",
    "Anda tidak berwenang memeriksa DTKS": "You are not authorised to check DTKS",
    "Kasus tidak ditemukan": "Case not found",
    "Tugas tidak ditemukan": "Task not found",
    "Tugas ini tidak sedang Anda kerjakan": "You are not working on this task",
    "Tugas ini sudah diselesaikan oleh petugas lain atau tidak berlaku lagi":
        "This task has already been completed by another officer or no longer applies",
    "Tugas ini sedang dikerjakan oleh petugas lain": "This task is being worked on by another officer",
    "Tugas ini sudah tidak menunggu penyelesaian": "This task is no longer waiting to be completed",
    "Kasus diubah oleh petugas lain pada saat yang sama; muat ulang dan coba lagi":
        "Another officer changed the case at the same time; reload and try again",
    "Nomor tiket atau kode pelacakan tidak cocok": "The ticket number or tracking code does not match",
    "Antrian dikelola oleh front office sekretariat kabupaten/kota":
        "The queue is run by the front office of the district/city secretariat",
    "Tidak ada nomor antrian yang menunggu": "No queue numbers are waiting",
    "Versi diagram tidak ditemukan": "Diagram version not found",
    "Tidak ada berkas diagram": "No diagram files",
    "unggah minimal satu berkas .bpmn": "upload at least one .bpmn file",
    "Nama berkas tidak valid": "Invalid file name",
    "Hanya analis yang boleh mengunggah atau menerbitkan diagram": "Only analysts may upload or publish diagrams",
    "Data pengaduan tidak valid": "Invalid complaint data",
    "Uraian keluhan wajib diisi (minimal 5 karakter)":
        "A description of the complaint is required (at least 5 characters)",
    "Uraian keluhan maksimal 4000 karakter": "The description of the complaint may have at most 4000 characters",
    "wilayah harus kode desa/kelurahan BPS 10 angka": "wilayah must be a 10-digit BPS village code",
    "kode desa/kelurahan tidak dikenal": "unknown village code",
    "nomor antrian tidak valid": "invalid queue number",
    "kolom tidak dikenal": "unknown field",
    "data pelapor wajib diisi": "the complainant's details are required",
    "nama pelapor wajib diisi": "the complainant's name is required",
    "jenis kelamin harus L atau P": "sex must be L or P",
    "Permintaan pencarian tidak valid": "Invalid search request",
    "harus 16 angka": "must be 16 digits",
    "isi NIK atau No. KK": "enter the NIK or the No. KK",
    "Kolom CSV tidak lengkap": "CSV columns are missing",
    "Impor dibatalkan: ada baris yang tidak valid, tidak ada data yang disimpan":
        "Import cancelled: some rows are invalid; no data was saved",
    "jenis_kelamin harus L atau P": "jenis_kelamin must be L or P",
    "desil harus 1 sampai 10": "desil must be 1 to 10",
    "Basis data sudah berisi data; demo tidak dimuat ulang":
        "The database already holds data; the demo is not reloaded",
    # engine messages: engine/bpmn/forms.py
    "Data formulir harus berupa objek": "The form data must be an object",
    "harus berupa objek": "must be an object",
    "kolom ini tidak ada pada formulir tugas": "this field is not on the task's form",
    "Data formulir tidak valid": "Invalid form data",
}

# Messages with variable parts, tried in order after CATALOGUE. Each regex must match the whole
# message; its named groups fill the English template (they are left as they are: a field's label
# is the analyst's own word, a ticket is a ticket).

# Security and administration (issue 8): account, admin pages, FAQ, refusals, throttling.
CATALOGUE.update({
    "Administrasi": "Administration",
    "Pengguna": "Users",
    "Katalog program": "Programme catalogue",
    "FAQ meja depan": "Front-desk FAQ",
    "FAQ": "FAQ",
    "Kata sandi baru (kosongkan bila tidak diganti)": "New password (leave empty to keep it)",
    "Nama lengkap": "Full name",
    "Peran": "Role",
    "Wilayah tugas (kode BPS: provinsi 2, kabupaten 4, kecamatan 6, desa 10 angka)":
        "Assigned area (BPS code: province 2, district 4, sub-district 6, village 10 digits)",
    "Sektor (back office)": "Sector (back office)",
    "— semua —": "— all —",
    "Instansi (pengelola program)": "Agency (programme manager)",
    "Surel": "Email",
    "Akun saya": "My account",
    "Token API": "API tokens",
    "Token dipakai aplikasi lain untuk memanggil API atas nama Anda. Token berlaku terbatas dan dapat dicabut kapan saja.":
        "Other applications use a token to call the API on your behalf. Tokens expire and can be revoked at any time.",
    "Token baru (hanya ditampilkan sekali):": "New token (shown only once):",
    "Label": "Label",
    "Dibuat (UTC)": "Created (UTC)",
    "Berlaku sampai (UTC)": "Valid until (UTC)",
    "aktif": "active",
    "dicabut": "revoked",
    "kedaluwarsa": "expired",
    "Cabut": "Revoke",
    "Belum ada token.": "No tokens yet.",
    "Label token baru": "Label of the new token",
    "Buat token": "Create token",
    "Pertanyaan": "Question",
    "Jawaban": "Answer",
    "Urutan": "Order",
    "Tampilkan di meja depan": "Show at the front desk",
    "Simpan FAQ": "Save FAQ",
    "Tambah pertanyaan": "Add a question",
    "Nama program": "Programme name",
    "Instansi tujuan rujukan": "Referral agency",
    "Uraian": "Description",
    "Kriteria penerima manfaat": "Beneficiary criteria",
    "Program aktif": "Programme active",
    "Simpan program": "Save programme",
    "Pengguna {nama}": "User {nama}",
    "Ubah data": "Edit details",
    "Simpan perubahan": "Save changes",
    "Status akun": "Account status",
    "Menonaktifkan akun mencabut semua tokennya. Tugas terbuka yang sedang dipegangnya dialihkan ke petugas pengganti dan tercatat di riwayat setiap kasus.":
        "Deactivating an account revokes all its tokens. Open tasks it holds are handed to the replacement officer "
        "and recorded in each case's history.",
    "Petugas pengganti": "Replacement officer",
    "Nonaktifkan dan alihkan tugas": "Deactivate and hand over tasks",
    "Akun ini nonaktif.": "This account is inactive.",
    "Aktifkan kembali": "Reactivate",
    "Wilayah": "Area",
    "Sektor / instansi": "Sector / agency",
    "Tugas dipegang": "Tasks held",
    "nonaktif": "inactive",
    "Tambah pengguna": "Add a user",
    "Simpan pengguna": "Save user",
    "Pertanyaan yang sering diajukan": "Frequently asked questions",
    "Belum ada FAQ.": "No FAQ yet.",
    "Pengguna dibuat.": "User created.",
    "Perubahan pengguna disimpan.": "Changes to the user saved.",
    "Pengguna diaktifkan kembali.": "User reactivated.",
    "FAQ disimpan.": "FAQ saved.",
    "Token dicabut; aplikasi yang memakainya tidak bisa masuk lagi.":
        "Token revoked; applications using it can no longer sign in.",
    "Peran Anda tidak berwenang membuka halaman atau layanan ini": "Your role may not open this page or service",
    "Terlalu banyak permintaan; coba lagi dalam {detik} detik.": "Too many requests; try again in {detik} seconds.",
    "Hanya administrator yang boleh mengelola data ini": "Only administrators may manage this",
    "Pilih petugas pengganti yang aktif": "Choose an active replacement officer",
    "Anda tidak dapat menonaktifkan akun sendiri": "You cannot deactivate your own account",
    "Pengaduan tentang aparat desa (tidak terlihat oleh petugas desa)":
        "Complaint about a village official (hidden from village officers)",
    "Formulir tidak sah atau kedaluwarsa (token CSRF tidak ada atau salah); muat ulang halaman lalu coba lagi.":
        "The form is invalid or has expired (CSRF token missing or wrong); reload the page and try again.",
})

PATTERNS = [(re.compile(source), english) for source, english in (
    # flash messages (web/ui/officer.py)
    (r"Nomor antrian baru: (?P<nomor>.+)", "New queue number: {nomor}"),
    (r"Memanggil nomor (?P<nomor>.+)", "Calling number {nomor}"),
    (r'Tugas "(?P<tugas>.+)" selesai\.', 'Task "{tugas}" completed.'),
    # history with the task's name (engine/services/queries.py timeline)
    (r"Pengaduan dicatat: (?P<tugas>.+)", "Complaint recorded: {tugas}"),
    (r"Tugas diselesaikan: (?P<tugas>.+)", "Task completed: {tugas}"),
    (r"Tugas diambil: (?P<tugas>.+)", "Task taken: {tugas}"),
    (r"Tugas dilepas: (?P<tugas>.+)", "Task released: {tugas}"),
    (r"Batas waktu tercapai: (?P<tugas>.+)", "Deadline reached: {tugas}"),
    # engine messages (engine/services/*.py, engine/bpmn/*.py)
    (r"Tugas ini sedang dikerjakan oleh (?P<nama>.+)", "This task is being worked on by {nama}"),
    (r"Belum ada diagram terbit untuk proses '(?P<proses>.*)'",
     "No diagram has been published for process '{proses}' yet"),
    (r"Versi ini berstatus '(?P<status>.*)', bukan draf", "This version is '{status}', not a draft"),
    (r"'(?P<berkas>.*)' bukan \.bpmn atau \.dmn", "'{berkas}' is not a .bpmn or .dmn file"),
    (r"Tabel keputusan '(?P<tabel>.+)' tidak punya aturan yang cocok untuk data kasus ini",
     "Decision table '{tabel}' has no rule that matches this case's data"),
    (r"Diagram gagal dijalankan: (?P<sebab>.+)", "The diagram failed to run: {sebab}"),
    (r"program tidak dikenal: (?P<program>.+)", "unknown programme: {program}"),
    (r"tidak ada: (?P<kolom>.+)", "missing: {kolom}"),
    (r"tidak terhubung: (?P<sebab>.+)", "not connected: {sebab}"),
    (r"belum ada endpoint untuk saluran '(?P<saluran>.*)'", "no endpoint for channel '{saluran}' yet"),
    # per-field messages: "<label> ..." (engine/bpmn/forms.py, engine/services/intake.py)
    (r"(?P<kolom>.+) wajib diisi", "{kolom} is required"),
    (r"(?P<kolom>.+) harus salah satu dari: (?P<pilihan>.+)", "{kolom} must be one of: {pilihan}"),
    (r"(?P<kolom>.+) harus berupa teks", "{kolom} must be text"),
    (r"(?P<kolom>.+) harus berupa bilangan bulat", "{kolom} must be a whole number"),
    (r"(?P<kolom>.+) harus berupa tanggal \(TTTT-BB-HH\)", "{kolom} must be a date (YYYY-MM-DD)"),
    (r"(?P<kolom>.+) harus ya atau tidak", "{kolom} must be yes or no"),
    (r"(?P<kolom>.+) harus true atau false", "{kolom} must be true or false"),
    (r"Pengguna dinonaktifkan; (?P<n>\d+) tugas dialihkan ke pengganti\.",
     "User deactivated; {n} tasks handed to the replacement."),
    (r"Program (?P<kode>\S+) disimpan\.", "Programme {kode} saved."),
    (r"(?P<kolom>.+) harus (?P<n>\d+) angka", "{kolom} must be {n} digits"),
    (r"(?P<kolom>.+) harus teks paling banyak (?P<n>\d+) karakter", "{kolom} must be text of at most {n} characters"),
    (r"(?P<kolom>.+) minimal (?P<n>\d+) karakter", "{kolom} must have at least {n} characters"),
    (r"(?P<kolom>.+) maksimal (?P<n>\d+) karakter", "{kolom} may have at most {n} characters"),
    (r"(?P<kolom>.+) tidak boleh kurang dari (?P<n>-?[\d.]+)", "{kolom} must not be less than {n}"),
    (r"(?P<kolom>.+) tidak boleh lebih dari (?P<n>-?[\d.]+)", "{kolom} must not be more than {n}"),
)]

# the workflow-management pages keep their strings in their own module
from web.i18n_workflows import CATALOGUE as _WORKFLOW_TEXT, PATTERNS as _WORKFLOW_PATTERNS  # noqa: E402

CATALOGUE.update(_WORKFLOW_TEXT)
PATTERNS.extend((re.compile(source), english) for source, english in _WORKFLOW_PATTERNS)
from web.i18n_reports import REPORT_CATALOGUE  # noqa: E402 (the dashboards' own strings)

CATALOGUE.update(REPORT_CATALOGUE)


def english(text):
    """The English for an Indonesian text: the catalogue, then the patterns, else the text itself."""
    if not isinstance(text, str):
        return text
    if text in CATALOGUE:
        return CATALOGUE[text]
    for pattern, template in PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return template.format(**match.groupdict())
    return text


def _choose():
    """The language of this request: the URL's ?lang= (remembered), the session's, or Indonesian."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
    remembered = session.get("lang")
    g.lang_remembered = remembered if remembered in LANGUAGES else None
    return g.lang_remembered or DEFAULT_LANGUAGE


def current_language():
    """The chosen language, decided once per request (and Indonesian outside a request)."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    if "lang" not in g:
        g.lang = _choose()
    return g.lang


def translate(text, /, **values):
    """``_()`` in templates: the text in the chosen language, with its {named} parts filled in."""
    result = english(text) if current_language() == "en" else text
    if values and isinstance(result, str):
        result = result.format(**values)
    return result


def lang_url(code):
    """This page's URL with ``lang=<code>``, keeping the other query parameters."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    args.append(("lang", code))
    return f"{quote(request.script_root + request.path)}?{urlencode(args)}"


def init_i18n(app):
    """Choose the language before each request and give templates `_`, `lang` and `lang_url`."""

    @app.before_request
    def choose_language():
        # pages only: the JSON API, scripts and stylesheets neither need a language nor a Vary: Cookie
        if request.blueprint in ("api", "assets") or request.endpoint == "static":
            return
        g.lang = _choose()

    @app.after_request
    def keep_language(response):
        # signing in and out clears the session; the reader's language choice outlives that
        chosen = g.get("lang_remembered")
        if chosen and "lang" not in session:
            session["lang"] = chosen
        return response

    @app.context_processor
    def i18n_context():
        return {"_": translate, "lang": current_language(), "lang_url": lang_url}

    # macros imported without context (_field.html) see the globals, not the context processor
    app.jinja_env.globals.update(_=translate, lang_url=lang_url)
