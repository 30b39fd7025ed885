"""Users, passwords (Argon2) and API tokens (random, stored hashed, expiring, revocable)."""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from engine.domain.actor import Actor
from engine.domain.roles import ALL_ROLES
from engine.errors import AuthenticationFailed, InvalidInput, NotFound
from engine.i18n import N_
from engine.store.database import write_transaction
from engine.store import statements
from engine.store.models import ApiToken, User, db

_hasher = PasswordHasher()
PASSWORD_MIN, PASSWORD_MAX = 8, 256  # the one strength rule: administrators' forms and officers' own change
# Verifying against this keeps the time of a failed sign-in the same whether the user exists or not.
_DUMMY_HASH = _hasher.hash("tidak-ada-pengguna")


def create_user(username: str, password: str, full_name: str, role: str, wilayah: str | None = "",
                sektor: str | None = None, instansi: str | None = None, now: datetime | None = None,
                email: str | None = None) -> int:
    errors: dict[str, str] = {}
    if not username or len(username) > 80:
        errors["username"] = N_("nama pengguna wajib diisi (maksimal 80 karakter)")
    if role not in ALL_ROLES:
        errors["role"] = N_("{kolom} harus salah satu dari: {pilihan}", kolom="peran", pilihan=", ".join(ALL_ROLES))
    if problem := password_problem(password):
        errors["password"] = problem
    if errors:
        raise InvalidInput(N_("Data pengguna tidak valid"), errors=errors)
    with write_transaction() as session:
        if session.scalar(select(User).where(User.username == username)) is not None:
            raise InvalidInput(N_("Data pengguna tidak valid"), errors={"username": N_("nama pengguna sudah dipakai")})
        user = User(username=username, password_hash=_hasher.hash(password), full_name=full_name, role=role,
                    wilayah=wilayah or "", sektor=sektor, instansi=instansi, email=email, active=True,
                    created_at=now)
        session.add(user)
        session.flush()
        return user.id


def authenticate(username: str | None, password: str | None) -> Actor:
    """The Actor for valid credentials of an active user, else AuthenticationFailed."""
    user = db.session.scalar(select(User).where(User.username == username)) if username else None
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        user = None
    if user is None or not user.active:
        raise AuthenticationFailed(N_("Nama pengguna atau kata sandi salah"))
    return Actor.of(user)


def issue_token(actor: Actor, now: datetime, ttl_hours: float, label: str = "api") -> tuple[str, datetime]:
    """A new bearer token for the actor; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    with write_transaction() as session:
        session.add(ApiToken(user_id=actor.id, token_hash=_digest(token), label=label, created_at=now,
                             expires_at=now + timedelta(hours=ttl_hours)))
    return token, now + timedelta(hours=ttl_hours)


def actor_for_token(token: str | None, now: datetime) -> Actor:
    row = statements.TOKEN_USER.execute({"digest": _digest(token)}).one_or_none() if token else None
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise AuthenticationFailed(N_("Token tidak valid atau sudah kedaluwarsa"))
    if not row.active:
        raise AuthenticationFailed(N_("Pengguna tidak aktif"))
    return Actor(row.id, row.username, row.role, row.wilayah or "", row.sektor, row.instansi, row.full_name)


def actor_for_user_id(user_id: int | None, generation: int | None) -> Actor:
    """The officer a session cookie names, if the session is still theirs: the user is active and the
    cookie carries the user's current session generation (signing out, a password change and
    deactivation raise it, which ends every earlier session on the server's side)."""
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.active or generation is None or generation != user.sesi_generasi:
        raise AuthenticationFailed(N_("Sesi tidak valid"))
    return Actor.of(user)


def session_generation(user_id: int) -> int:
    """The generation a new session of this user carries."""
    return db.session.scalar(select(User.sesi_generasi).where(User.id == user_id)) or 0


def end_sessions(user: User) -> None:
    """End every session of a user row (inside the caller's transaction)."""
    user.sesi_generasi = (user.sesi_generasi or 0) + 1


def sign_out(user_id: int, generation: int | None) -> None:
    """Sign out: the session's generation passes, so the cookie (and any copy of it) stops working."""
    with write_transaction() as session:
        user = session.get(User, user_id)
        if user is not None and user.sesi_generasi == generation:
            end_sessions(user)


def revoke_token(token: str, now: datetime) -> None:
    with write_transaction() as session:
        row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
        if row is not None and row.revoked_at is None:
            row.revoked_at = now


def _digest(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def list_tokens(actor: Actor, now: datetime) -> list[dict[str, Any]]:
    """The actor's own API tokens, newest first, with whether each still works."""
    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id == actor.id)
                              .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    return [{"id": t.id, "label": t.label, "created_at": t.created_at, "expires_at": t.expires_at,
             "revoked_at": t.revoked_at, "active": t.revoked_at is None and cast(datetime, t.expires_at) > now} for t in rows]


def revoke_token_id(actor: Actor, token_id: int, now: datetime) -> None:
    """Revoke one of the actor's own tokens by its id (NotFound for anyone else's)."""
    with write_transaction() as session:
        row = session.get(ApiToken, token_id)
        if row is None or row.user_id != actor.id:
            raise NotFound(N_("Token tidak ditemukan"), token_id=token_id)
        if row.revoked_at is None:
            row.revoked_at = now


def revoke_user_tokens(session: scoped_session, user_id: int, now: datetime) -> None:
    """Revoke every live token of a user (inside the caller's transaction)."""
    for row in session.scalars(select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))):
        row.revoked_at = now


def password_problem(password: Any) -> str | None:
    """What is wrong with a new password under the strength rule, or None when it passes."""
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        return N_("kata sandi minimal 8 karakter")
    if len(password) > PASSWORD_MAX:
        return N_("kata sandi maksimal {n} karakter", n=PASSWORD_MAX)
    if not password.strip():
        return N_("kata sandi tidak boleh hanya spasi")
    return None


def set_password(user: User, password: str) -> None:
    """Give a user row a new password (inside the caller's transaction)."""
    if problem := password_problem(password):
        raise InvalidInput(N_("Data pengguna tidak valid"), errors={"password": problem})
    user.password_hash = _hasher.hash(password)
    end_sessions(user)


def change_own_password(actor: Actor, current: Any, new: Any, repeated: Any, now: datetime) -> int:
    """An officer changes their own password; returns the session generation the caller's session now carries.

    The current password must be right (else AuthenticationFailed: the caller counts the failure);
    the new one passes the strength rule, is typed the same twice and differs from the current one.
    Every other session of the officer ends and every API token of theirs is revoked, in one transaction.
    """
    user = db.session.get(User, actor.id) if actor.id else None
    if user is None or not user.active or not _verifies(user.password_hash, current):
        raise AuthenticationFailed(N_("Kata sandi saat ini salah"))
    errors = {}
    if problem := password_problem(new):
        errors["sandi_baru"] = problem
    elif new != repeated:
        errors["sandi_ulang"] = N_("ulangan kata sandi baru tidak sama")
    elif new == current:
        errors["sandi_baru"] = N_("kata sandi baru harus berbeda dengan yang sekarang")
    if errors:
        raise InvalidInput(N_("Kata sandi tidak diubah"), errors=errors)
    with write_transaction() as session:
        row = session.get_one(User, actor.id)
        set_password(row, new)
        revoke_user_tokens(session, row.id, now)
        return row.sesi_generasi


def _verifies(password_hash: str, password: Any) -> bool:
    try:
        return isinstance(password, str) and _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
