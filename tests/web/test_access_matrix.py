"""Every (role, endpoint, area) combination, allowed or refused exactly as the table below declares.

The endpoint list is the app's URL map: an endpoint (rule and method) added without an entry in
EXPECTED fails `test_every_endpoint_has_a_declared_expectation`, and every view that is not public
must declare its action with `requires`/`api_requires`. The table is written out by hand from
the rules (engine/domain/access.py docstring), not computed from ROLE_ACTIONS, so a change in
the rules shows up here as a failing combination.

"own" is an object in the acting officer's area (Kabupaten Cianjur; the village 3203012001 also
lies in the kecamatan 320301 of the facilitator and the supervisor); "other" is the same kind of
object in Kota Kendari. Program managers act for KEMENSOS_JSK, to which both PKH referrals go.
"""

import pytest
from sqlalchemy import select

from engine.domain import access
from engine.domain.actor import Actor
from engine.people import auth
from engine.processes import editing, versions
from engine.store.models import Case, User, db
from tests.conftest import PASSWORD
from tests.journeys import TELAAH, act, intake, telaah
from web.auth import PUBLIC_ENDPOINTS

KENDARI_VILLAGE = "7471011001"
USERS = {  # role -> the officer acting in it (all placed in Kabupaten Cianjur or inside it)
    "front_office": "fo.cianjur", "back_office": "bo.sosial", "fasilitator": "fasilitator.cianjur",
    "supervisor": "supervisor.cianjur", "manajer": "manajer.cianjur", "pengelola_program": "pp.kemensos.cianjur",
    "administrator": "admin.cianjur", "analis": "analis.cianjur", "auditor": "auditor.cianjur",
    "pemantau": "pemantau.cianjur", "anonim": None,
}
FO, BO, FAS, SUP, MAN, PP = "front_office", "back_office", "fasilitator", "supervisor", "manajer", "pengelola_program"
ADM, ANA, AUD, PEM = "administrator", "analis", "auditor", "pemantau"
OFFICERS = {FO, BO, FAS, SUP, MAN, PP, ADM, ANA, AUD, PEM}
EVERYONE = OFFICERS | {"anonim"}
CASE_READERS = {FO, BO, FAS, SUP, MAN, PP, AUD}
TASK_ACTORS = {FO, BO, MAN, PP}  # the lanes with an open task in the fixtures below
LANES = {FO, BO, FAS, SUP, MAN, PP}
REGISTRY = {FO, BO, FAS, SUP, MAN}
DASHBOARD = {SUP, MAN, ANA, AUD, PEM}  # aggregates of the viewer's own area
DIAGRAM_READERS = {MAN, ADM, ANA, AUD}
BOTH = "both"  # the endpoint does not depend on an object's area

# (rule, method) -> (roles allowed on an object in their own area, roles allowed on one elsewhere).
# BOTH: one set for both; a number instead of roles: the status every caller gets (public pages).
EXPECTED = {
    ("/", "GET"): (302, BOTH),
    ("/masuk", "GET"): (200, BOTH),
    ("/masuk", "POST"): (401, BOTH),  # a wrong password, for everyone
    ("/keluar", "POST"): (302, BOTH),
    ("/status", "GET"): (200, BOTH),
    ("/static/<path:filename>", "GET"): (200, BOTH),
    ("/aset/<package>/<path:filename>", "GET"): (200, BOTH),
    ("/api/v1/auth/token", "POST"): (201, BOTH),
    ("/api/v1/auth/token/revoke", "POST"): (OFFICERS, BOTH),
    ("/api/v1/openapi.json", "GET"): (200, BOTH),
    ("/api/v1/public/cases/<ticket>", "GET"): (200, BOTH),
    ("/kotak-masuk", "GET"): (LANES, BOTH),
    ("/diagram/<int:version_id>", "GET"): (DIAGRAM_READERS, BOTH),
    ("/kasus/<key>", "GET"): (CASE_READERS, set()),
    ("/kasus/<key>/tanda-terima", "GET"): ({FO, FAS}, set()),
    ("/cari-kasus", "GET"): ({FO, FAS}, BOTH),  # the page; what it finds is scoped (tests/cases/test_find_case.py)
    ("/tugas/<task_id>", "GET"): (CASE_READERS, set()),
    ("/tugas/<task_id>", "POST"): (TASK_ACTORS, set()),
    ("/tugas/<task_id>/ambil", "POST"): (TASK_ACTORS, set()),
    ("/tugas/<task_id>/lepas", "POST"): (TASK_ACTORS, set()),
    ("/meja-depan", "GET"): ({FO, FAS}, BOTH),
    ("/meja-depan", "POST"): ({FO, FAS}, set()),
    ("/antrian/ambil", "POST"): ({FO}, BOTH),
    ("/antrian/panggil", "POST"): ({FO}, BOTH),
    ("/ekspor/kasus.csv", "GET"): ({SUP, MAN, AUD}, BOTH),
    ("/faq", "GET"): ({FO, BO, FAS, SUP, MAN, ADM}, BOTH),
    ("/akun", "GET"): (OFFICERS, BOTH),
    ("/akun/token", "POST"): (OFFICERS, BOTH),
    ("/akun/kata-sandi", "POST"): (OFFICERS, BOTH),
    ("/akun/token/<int:token_id>/cabut", "POST"): (OFFICERS, BOTH),
    ("/admin/pengguna", "GET"): ({ADM}, BOTH),
    ("/admin/pengguna", "POST"): ({ADM}, BOTH),
    ("/admin/pengguna/<int:user_id>", "GET"): ({ADM}, set()),
    ("/admin/pengguna/<int:user_id>", "POST"): ({ADM}, set()),
    ("/admin/pengguna/<int:user_id>/nonaktifkan", "POST"): ({ADM}, set()),
    ("/admin/pengguna/<int:user_id>/aktifkan", "POST"): ({ADM}, set()),
    ("/admin/program", "GET"): ({ADM}, BOTH),
    ("/admin/program", "POST"): ({ADM}, BOTH),
    ("/admin/program/<code>", "POST"): ({ADM}, BOTH),
    ("/admin/faq", "GET"): ({ADM}, BOTH),
    ("/admin/faq", "POST"): ({ADM}, BOTH),
    ("/admin/faq/<int:faq_id>", "POST"): ({ADM}, BOTH),
    ("/api/v1/cases", "GET"): (CASE_READERS, BOTH),
    ("/api/v1/cases", "POST"): ({FO, FAS}, set()),
    ("/api/v1/cases/<key>", "GET"): (CASE_READERS, set()),
    ("/api/v1/cases/<key>/events", "GET"): (CASE_READERS, set()),
    ("/api/v1/cases/<key>/replay", "POST"): ({MAN, ADM, AUD}, set()),
    ("/api/v1/cases/<key>/messages", "POST"): ({BO, SUP, MAN, PP}, set()),  # allowed: 409, waits for no message
    ("/api/v1/tasks", "GET"): (LANES, BOTH),
    ("/api/v1/tasks/<task_id>", "GET"): (CASE_READERS, set()),
    ("/api/v1/tasks/<task_id>/claim", "POST"): (TASK_ACTORS, set()),
    ("/api/v1/tasks/<task_id>/release", "POST"): (TASK_ACTORS, set()),
    ("/api/v1/tasks/<task_id>/complete", "POST"): (TASK_ACTORS, set()),
    ("/api/v1/workflows", "GET"): (DIAGRAM_READERS, BOTH),
    ("/api/v1/workflows", "POST"): ({ANA}, BOTH),
    ("/api/v1/workflows/<id:version_id>/publish", "POST"): ({ANA}, set()),  # versions of the analyst's area only
    ("/api/v1/registry", "GET"): (REGISTRY, BOTH),
    ("/dasbor", "GET"): (DASHBOARD, BOTH),
    ("/dasbor/<key>.csv", "GET"): (DASHBOARD, BOTH),
    ("/laporan/<kind>", "GET"): (DASHBOARD, BOTH),
    ("/laporan/<kind>.xlsx", "GET"): (DASHBOARD, BOTH),
    ("/audit/", "GET"): ({MAN, ADM, AUD}, BOTH),
    ("/audit/kasus/<key>", "GET"): ({MAN, ADM, AUD}, set()),
    ("/audit/kasus/<key>/riwayat.json", "GET"): ({MAN, ADM, AUD}, set()),
    ("/audit/kasus/<key>/cetak", "GET"): ({MAN, ADM, AUD}, set()),
    # the workflow-management pages and API: reading (and what stores nothing) for diagram readers,
    # changes for analysts only
    ("/alur-kerja", "GET"): (DIAGRAM_READERS, BOTH),
    ("/alur-kerja/<int:version_id>/ubah", "GET"): (DIAGRAM_READERS, BOTH),
    ("/alur-kerja/<int:version_id>/beda", "GET"): (DIAGRAM_READERS, BOTH),
    ("/alur-kerja/<int:version_id>/unduh/<path:filename>", "GET"): (DIAGRAM_READERS, BOTH),
    # validating and dry-running unsaved content evaluates its expressions: diagram editors only
    ("/alur-kerja/validasi", "POST"): ({ANA}, BOTH),
    ("/alur-kerja/uji-coba", "POST"): ({ANA}, BOTH),
    ("/alur-kerja/terbitkan", "POST"): ({ANA}, BOTH),
    ("/alur-kerja/pratinjau-terbit", "POST"): ({ANA}, BOTH),
    ("/alur-kerja/draf", "POST"): ({ANA}, BOTH),
    ("/alur-kerja/draf/buang", "POST"): ({ANA}, BOTH),
    ("/alur-kerja/unggah", "POST"): ({ANA}, BOTH),
    ("/alur-kerja/<int:version_id>/<action>", "POST"): ({ANA}, set()),
    ("/alur-kerja/<int:version_id>/terbitkan", "GET"): ({ANA}, set()),  # versions of the analyst's area only
    ("/api/v1/workflows/<id:version_id>", "GET"): (DIAGRAM_READERS, BOTH),
    ("/api/v1/workflows/<id:version_id>/files/<path:filename>", "GET"): (DIAGRAM_READERS, BOTH),
    ("/api/v1/workflows/<id:version_id>/diff", "GET"): (DIAGRAM_READERS, BOTH),
    ("/api/v1/workflows/<id:version_id>/dry-run", "POST"): (DIAGRAM_READERS, BOTH),
    ("/api/v1/workflows/validate", "POST"): ({ANA}, BOTH),
    ("/api/v1/workflows/<id:version_id>/retire", "POST"): ({ANA}, set()),
    ("/api/v1/workflows/<id:version_id>/rollback", "POST"): ({ANA}, BOTH),
    ("/api/v1/workflows/<id:version_id>/publish-preview", "GET"): (DIAGRAM_READERS, BOTH),
    ("/api/v1/workflows/drafts/<process_id>", "GET"): ({ANA}, BOTH),  # one's own draft
    ("/api/v1/workflows/drafts/<process_id>", "PUT"): ({ANA}, BOTH),
    ("/api/v1/workflows/drafts/<process_id>", "DELETE"): ({ANA}, BOTH),
    ("/api/v1/workflows/<id:version_id>/migrate", "POST"): ({ANA}, set()),
}
# Run the claims before the releases, and signing out last.
ORDER = {"/keluar": 2, "/api/v1/auth/token/revoke": 2, "/tugas/<task_id>/lepas": 1, "/api/v1/tasks/<task_id>/release": 1}


def _rules(app):
    rules = set()
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            rules.add((rule.rule, method, rule.endpoint))
    return rules


def test_every_endpoint_has_a_declared_expectation(app):
    rules = _rules(app)
    missing = sorted((rule, method) for rule, method, _ in rules if (rule, method) not in EXPECTED)
    assert not missing, f"declare who may call these in EXPECTED: {missing}"
    assert not set(EXPECTED) - {(rule, method) for rule, method, _ in rules}, "EXPECTED names endpoints that are gone"
    undeclared = sorted(endpoint for _, _, endpoint in rules if endpoint not in PUBLIC_ENDPOINTS
                        and getattr(app.view_functions[endpoint], "slrt_action", None) not in access.ALL_ACTIONS)
    assert not undeclared, f"wrap these views in requires(action) / api_requires(action): {undeclared}"


def _stage_cases(api, fo, bo, manager, village):
    """Four PKH cases of one area, waiting at review, back office, manager and the agency."""
    def new():
        return intake(api, fo, wilayah=village)

    review = new()
    back_office = new()
    act(api, fo, back_office["id"], TELAAH, telaah())
    approval = new()
    act(api, fo, approval["id"], TELAAH, telaah())
    act(api, bo, approval["id"], "Task_BackOffice", {
        "ditangani_langsung": False, "hasil_penanganan": "Perlu rujukan.", "pokok_masalah": "penyaluran_bantuan",
        "program": "PKH"})
    agency = new()
    act(api, fo, agency["id"], TELAAH, telaah())
    act(api, bo, agency["id"], "Task_BackOffice", {
        "ditangani_langsung": False, "hasil_penanganan": "Perlu rujukan.", "pokok_masalah": "penyaluran_bantuan",
        "program": "PKH"})
    act(api, manager, agency["id"], "Pkh_Setujui", {"keputusan_manajer": "setuju"})
    return {"review": review, "back_office": back_office, "approval": approval, "agency": agency}


def _open_task(case_view, element_id):
    return next(t["id"] for t in case_view["tasks"] if t["element_id"] == element_id and t["status"] == "siap")


@pytest.fixture
def world(app, api):
    """The cases, tasks and users of both areas that the matrix's requests point at."""
    now = app.config["SLRT_CLOCK"]()
    auth.create_user("pp.kemensos.cianjur", PASSWORD, "Ratih Kemensos Cianjur", "pengelola_program", "3203",
                     instansi="KEMENSOS_JSK", now=now)
    own = _stage_cases(api, "fo.cianjur", "bo.sosial", "manajer.cianjur", "3203012001")
    other = _stage_cases(api, "fo.kendari", "bo.kendari", "manajer.kendari", KENDARI_VILLAGE)
    areas = {}
    for name, stages in (("own", own), ("other", other)):
        reader = "auditor.cianjur" if name == "own" else "manajer.kendari"
        views = {stage: api(reader).get(f"/cases/{case['id']}").get_json() for stage, case in stages.items()}
        tasks = {FO: _open_task(views["review"], TELAAH), BO: _open_task(views["back_office"], "Task_BackOffice"),
                 MAN: _open_task(views["approval"], "Pkh_Setujui"), PP: _open_task(views["agency"], "Pkh_Tanggapi")}
        areas[name] = {"case": stages["agency"], "tasks": tasks, "village": "3203012001" if name == "own" else KENDARI_VILLAGE,
                       "user": db.session.scalar(select(User.id).where(
                           User.username == ("admin.cianjur" if name == "own" else "fo.kendari")))}
    published = versions.get_version(1)
    main = f"workflows/{published.process_id}.bpmn"
    for name, username in (("own", "analis.cianjur"), ("other", "analis.kendari")):
        analyst = Actor.of(db.session.scalar(select(User).where(User.username == username)))
        # a draft of the area's scope (rolled back / migrated to: refused, 409) and a retired version
        # (published, retired or "terbitkan" again: refused, 409) - an analyst elsewhere gets 403
        edited = {**published.sources, main: published.sources[main] + "\n<!-- draf -->\n"}
        areas[name]["draft"] = editing.upload(analyst, published.process_id, edited, now)
        abandoned = {**published.sources, main: published.sources[main] + "\n<!-- batal -->\n"}
        areas[name]["retired"] = editing.retire(analyst, editing.upload(analyst, published.process_id, abandoned, now), now)
    tokens = {}
    for role, username in USERS.items():
        if username:
            user = db.session.scalar(select(User).where(User.username == username))
            tokens[role], _ = auth.issue_token(Actor.of(user), now, 24)
    return areas, tokens


def _intake_fields(village):
    return {"kanal": "sekretariat", "wilayah": village, "jenis_keluhan": "pengaduan", "program": "PKH",
            "uraian": "Bantuan belum diterima.",
            "pelapor": {"nik": "3203014506850001", "nama": "Siti Aminah", "telepon": "081234567890",
                        "alamat": "Kp. Babakan", "jenis_kelamin": "P", "disabilitas": False, "penerima_manfaat": True}}


def _request(rule, method, role, target):
    """(path, keyword arguments) of the request that exercises `rule` on `target` as `role`."""
    case, village = target["case"], target["village"]
    task = target["tasks"].get(role, target["tasks"][FO])
    rule = rule.replace("/dasbor/<key>", "/dasbor/kanal").replace("/laporan/<kind>", "/laporan/bulanan")
    # Workflow versions: 1 is the published national one (read); publishing, retiring or "terbitkan" aim
    # at the area's retired version and rolling back or migrating at its draft, all refused with 409 to the
    # area's analyst, so nothing an allowed caller does here changes a version.
    version = (str(target["draft"]) if rule.endswith(("/rollback", "/migrate"))
               else str(target["retired"]) if rule.endswith(("/publish", "/retire", "/<action>", "/terbitkan")) else "1")
    filename = ("slrt.css" if rule.startswith("/static") else "bpmn-navigated-viewer.production.min.js"
                if rule.startswith("/aset") else "workflows/keluhan.bpmn")
    path = (rule.replace("<path:filename>", filename).replace("<action>", "terbitkan")
            .replace("<package>", "bpmn-js").replace("<key>", str(case["id"])).replace("<task_id>", task)
            .replace("<ticket>", case["ticket"]).replace("<int:version_id>", version).replace("<id:version_id>", version)
            .replace("<int:user_id>", str(target["user"])).replace("<code>", "PKH").replace("<process_id>", "keluhan")
            .replace("<int:faq_id>", str(target["faq"])).replace("<int:token_id>", str(target["token_id"])))
    kwargs = {}
    if rule == "/api/v1/public/cases/<ticket>":
        kwargs["query_string"] = {"kode": case["tracking_code"]}
    elif rule == "/api/v1/registry":
        kwargs["query_string"] = {"nik": "3203014506850001"}
    elif rule == "/api/v1/auth/token":
        kwargs["json"] = {"username": "fo.cianjur", "password": PASSWORD}
    elif rule == "/masuk" and method == "POST":
        kwargs["data"] = {"username": "fo.cianjur", "password": "salah-sekali"}
    elif rule == "/api/v1/cases" and method == "POST":
        kwargs["json"] = _intake_fields(village)
    elif rule == "/api/v1/cases/<key>/messages":
        kwargs["json"] = {"nama": "jawaban_instansi"}
    elif rule.startswith("/api/v1/tasks/") and rule.endswith("/complete"):
        kwargs["json"] = {"data": {}}  # passes the access check, then fails validation (422)
    elif rule.endswith("/beda") or rule.endswith("/diff"):
        kwargs["query_string"] = {"dari": 1}
    elif rule.startswith(("/alur-kerja/", "/api/v1/workflows/")) and method == "POST":
        kwargs["json"] = {}  # validate, dry run, publish, upload: no files, so an allowed caller gets 422
    elif rule == "/api/v1/workflows" and method == "POST":
        kwargs["json"] = {"process_id": "keluhan", "files": {}}
    elif rule == "/meja-depan" and method == "POST":
        fields = _intake_fields(village)
        kwargs["data"] = {**{k: v for k, v in fields.items() if k != "pelapor"},
                          **{f"pelapor.{k}": v for k, v in fields["pelapor"].items() if isinstance(v, str)}}
    elif method == "POST":
        kwargs["data"] = {}  # admin and task forms: empty, so an allowed caller gets 422 and nothing changes
    return path, kwargs


def _refused(response):
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code == 302 and "/masuk" in response.headers.get("Location", "")


def test_every_role_endpoint_and_area_is_allowed_or_refused_as_declared(app, api, world):
    areas, tokens = world
    app.config["WTF_CSRF_ENABLED"] = False  # CSRF has its own test; here only access is exercised
    app.config["SLRT_RATE_LIMITS"] = {}  # and throttling too
    from engine.store.models import Faq

    with app.app_context():
        db.session.add(Faq(pertanyaan="Kapan PKH cair?", jawaban="Per tahap.", urutan=1, aktif=True))
        db.session.commit()
        faq_id = db.session.scalar(select(Faq.id))
    rules = sorted(((r, m) for r, m, _ in _rules(app)), key=lambda rm: (ORDER.get(rm[0], 0), rm))
    mismatches, checked = [], 0
    for role, username in USERS.items():
        for area in ("own", "other"):
            target = dict(areas[area], faq=faq_id, token_id=0)
            client = app.test_client()
            headers = {}
            if username:
                assert client.post("/masuk", data={"username": username, "password": PASSWORD}).status_code == 302
                actor = Actor.of(db.session.scalar(select(User).where(User.username == username)))
                headers = {"Authorization": f"Bearer {auth.issue_token(actor, app.config['SLRT_CLOCK'](), 1)[0]}"}
                auth.issue_token(actor, app.config["SLRT_CLOCK"](), 1, label="dicabut")  # the one revoked below
                target["token_id"] = auth.list_tokens(actor, app.config["SLRT_CLOCK"]())[0]["id"]
            for rule, method in rules:
                allowed_own, allowed_other = EXPECTED[(rule, method)]
                expected = allowed_own if allowed_other == BOTH or area == "own" else allowed_other
                path, kwargs = _request(rule, method, role, target)
                response = client.open(path, method=method, headers=headers if path.startswith("/api/") else {},
                                       **kwargs)
                checked += 1
                if response.status_code >= 500:
                    mismatches.append((role, area, method, rule, "server error", response.status_code))
                elif isinstance(expected, int):
                    if response.status_code != expected:
                        mismatches.append((role, area, method, rule, f"expected {expected}", response.status_code))
                elif _refused(response) == (role in expected):
                    verdict = "allowed" if role in expected else "refused"
                    mismatches.append((role, area, method, rule, f"should be {verdict}", response.status_code))
    assert checked == len(USERS) * 2 * len(rules)
    assert not mismatches, "\n".join(map(str, mismatches))


def _tickets_in(text):
    import re

    return set(re.findall(r"\b\d{4}-\d{2}-\d{5}\b", text))


LISTING_USERS = (
    "fo.cianjur", "bo.sosial", "bo.kesehatan", "fasilitator.cianjur", "supervisor.cianjur", "manajer.cianjur",
    "auditor.cianjur", "fo.puskesos.sayang", "fo.kendari", "bo.kendari", "manajer.kendari", "pp.kemensos",
    "pp.kemensos.cianjur", "pp.bpjs", "pp.dinkes", "admin.cianjur", "analis.cianjur", "pemantau.cianjur",
)


def test_no_listing_leaks_a_case_from_another_area_or_agency(app, api, world):
    """API /cases (also searched by ticket), /tasks and the inbox page show only cases in scope."""
    app.config["WTF_CSRF_ENABLED"] = False
    areas, _tokens = world
    for username in LISTING_USERS:
        _check_listings(app, areas, username)


def _check_listings(app, areas, username):
    user = db.session.scalar(select(User).where(User.username == username))
    token, _ = auth.issue_token(Actor.of(user), app.config["SLRT_CLOCK"](), 1)
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    all_cases = db.session.execute(select(Case.id, Case.ticket, Case.wilayah, Case.tujuan_rujukan)).all()
    assert len(all_cases) == 8

    referred = {areas[a]["case"]["ticket"] for a in areas}  # the two whose referral reached KEMENSOS_JSK

    def in_scope(case):
        if not case.wilayah.startswith(user.wilayah or ""):
            return False
        if user.role == "pengelola_program":
            return case.ticket in referred and user.instansi == "KEMENSOS_JSK"
        return user.role in ("front_office", "back_office", "fasilitator", "supervisor", "manajer", "auditor")

    visible = {c.ticket for c in all_cases if in_scope(c)}
    hidden = {c.ticket for c in all_cases} - visible

    listed = client.get("/api/v1/cases", headers=headers)
    if listed.status_code == 200:
        assert {c["ticket"] for c in listed.get_json()} == visible
        for ticket in hidden:  # searching for a case out of scope finds nothing
            assert client.get("/api/v1/cases", query_string={"q": ticket}, headers=headers).get_json() == []
        for ticket in visible:
            assert [c["ticket"] for c in client.get("/api/v1/cases", query_string={"q": ticket},
                                                    headers=headers).get_json()] == [ticket]
    else:
        assert listed.status_code == 403 and not visible

    tasks = client.get("/api/v1/tasks", headers=headers)
    if tasks.status_code == 200:
        seen = {t["ticket"] for t in tasks.get_json()}
        assert seen <= visible and not seen & hidden
        assert client.post("/masuk", data={"username": username, "password": PASSWORD}).status_code == 302
        page = client.get("/kotak-masuk")
        assert page.status_code == 200
        assert _tickets_in(page.get_data(as_text=True)) == seen
    else:
        assert tasks.status_code == 403
    if username in ("fo.cianjur", "manajer.cianjur", "pp.kemensos.cianjur", "bo.kendari"):
        assert visible  # the scopes really are not empty
    if username == "pp.kemensos":  # nationwide agency: both areas' referrals, nothing else
        assert len(visible) == 2
