"""Resolve the calling officer (bearer token for the API, session for pages) and check the action.

Every page and endpoint that is not public is wrapped in ``requires(action)``:

    @bp.get("/dasbor")
    @requires(access.DASHBOARD)
    def dashboard(): ...

It signs the caller in (API: ``Authorization: Bearer``; pages: the session, else a redirect
to /masuk), puts the Actor in ``g.actor`` and refuses with 403 a role that may not perform the
action anywhere (``engine.domain.access.ROLE_ACTIONS``). Checks on a particular case, task or
area stay in the services (``access.may_view_case`` and friends), which every view calls.
The action is kept on the view (``view.slrt_action``) so a test can check that every endpoint
of the URL map declares one; views that are public on purpose are listed in PUBLIC_ENDPOINTS.
"""

from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, session, url_for

from engine.domain import access
from engine.i18n import N_
from engine.errors import AuthenticationFailed, Forbidden
from engine.people import auth

# Endpoints anyone may call without signing in (each shows nothing confidential).
PUBLIC_ENDPOINTS = frozenset({
    "static", "assets.asset", "ui.home", "ui.login", "ui.logout", "public.status",
    "api.create_token", "api.public_case", "api.openapi",
})


def now():
    """The instant this request acts at (the app's clock; tests inject one)."""
    return current_app.config["SLRT_CLOCK"]()


def local_path(target, fallback):
    """`target` if it is a path on this site, else `fallback`.

    No open redirects: not '//host', not '/\\host', and no control character or space anywhere,
    since browsers drop tabs and newlines from a URL ('/\t/evil.example' becomes '//evil.example')
    and CR/LF would not fit in a Location header at all.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    if any(ord(char) <= 0x20 or ord(char) == 0x7F for char in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def api_actor():
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return auth.actor_for_token(header[len("Bearer "):].strip(), now())
    if session.get("user_id") and request.method in ("GET", "HEAD"):
        # pages read the API with their session (e.g. the DTKS lookup); changes need a token
        return auth.actor_for_user_id(session["user_id"], session.get("sesi"))
    raise AuthenticationFailed(N_("Diperlukan token Bearer"))


def _check(action):
    if action is not None and not access.allowed(g.actor, action):
        raise Forbidden(N_("Peran Anda tidak berwenang membuka halaman atau layanan ini"), action=action)


def _guarded(action, sign_in):
    """A view decorator: `sign_in()` sets g.actor (or returns the answer for a stranger), then the
    actor's role must allow `action`."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            refused = sign_in()
            if refused is not None:
                return refused
            _check(action)
            return view(*args, **kwargs)
        wrapper.slrt_action = action
        return wrapper
    return decorate


def _api_sign_in():
    g.actor = api_actor()


def _page_sign_in():
    try:
        g.actor = auth.actor_for_user_id(session.get("user_id"), session.get("sesi"))
    except AuthenticationFailed:
        session.clear()
        return redirect(url_for("ui.login", next=request.path))
    return None


def api_requires(action):
    """An API endpoint for callers with a bearer token whose role may perform `action`."""
    return _guarded(action, _api_sign_in)


def requires(action):
    """A page for signed-in officers whose role may perform `action` (others: 403; strangers: sign-in)."""
    return _guarded(action, _page_sign_in)


def api_login_required(view):
    """Any signed-in API caller (prefer ``api_requires(action)``)."""
    return api_requires(access.ACCOUNT)(view)


def page_login_required(view):
    """Any signed-in officer (prefer ``requires(action)``)."""
    return requires(access.ACCOUNT)(view)
