"""Hardening of every response: security headers and a content security policy, secure cookies,
throttling of sign-in and public endpoints, and an Indonesian answer to a missing CSRF token.

The policy allows scripts only from this site (``script-src 'self'``: no inline scripts, no
eval; page scripts live in web/static, bpmn-js is served from /aset). Styles may be inline
(``'unsafe-inline'`` for style-src only): bpmn-js and diagram-js set style attributes on the
shapes they draw, and a style cannot run code. Data blocks (``<script type="application/json">``)
are not executed and so need no allowance. Nothing is loaded from another origin.

Throttling is kept in this process (a sliding window per key): sign-in failures per address and
username, and requests to the complainant's public status per address. Several web processes each
keep their own count; that still bounds guessing to a small multiple of the limit.
"""

import ipaddress
import threading
import time
from collections import defaultdict, deque

from flask import current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest

from engine.i18n import N_
from web.json_limits import init_json_limits

CSP = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
    "font-src 'self' data:", "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# name -> (how many, per how many seconds)
DEFAULT_LIMITS = {"sign_in": (10, 300), "sign_in_address": (50, 300), "public": (30, 60), "password_change": (5, 300)}
PUBLIC_ENDPOINTS = ("public.status", "api.public_case")
TOO_MANY = N_("Terlalu banyak permintaan; coba lagi dalam {detik} detik.")
NUL_REFUSED = N_("Permintaan berisi karakter NUL yang tidak diterima")


class SlidingWindow:
    """Counts events per key over the last `period` seconds (thread-safe, in memory)."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.events = defaultdict(deque)
        self.lock = threading.Lock()

    def wait_needed(self, key, limit, period):
        """Seconds until one more event is allowed under the key (0 when allowed now)."""
        with self.lock:
            queue = self._trim(key, period)
            return 0 if len(queue) < limit else max(1, int(queue[0] + period - self.clock()) + 1)

    def add(self, key, period):
        with self.lock:
            self._trim(key, period).append(self.clock())

    def _trim(self, key, period):
        queue = self.events[key]
        horizon = self.clock() - period
        while queue and queue[0] <= horizon:
            queue.popleft()
        if len(self.events) > 50000:  # forget idle keys rather than grow without bound
            for stale in [k for k, q in self.events.items() if not q]:
                del self.events[stale]
        return queue


class TooManyRequests(Exception):
    def __init__(self, seconds):
        super().__init__(seconds)
        self.seconds = seconds


def _limits():
    return current_app.config.get("SLRT_RATE_LIMITS", DEFAULT_LIMITS)


def _window():
    return current_app.extensions["slrt_throttle"]


def _address():
    """The client's address for throttling: the peer, unless the peer is a trusted proxy
    (`proxy_tepercaya`); then the nearest address in X-Forwarded-For that is not one of them.
    A header sent by anyone else is ignored, so a client cannot pick its own address."""
    peer = request.remote_addr or "-"
    trusted = current_app.extensions.get("slrt_trusted_proxies") or ()
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    forwarded = [part.strip() for part in ",".join(request.headers.getlist("X-Forwarded-For")).split(",")]
    for hop in reversed([part for part in forwarded if part]):
        if not _is_trusted(hop, trusted):
            return hop
    return peer


def _is_trusted(address, networks):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def check_sign_in(username):
    """Refuse (TooManyRequests) a sign-in attempt after too many failures for this name or address."""
    limits = _limits()
    for name, key in (("sign_in", ("sign_in", _address(), (username or "").lower())),
                      ("sign_in_address", ("sign_in_address", _address()))):
        if name in limits:
            wait = _window().wait_needed(key, *limits[name])
            if wait:
                raise TooManyRequests(wait)


def failed_sign_in(username):
    limits = _limits()
    for name, key in (("sign_in", ("sign_in", _address(), (username or "").lower())),
                      ("sign_in_address", ("sign_in_address", _address()))):
        if name in limits:
            _window().add(key, limits[name][1])


def check_password_change(user_id):
    """Refuse (TooManyRequests) an officer's own password change after too many wrong current passwords:
    counted per officer, so a borrowed session cannot keep guessing from many addresses."""
    limits = _limits()
    if "password_change" in limits:
        wait = _window().wait_needed(("password_change", user_id), *limits["password_change"])
        if wait:
            raise TooManyRequests(wait)


def failed_password_change(user_id):
    limits = _limits()
    if "password_change" in limits:
        _window().add(("password_change", user_id), limits["password_change"][1])


def _has_nul(pairs):
    return any("\x00" in key or "\x00" in value for key, value in pairs)


def _too_many(seconds):
    message = TOO_MANY.format(detik=seconds)
    if request.path.startswith("/api/"):
        response = jsonify({"message": message, "retry_after": seconds})
    else:
        from web.i18n import gettext

        response = current_app.make_response((render_template(
            "error.html", status=429, message=gettext("Terlalu banyak permintaan; coba lagi dalam {detik} detik.",
                                                      detik=seconds), errors=None), 429))
    response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
    return response


def init_security(app):
    """Headers on every response, secure cookie flags, throttling and the CSRF refusal page."""
    app.extensions["slrt_throttle"] = SlidingWindow()
    app.extensions["slrt_trusted_proxies"] = tuple(
        ipaddress.ip_network(spec, strict=False) for spec in app.config["SLRT_SETTINGS"].proxy_tepercaya)
    init_json_limits(app)
    configured = {name: tuple(int(n) for n in spec)
                  for name, spec in (app.config["SLRT_SETTINGS"].batas_permintaan or {}).items()}
    app.config.setdefault("SLRT_RATE_LIMITS", {**DEFAULT_LIMITS, **configured})
    https = app.config["SLRT_SETTINGS"].public_address.startswith("https://")
    if https:  # behind https the session cookie never travels in clear text
        app.config["SESSION_COOKIE_SECURE"] = True
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")

    @app.before_request
    def throttle_public():
        limits = _limits()
        if request.endpoint in PUBLIC_ENDPOINTS and "public" in limits and (
                request.endpoint == "api.public_case" or request.args.get("tiket")):
            key = ("public", _address())
            wait = _window().wait_needed(key, *limits["public"])
            if wait:
                return _too_many(wait)
            _window().add(key, limits["public"][1])

    @app.before_request
    def refuse_nul_characters():
        """A NUL character in the path, the query or a form is refused (400): PostgreSQL cannot hold it in
        text, so it would otherwise end as a database error (500) in whatever search or lookup reads it."""
        form = request.form.items(multi=True) if request.method == "POST" else ()
        if "\x00" in request.path or _has_nul(request.args.items(multi=True)) or _has_nul(form):
            from web.i18n import translate

            raise BadRequest(description=translate(NUL_REFUSED))

    @app.errorhandler(TooManyRequests)
    def on_too_many(exc):
        return _too_many(exc.seconds)

    @app.errorhandler(CSRFError)
    def on_csrf_error(exc):
        message = N_("Formulir tidak sah atau kedaluwarsa (token CSRF tidak ada atau salah); muat ulang halaman lalu coba lagi.")
        from web.i18n import translate

        return render_template("error.html", status=400, message=translate(message), errors=None), 400

    @app.after_request
    def security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if https:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.blueprint != "assets" and request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
