"""Officers change their own password on /akun: the current one, the new one twice, the same strength rule as
the administrators' forms, CSRF, throttled; every other session and API token of theirs ends, this one stays."""

import pytest
from sqlalchemy import delete

from engine.domain.actor import Actor
from engine.people import auth
from engine.store.models import ApiToken, User, db
from tests.web.test_pages import PageClient, csrf_of, signed_in

OLD, NEW = "sandi-lama-123", "sandi-baru-456"


@pytest.fixture
def officer(app):
    """An officer of its own (PostgreSQL keeps users between tests: removed after)."""
    user_id = auth.create_user("bo.sandi", OLD, "Nining Sandi", "back_office", "3203", sektor="sosial",
                               now=app.config["SLRT_CLOCK"]())
    yield user_id
    db.session.rollback()
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
    db.session.execute(delete(User).where(User.id == user_id))
    db.session.commit()


def _change(client, current, new, repeated=None, lang=""):
    token = csrf_of(client, "/akun")
    return client.post(f"/akun/kata-sandi{lang}", data={"csrf_token": token, "sandi_lama": current, "sandi_baru": new,
                                                         "sandi_ulang": new if repeated is None else repeated})


def _token(app, user_id):
    token, _expires = auth.issue_token(Actor.of(db.session.get(User, user_id)), app.config["SLRT_CLOCK"](), 24)
    return {"Authorization": f"Bearer {token}"}


def test_a_password_change_ends_other_sessions_and_tokens_and_keeps_this_one(app, officer):
    here, elsewhere = signed_in(app, "bo.sandi", OLD), signed_in(app, "bo.sandi", OLD)
    bearer = _token(app, officer)
    assert app.test_client().get("/api/v1/tasks", headers=bearer).status_code == 200
    changed = _change(here, OLD, NEW)
    assert changed.status_code == 302 and changed.headers["Location"].endswith("/akun")
    page = here.get("/akun")
    assert page.status_code == 200 and "Kata sandi diubah" in page.get_data(as_text=True)
    assert here.get("/kotak-masuk").status_code == 200  # this session carries on
    assert "/masuk" in elsewhere.get("/kotak-masuk").headers["Location"]  # the other one is over
    assert app.test_client().get("/api/v1/tasks", headers=bearer).status_code == 401
    assert "dicabut" in here.get("/akun").get_data(as_text=True)
    signed_in(app, "bo.sandi", NEW)
    refused = app.test_client().post("/api/v1/auth/token", json={"username": "bo.sandi", "password": OLD})
    assert refused.status_code == 401


def test_a_wrong_current_password_changes_nothing_and_is_throttled(app, officer):
    client = signed_in(app, "bo.sandi", OLD)
    wrong = _change(client, "bukan-sandinya", NEW)
    assert wrong.status_code == 422 and "Kata sandi saat ini salah" in wrong.get_data(as_text=True)
    assert client.get("/kotak-masuk").status_code == 200  # a mistake does not sign the officer out
    for _attempt in range(4):
        assert _change(client, "bukan-sandinya", NEW).status_code == 422
    throttled = _change(client, OLD, NEW)  # even the right one waits now
    assert throttled.status_code == 429 and "Retry-After" in throttled.headers
    assert "Terlalu banyak permintaan" in throttled.get_data(as_text=True)
    signed_in(app, "bo.sandi", OLD)  # unchanged


@pytest.mark.parametrize("new, repeated, field, message", [
    ("pendek", None, "sandi_baru", "kata sandi minimal 8 karakter"),
    ("x" * 257, None, "sandi_baru", "kata sandi maksimal 256 karakter"),
    ("          ", None, "sandi_baru", "kata sandi tidak boleh hanya spasi"),
    (NEW, "sandi-baru-457", "sandi_ulang", "ulangan kata sandi baru tidak sama"),
    (OLD, None, "sandi_baru", "kata sandi baru harus berbeda dengan yang sekarang"),
])
def test_a_new_password_against_the_rule_is_refused_next_to_its_field(app, officer, new, repeated, field, message):
    client = signed_in(app, "bo.sandi", OLD)
    refused = _change(client, OLD, new, repeated)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f'<span class="pesan-kolom" id="galat-{field}">{message}</span>' in html
    assert f'id="{field}"' in html and 'aria-invalid="true"' in html
    signed_in(app, "bo.sandi", OLD)  # unchanged


def test_the_administrators_form_holds_to_the_same_rule(app, officer):
    with pytest.raises(Exception) as refused:
        auth.set_password(db.session.get(User, officer), "x" * 257)
    assert refused.value.errors["password"] == "kata sandi maksimal 256 karakter"
    db.session.rollback()


def test_the_page_and_its_messages_read_in_english(app, officer):
    client = signed_in(app, "bo.sandi", OLD)
    page = client.get("/akun?lang=en").get_data(as_text=True)
    assert "Change password" in page and "Repeat the new password" in page
    wrong = _change(client, "bukan-sandinya", NEW, lang="?lang=en").get_data(as_text=True)
    assert "The current password is wrong" in wrong
    short = _change(client, OLD, "pendek", lang="?lang=en").get_data(as_text=True)
    assert "the password must have at least 8 characters" in short


def test_a_change_without_the_csrf_token_is_refused(app, officer):
    client = signed_in(app, "bo.sandi", OLD)
    refused = client.post("/akun/kata-sandi", data={"sandi_lama": OLD, "sandi_baru": NEW, "sandi_ulang": NEW})
    assert refused.status_code == 400 and "token CSRF" in refused.get_data(as_text=True)
    assert client.get("/kotak-masuk").status_code == 200
    signed_in(app, "bo.sandi", OLD)  # unchanged


def test_a_stranger_is_sent_to_sign_in(app):
    client = PageClient(app.test_client())
    token = csrf_of(client, "/masuk")
    answer = client.post("/akun/kata-sandi", data={"csrf_token": token, "sandi_lama": OLD, "sandi_baru": NEW,
                                                   "sandi_ulang": NEW})
    assert answer.status_code == 302 and "/masuk" in answer.headers["Location"]
