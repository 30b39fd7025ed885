"""Demo data for an empty database: regions, the program catalogue (rules/program.yaml), officers and a
DTKS sample.

Everything comes from module-level tables and one `random.Random(2026)`, so two runs give the
same rows. The fixed records below are what tests and the demo script rely on.
"""

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select

from engine.errors import SlrtError
from engine.people import catalogue
from engine.people.auth import create_user
from engine.store.database import write_transaction
from engine.store.models import Faq, Household, HouseholdMember, Region, User, db
from engine.i18n import N_

DEMO_VILLAGE = "3203012001"
KENDARI_VILLAGE = "7471011001"
KNOWN_KK = "3203010101200001"
KNOWN_NIK = "3203014506850001"
UNREGISTERED_NIK = "3203015507900009"

CIANJUR_HOUSEHOLDS = 300  # including the fixed KNOWN_KK household
KENDARI_HOUSEHOLDS = 20

REGIONS = (  # code, name, level, parent_code — parents before children
    ("32", "Jawa Barat", "provinsi", None),
    ("3203", "Kabupaten Cianjur", "kabupaten", "32"),
    ("320301", "Cianjur", "kecamatan", "3203"),
    ("320302", "Warungkondang", "kecamatan", "3203"),
    ("320303", "Cibeber", "kecamatan", "3203"),
    ("3203012001", "Sayang", "desa", "320301"),
    ("3203012002", "Mekarsari", "desa", "320301"),
    ("3203012003", "Limbangansari", "desa", "320301"),
    ("3203022001", "Bunikasih", "desa", "320302"),
    ("3203022002", "Jambudipa", "desa", "320302"),
    ("3203022003", "Mekarwangi", "desa", "320302"),
    ("3203032001", "Cihaur", "desa", "320303"),
    ("3203032002", "Girimulya", "desa", "320303"),
    ("3203032003", "Sukaraharja", "desa", "320303"),
    ("74", "Sulawesi Tenggara", "provinsi", None),
    ("7471", "Kota Kendari", "kabupaten", "74"),
    ("747101", "Mandonga", "kecamatan", "7471"),
    ("747102", "Kadia", "kecamatan", "7471"),
    ("7471011001", "Mandonga", "desa", "747101"),
    ("7471011002", "Korumba", "desa", "747101"),
    ("7471021001", "Bende", "desa", "747102"),
    ("7471021002", "Pondambea", "desa", "747102"),
)

USERS = (  # username, full_name, role, wilayah, sektor, instansi
    ("fo.cianjur", "Rina Marlina", "front_office", "3203", None, None),
    ("bo.sosial", "Dadang Suryana", "back_office", "3203", "sosial", None),
    ("bo.kesehatan", "dr. Lilis Rohaeti", "back_office", "3203", "kesehatan", None),
    ("bo.pendidikan", "Cecep Hidayat", "back_office", "3203", "pendidikan", None),
    ("bo.lainnya", "Yuyun Kurniasih", "back_office", "3203", "lainnya", None),
    ("fasilitator.cianjur", "Ujang Permana", "fasilitator", "320301", None, None),
    ("supervisor.cianjur", "Endang Sutisna", "supervisor", "320301", None, None),
    ("manajer.cianjur", "Hendra Kusumah", "manajer", "3203", None, None),
    ("admin.cianjur", "Iwan Setiawan", "administrator", "3203", None, None),
    ("analis.cianjur", "Dewi Nurhayati", "analis", "3203", None, None),
    ("auditor.cianjur", "Agus Ruhiyat", "auditor", "3203", None, None),
    ("pemantau.cianjur", "Neng Rahmawati", "pemantau", "3203", None, None),
    ("pp.kemensos", "Bambang Wibowo", "pengelola_program", "", None, "KEMENSOS_JSK"),
    ("pp.pokja", "Sri Wahyuni", "pengelola_program", "", None, "POKJA_DATA_TERPADU"),
    ("pp.bulog", "Teguh Prasetyo", "pengelola_program", "", None, "BULOG"),
    ("pp.tikor", "Ratna Sari", "pengelola_program", "", None, "TIKOR_RASTRA"),
    ("pp.kemendikbud", "Yohanes Siregar", "pengelola_program", "", None, "KEMENDIKBUD"),
    ("pp.kemenag", "Ahmad Fauzi", "pengelola_program", "", None, "KEMENAG"),
    ("pp.bpjs", "Maria Lestari", "pengelola_program", "", None, "BPJS_KESEHATAN"),
    ("pp.dinkes", "dr. Wawan Hermawan", "pengelola_program", "3203", None, "DINKES"),
    ("pp.opd", "Tati Sumiati", "pengelola_program", "3203", None, "OPD_DAERAH"),
    ("pp.mitra", "Deden Mulyana", "pengelola_program", "3203", None, "MITRA_NONPEMERINTAH"),
    ("fo.puskesos.sayang", "Yanti Rohayati", "front_office", "3203012001", None, None),
    ("bo.puskesos.sayang", "Asep Saepulloh", "back_office", "3203012001", None, None),
    ("manajer.jabar", "Ir. Gunawan Wibisana", "manajer", "32", None, None),
    ("fo.kendari", "Hasnawati", "front_office", "7471", None, None),
    ("bo.kendari", "La Ode Syamsul", "back_office", "7471", None, None),
    ("manajer.kendari", "Andi Jumardin", "manajer", "7471", None, None),
    ("analis.kendari", "Wa Ode Nurhaliza", "analis", "7471", None, None),
    ("analis.nasional", "Rudi Hartono", "analis", "", None, None),
)

FAQ = (  # pertanyaan, jawaban, program — what walk-ins ask most at the front desk
    ("Kapan bantuan PKH dicairkan?",
     "Bantuan PKH disalurkan per tahap melalui rekening penerima. Jadwal tiap tahap diumumkan pendamping PKH "
     "di kecamatan; bila tahap sudah lewat dan dana belum masuk, catat sebagai pengaduan.", "PKH"),
    ("Bagaimana cara mendaftar ke DTKS?",
     "Warga mendaftar melalui desa/kelurahan atau Puskesos. Data diverifikasi lalu diusulkan dinas sosial "
     "melalui SIKS-NG. Bawa KTP dan Kartu Keluarga.", None),
    ("Apakah identitas pelapor dirahasiakan?",
     "Ya. Identitas pelapor hanya diketahui petugas yang perlu menghubunginya, kecuali pelapor memilih "
     "untuk tidak dirahasiakan.", None),
)

# The fixed household: nik, nama, jenis_kelamin, tanggal_lahir, hubungan, disabilitas.
KNOWN_MEMBERS = (
    ("3203010203830001", "Asep Saepudin", "L", "1983-03-02", "kepala keluarga", False),
    (KNOWN_NIK, "Euis Komalasari", "P", "1985-06-05", "istri", False),
    ("3203011708120001", "Rizki Ramadhan", "L", "2012-08-17", "anak", False),
)

SUNDA_NAMES = {
    "L": ("Asep", "Dede", "Ujang", "Agus", "Cecep", "Dadang", "Endang", "Yayat", "Jajang", "Acep",
          "Dodi", "Ade", "Rudi", "Deden", "Ayi", "Encep"),
    "P": ("Euis", "Neng", "Siti", "Imas", "Yuyun", "Eneng", "Lilis", "Nining", "Tati", "Cucu", "Iis",
          "Yanti", "Popon", "Enung", "Titin", "Ela"),
    "anak_L": ("Muhammad Rizki", "Aditya", "Fajar", "Raka", "Dimas", "Ilham", "Gilang", "Rangga"),
    "anak_P": ("Putri", "Salsabila", "Nabila", "Aulia", "Zahra", "Intan", "Anisa", "Silvi"),
    "belakang_L": ("Saepudin", "Hidayat", "Suryana", "Permana", "Sopian", "Kurniawan", "Rohmat",
                   "Setiawan", "Mulyana", "Sutisna", "Ramdani", "Firmansyah"),
    "belakang_P": ("Nurhayati", "Komalasari", "Rohaeti", "Kurniasih", "Sumiati", "Rahmawati", "Hasanah",
                   "Wulandari", "Marlina", "Nurjanah", "Maryati", "Rosita"),
}
KENDARI_NAMES = {
    "L": ("Hasrul", "Sukardi", "Syamsul", "Jumardin", "Arman", "Ridwan", "La Ode Hamid", "Ilyas"),
    "P": ("Hasnawati", "Sitti", "Rahmatia", "Wa Ode Nurmala", "Darmawati", "Asniah", "Hasma", "Nurlia"),
    "anak_L": ("Muh. Fadli", "Aldi", "Rahmat", "Akbar", "Fikri"),
    "anak_P": ("Nurul", "Putri", "Aisyah", "Indah", "Sri Ayu"),
    "belakang_L": ("Ramli", "Tamburaka", "Lakidende", "Saranani", "Rusdin", "Basri", "Haris", "Hamzah"),
    "belakang_P": ("Ramli", "Tamburaka", "Lakidende", "Saranani", "Hasanuddin", "Basri", "Sultan", "Ningsih"),
}
SUNDA_KAMPUNG = ("Babakan", "Cikaret", "Sukamaju", "Pasirhayam", "Cibodas", "Pasirgede",
                 "Munjul", "Cirumput", "Sindanglaka", "Gunungsari")
KENDARI_JALAN = ("Jl. Saranani", "Jl. Malaka", "Jl. Bunggasi", "Jl. Sao-sao", "Jl. Ahmad Yani",
                 "Jl. Orinunggu", "Jl. Chairil Anwar")
PROGRAM_CHANCE = (("PKH", 0.35), ("BPNT", 0.5), ("PIP", 0.45), ("PIS-PBI", 0.6))


def seed_demo(now: datetime, password: str = "slrt-demo-2026") -> dict:
    """Fill an empty database with demo data; returns a summary of what was written."""
    if db.session.scalar(select(User.id).limit(1)) is not None or \
            db.session.scalar(select(Region.code).limit(1)) is not None:
        raise SlrtError(N_("Basis data sudah berisi data; demo tidak dimuat ulang"))
    rng = random.Random(2026)
    households, members = _build_registry(rng, now)
    with write_transaction() as session:
        for code, name, level, parent in REGIONS:
            session.add(Region(code=code, name=name, level=level, parent_code=parent))
            session.flush()
        programs = catalogue.initial_rows()  # rules/program.yaml
        session.add_all(programs)
        session.add_all(Faq(pertanyaan=q, jawaban=a, program=p, urutan=i, aktif=True, updated_at=now,
                            updated_by="sistem") for i, (q, a, p) in enumerate(FAQ, start=1))
        session.add_all(households)
        session.flush()
        session.add_all(members)
        session.flush()
    users = []
    for username, full_name, role, wilayah, sektor, instansi in USERS:
        create_user(username, password, full_name, role, wilayah=wilayah, sektor=sektor, instansi=instansi,
                    now=now, email=f"{username}@slrt-demo.example")
        users.append({"username": username, "role": role, "wilayah": wilayah, "sektor": sektor,
                      "instansi": instansi, "full_name": full_name})
    return {"regions": len(REGIONS), "programs": len(programs), "households": len(households),
            "members": len(members), "users": users}


def _build_registry(rng, now):
    """Household and member rows: the fixed household first, then the random sample."""
    used = {KNOWN_KK, UNREGISTERED_NIK} | {m[0] for m in KNOWN_MEMBERS}
    households = [Household(no_kk=KNOWN_KK, wilayah=DEMO_VILLAGE, alamat="Kp. Babakan RT 002/RW 005",
                            desil=1, programs=["PKH", "BPNT"], updated_at=now)]
    members = [HouseholdMember(no_kk=KNOWN_KK, nik=nik, nama=nama, jenis_kelamin=jk, tanggal_lahir=lahir,
                               hubungan=hub, disabilitas=dis) for nik, nama, jk, lahir, hub, dis in KNOWN_MEMBERS]
    areas = ((_villages("3203"), CIANJUR_HOUSEHOLDS - 1, SUNDA_NAMES, _sunda_address),
             (_villages("7471"), KENDARI_HOUSEHOLDS, KENDARI_NAMES, _kendari_address))
    for villages, count, names, address in areas:
        for i in range(count):
            village = villages[i % len(villages)]
            kk = _unique(used, lambda: village[:6] + _ddmmyy(_date_between(rng, 2005, 2024), "L") + _serial(rng))
            people = _family(rng, names)
            programs = [p for p, chance in PROGRAM_CHANCE if rng.random() < chance]
            if not any(hub == "anak" and born.year >= 2005 for _, _, born, hub in people):
                programs = [p for p in programs if p != "PIP"]
            households.append(Household(no_kk=kk, wilayah=village, alamat=address(rng), desil=rng.randint(1, 4),
                                        programs=programs, updated_at=now))
            for nama, jk, born, hub in people:
                nik = _unique(used, lambda: village[:6] + _ddmmyy(born, jk) + _serial(rng))
                members.append(HouseholdMember(nik=nik, no_kk=kk, nama=nama, jenis_kelamin=jk,
                                               tanggal_lahir=born.isoformat(), hubungan=hub,
                                               disabilitas=rng.random() < 0.05))
    return households, members


def _family(rng, names):
    """(nama, jenis_kelamin, tanggal_lahir, hubungan) for 2 to 6 people."""
    size = rng.randint(2, 6)
    head_sex = "P" if rng.random() < 0.15 else "L"
    head_born = _date_between(rng, 1950, 1996)
    people = [(_name(rng, names, head_sex), head_sex, head_born, "kepala keluarga")]
    if head_sex == "L":
        wife_born = head_born + timedelta(days=rng.randint(-1500, 3000))
        people.append((_name(rng, names, "P"), "P", wife_born, "istri"))
    while len(people) < size:
        if rng.random() < 0.85:
            sex = rng.choice("LP")
            born = _date_between(rng, head_born.year + 19, min(head_born.year + 44, 2024))
            people.append((_name(rng, names, "anak_" + sex), sex, born, "anak"))
        elif head_born.year >= 1975:
            sex = rng.choice("LP")
            people.append((_name(rng, names, sex), sex, _date_between(rng, head_born.year - 35,
                                                                      head_born.year - 22), "orang tua"))
        else:
            sex = rng.choice("LP")
            people.append((_name(rng, names, "anak_" + sex), sex, _date_between(rng, 2008, 2024), "cucu"))
    return people


def _name(rng, names, kind):
    return f"{rng.choice(names[kind])} {rng.choice(names['belakang_' + kind[-1]])}"


def _sunda_address(rng):
    return f"Kp. {rng.choice(SUNDA_KAMPUNG)} RT {rng.randint(1, 6):03d}/RW {rng.randint(1, 12):03d}"


def _kendari_address(rng):
    return f"{rng.choice(KENDARI_JALAN)} No. {rng.randint(1, 120)}"


def _villages(kabupaten):
    return [code for code, _, level, _ in REGIONS if level == "desa" and code.startswith(kabupaten)]


def _date_between(rng, first_year, last_year):
    return date.fromordinal(rng.randint(date(first_year, 1, 1).toordinal(), date(last_year, 12, 31).toordinal()))


def _ddmmyy(day, jenis_kelamin):
    """The birth-date part of a NIK: the day gets 40 added for women."""
    return f"{day.day + (40 if jenis_kelamin == 'P' else 0):02d}{day.month:02d}{day.year % 100:02d}"


def _serial(rng):
    return f"{rng.randint(1, 9999):04d}"


def _unique(used, make):
    """A number from `make` that is not in `used` (which also holds the fixed records)."""
    while True:
        number = make()
        if number not in used:
            used.add(number)
            return number
