"""Resolve the calling officer: bearer token for the API, session for pages."""

from functools import wraps

from flask import current_app, g, redirect, request, session, url_for

from engine.errors import AuthenticationFailed
from engine.services import auth


def now():
    """The instant this request acts at (the app's clock; tests inject one)."""
    return current_app.config["SLRT_CLOCK"]()


def local_path(target, fallback):
    """`target` if it is a path on this site, else `fallback` (no open redirects, also not via '/\\')."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback


def api_actor():
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return auth.actor_for_token(header[len("Bearer "):].strip(), now())
    if session.get("user_id") and request.method in ("GET", "HEAD"):
        # pages read the API with their session (e.g. the DTKS lookup); changes need a token
        return auth.actor_for_user_id(session["user_id"])
    raise AuthenticationFailed("Diperlukan token Bearer")


def api_login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        g.actor = api_actor()
        return view(*args, **kwargs)
    return wrapper


def page_login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            g.actor = auth.actor_for_user_id(session.get("user_id"))
        except AuthenticationFailed:
            session.clear()
            return redirect(url_for("ui.login", next=request.path))
        return view(*args, **kwargs)
    return wrapper
