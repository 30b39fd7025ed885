"""Issue 20, point 2: no shipped signing key is ever used, and sessions end on the server's side on
sign-out, a password change and deactivation (API tokens too on a password change)."""

import stat

import pytest
from flask import Flask
from sqlalchemy import select

from engine.config import load_settings
from engine.domain.actor import Actor
from engine.people import auth
from engine.people.keys import SHIPPED_KEYS
from engine.store.models import User, db
from tests.web.test_pages import csrf_of, signed_in
from web import create_app

OFFICER = ("fo.sesi", "kata-sandi-lama", "Tuti Alawiyah", "front_office", "3203")


def _cookie_signed_with(key, user_id, generation=0):
    """A session cookie as someone holding `key` would forge it."""
    forger = Flask("forger")
    forger.secret_key = key
    return forger.session_interface.get_signing_serializer(forger).dumps({"user_id": user_id, "sesi": generation})


def _with_cookie(app, value):
    client = app.test_client()
    client.set_cookie("session", value)
    return client


@pytest.mark.parametrize("shipped", sorted(SHIPPED_KEYS))
def test_a_cookie_signed_with_a_shipped_key_opens_nothing(backend, clock, tmp_path, shipped):
    url, _tokens = backend
    key_file = tmp_path / "instance" / "secret_key"
    settings = load_settings(overrides={"database_url": url, "secret_key": shipped, "secret_key_file": str(key_file)})
    app = create_app(settings=settings, clock=clock, config={"TESTING": True})
    with app.app_context():
        assert app.secret_key not in SHIPPED_KEYS and len(app.secret_key) >= 32
        auditor = db.session.scalar(select(User.id).where(User.username == "auditor.cianjur"))
        client = _with_cookie(app, _cookie_signed_with("ganti-kunci-ini-di-produksi", auditor))
        for path in ("/audit/", "/ekspor/kasus.csv"):
            response = client.get(path)
            assert response.status_code == 302 and "/masuk" in response.headers["Location"], path
        # the installation's own key is kept, private to its owner, and the next start uses it again
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert key_file.read_text().strip() == app.secret_key
        again = create_app(settings=settings, clock=clock, config={"TESTING": True})
        assert again.secret_key == app.secret_key
        db.session.remove()
        db.engine.dispose()


def test_a_configured_key_is_used_as_given(app):
    assert app.secret_key == "kunci-uji"


def test_a_session_cookie_is_dead_after_sign_out(app):
    client = signed_in(app, "fo.cianjur")
    assert client.get("/kotak-masuk").status_code == 200
    copied = client.client.get_cookie("session").value
    assert client.post("/keluar", data={"csrf_token": csrf_of(client, "/kotak-masuk")}).status_code == 302
    replayed = _with_cookie(app, copied).get("/kotak-masuk")
    assert replayed.status_code == 302 and "/masuk" in replayed.headers["Location"]
    assert _with_cookie(app, copied).get("/api/v1/tasks").status_code == 401
    assert signed_in(app, "fo.cianjur").get("/kotak-masuk").status_code == 200  # signing in again works


@pytest.fixture
def officer(app):
    user_id = auth.create_user(*OFFICER[:4], wilayah=OFFICER[4], now=app.config["SLRT_CLOCK"]())
    client = signed_in(app, OFFICER[0], OFFICER[1])
    token, _ = auth.issue_token(Actor.of(db.session.get(User, user_id)), app.config["SLRT_CLOCK"](), 1)
    assert client.get("/kotak-masuk").status_code == 200
    return user_id, client, token


def _admin(app):
    return signed_in(app, "admin.cianjur")


def test_a_password_change_ends_the_officers_sessions_and_revokes_their_tokens(app, officer):
    user_id, client, token = officer
    admin = _admin(app)
    changed = admin.post(f"/admin/pengguna/{user_id}", data={
        "csrf_token": csrf_of(admin, f"/admin/pengguna/{user_id}"), "full_name": OFFICER[2], "role": OFFICER[3],
        "wilayah": OFFICER[4], "sektor": "", "instansi": "", "email": "", "password": "kata-sandi-baru"})
    assert changed.status_code == 302
    assert client.get("/kotak-masuk").status_code == 302  # back to the sign-in page
    api = app.test_client()
    assert api.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert signed_in(app, OFFICER[0], "kata-sandi-baru").get("/kotak-masuk").status_code == 200
    # the administrator's own session is untouched
    assert admin.get("/admin/pengguna").status_code == 200


def test_a_deactivated_officers_session_stays_dead_after_reactivation(app, officer):
    user_id, client, _token = officer
    admin = _admin(app)
    assert admin.post(f"/admin/pengguna/{user_id}/nonaktifkan",
                      data={"csrf_token": csrf_of(admin, "/admin/pengguna")}).status_code == 302
    assert admin.post(f"/admin/pengguna/{user_id}/aktifkan",
                      data={"csrf_token": csrf_of(admin, "/admin/pengguna")}).status_code == 302
    assert client.get("/kotak-masuk").status_code == 302
    assert signed_in(app, OFFICER[0], OFFICER[1]).get("/kotak-masuk").status_code == 200

