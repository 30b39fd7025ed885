"""Hardening: CSRF on every form, headers and cookie flags, throttling, password hashes, token expiry
and revocation."""

import re

import pytest

from sqlalchemy import select

from engine.config import load_settings
from engine.store.models import ApiToken, User, db
from tests.conftest import PASSWORD, Clock
from tests.web.test_pages import PageClient
from web import create_app


def _token_of(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def _signed_in(app, username="fo.cianjur"):
    client = PageClient(app.test_client())
    token = _token_of(client.get("/masuk"))
    assert client.post("/masuk", data={"username": username, "password": PASSWORD, "csrf_token": token}
                       ).status_code == 302
    return client


def test_every_form_posted_without_its_csrf_token_is_refused(app):
    client = _signed_in(app, "admin.cianjur")
    before = db.session.scalar(select(User.active).where(User.username == "fo.cianjur"))
    fo_id = db.session.scalar(select(User.id).where(User.username == "fo.cianjur"))
    posts = sorted({rule.rule for rule in app.url_map.iter_rules()
                    if "POST" in rule.methods and not rule.rule.startswith("/api/")})
    assert len(posts) >= 15  # the scan sees the forms
    for rule in posts:
        path = re.sub(r"<int:\w+>", str(fo_id), rule).replace("<task_id>", "x").replace("<code>", "PKH")
        response = client.post(path, data={"pengganti": "1", "username": "x", "password": "y"})
        assert response.status_code == 400, rule
        assert "token CSRF" in response.get_data(as_text=True), rule
        wrong = client.post(path, data={"csrf_token": "palsu"})
        assert wrong.status_code == 400, rule
    db.session.expire_all()
    assert db.session.scalar(select(User.active).where(User.username == "fo.cianjur")) == before
    # with its token the same kind of form goes through
    page = client.get("/akun")
    assert client.post("/akun/token", data={"label": "uji", "csrf_token": _token_of(page)}).status_code == 200


def test_pages_and_api_answers_carry_security_headers_and_a_policy_without_inline_scripts(app):
    client = _signed_in(app)
    for response in (client.get("/kotak-masuk"), client.get("/masuk"), app.test_client().get("/api/v1/openapi.json"),
                     client.get("/static/slrt.css")):
        policy = response.headers["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'"
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
        assert "http" not in policy  # no other origin is trusted
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
    assert client.get("/kotak-masuk").headers["Cache-Control"] == "no-store"
    for template in app.jinja_loader.list_templates():
        source = app.jinja_loader.get_source(app.jinja_env, template)[0]
        inline = re.findall(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", source)
        handlers = re.findall(r"\son[a-z]+\s*=", source)
        assert not inline and not handlers, template


def test_session_cookie_is_httponly_samesite_and_secure_behind_https(tmp_path, sqlite_template):
    import shutil

    template, _ = sqlite_template
    shutil.copy(template, tmp_path / "https.db")
    settings = load_settings(overrides={"database_url": f"sqlite:///{tmp_path / 'https.db'}", "secret_key": "k",
                                        "public_base_url": "https://slrt.cianjurkab.go.id"})
    app = create_app(settings=settings, clock=Clock())
    with app.app_context():
        response = app.test_client().get("/masuk")
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        db.session.remove()
        db.engine.dispose()


def test_http_app_cookie_is_httponly_and_samesite(app):
    cookie = app.test_client().get("/masuk").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_repeated_failed_sign_ins_are_throttled_with_an_indonesian_429(app):
    window = app.extensions["slrt_throttle"]
    moment = [1000.0]
    window.clock = lambda: moment[0]
    client = PageClient(app.test_client())
    for _ in range(10):
        token = _token_of(client.get("/masuk"))
        assert client.post("/masuk", data={"username": "fo.cianjur", "password": "tebakan", "csrf_token": token}
                           ).status_code == 401
    token = _token_of(client.get("/masuk"))
    refused = client.post("/masuk", data={"username": "fo.cianjur", "password": PASSWORD, "csrf_token": token})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Terlalu banyak permintaan; coba lagi dalam" in refused.get_data(as_text=True)
    api = app.test_client().post("/api/v1/auth/token", json={"username": "fo.cianjur", "password": PASSWORD})
    assert api.status_code == 429 and api.get_json()["message"].startswith("Terlalu banyak permintaan")
    # another officer at the same desk is not locked out, and the lock lifts after the window
    assert app.test_client().post("/api/v1/auth/token", json={"username": "bo.sosial", "password": PASSWORD}
                                  ).status_code == 201
    moment[0] += 301
    assert app.test_client().post("/api/v1/auth/token", json={"username": "fo.cianjur", "password": PASSWORD}
                                  ).status_code == 201


def test_the_public_status_is_throttled_per_address(app):
    app.extensions["slrt_throttle"].clock = lambda: 5000.0
    client = app.test_client()
    answers = [client.get("/api/v1/public/cases/3203-26-99999", query_string={"kode": "ABCDEF"}).status_code
               for _ in range(31)]
    assert answers[:30] == [404] * 30 and answers[30] == 429
    page = client.get("/status", query_string={"tiket": "3203-26-99999", "kode": "ABCDEF"})
    assert page.status_code == 429 and "Terlalu banyak permintaan" in page.get_data(as_text=True)
    assert client.get("/status").status_code == 200  # the empty form itself is not counted


def test_an_installation_sets_its_own_public_limit_from_the_environment(tmp_path, sqlite_template, monkeypatch):
    import shutil

    template, _ = sqlite_template
    shutil.copy(template, tmp_path / "kios.db")
    monkeypatch.setenv("SLRT_BATAS_PERMINTAAN", '{"public": [3, 60]}')  # a kiosk: here stricter, to see it
    settings = load_settings(overrides={"database_url": f"sqlite:///{tmp_path / 'kios.db'}", "secret_key": "k"})
    app = create_app(settings=settings, clock=Clock())
    with app.app_context():
        client = app.test_client()
        answers = [client.get("/api/v1/public/cases/3203-26-99999", query_string={"kode": "ABCDEF"}).status_code
                   for _ in range(4)]
        assert answers == [404, 404, 404, 429]
        assert app.config["SLRT_RATE_LIMITS"]["sign_in"] == (10, 300)  # the others keep their defaults


def test_a_malformed_limit_in_the_environment_is_refused_by_name(monkeypatch):
    from engine.errors import InvalidInput

    monkeypatch.setenv("SLRT_BATAS_PERMINTAAN", "{public: 3}")
    with pytest.raises(InvalidInput) as refused:
        load_settings()
    assert "SLRT_BATAS_PERMINTAAN" in refused.value.errors


def test_passwords_are_stored_as_argon2id_hashes(app):
    stored = db.session.scalar(select(User.password_hash).where(User.username == "fo.cianjur"))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_api_tokens_expire_and_can_be_revoked_over_the_api_and_on_the_account_page(app, clock):
    client = app.test_client()
    issued = client.post("/api/v1/auth/token", json={"username": "fo.cianjur", "password": PASSWORD}).get_json()
    headers = {"Authorization": f"Bearer {issued['token']}"}
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200
    assert db.session.scalar(select(ApiToken.token_hash).where(ApiToken.token_hash == issued["token"])) is None
    assert client.post("/api/v1/auth/token/revoke", headers=headers).status_code == 204
    assert client.get("/api/v1/tasks", headers=headers).status_code == 401

    expiring = client.post("/api/v1/auth/token", json={"username": "fo.cianjur", "password": PASSWORD}).get_json()
    clock.advance(hours=app.config["SLRT_SETTINGS"].token_ttl_hours, seconds=1)
    assert client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {expiring['token']}"}).status_code == 401

    page_client = _signed_in(app)
    page = page_client.post("/akun/token", data={"label": "integrasi", "csrf_token": _token_of(page_client.get("/akun"))})
    token = re.search(r'id="token-baru">([^<]+)<', page.get_data(as_text=True)).group(1)
    assert client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.label == "integrasi"))
    other = _signed_in(app, "bo.sosial")  # someone else cannot revoke it
    assert other.post(f"/akun/token/{token_id}/cabut", data={"csrf_token": _token_of(other.get("/akun"))}
                      ).status_code == 404
    assert client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    revoked = page_client.post(f"/akun/token/{token_id}/cabut", data={"csrf_token": _token_of(page_client.get("/akun"))},
                               follow_redirects=True)
    assert "Token dicabut" in revoked.get_data(as_text=True) and "dicabut" in revoked.get_data(as_text=True)
    assert client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 401
