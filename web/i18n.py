"""The pages in Bahasa Indonesia (the source language and the default) or English, with Flask-Babel.

Templates write the Indonesian text and pass it through ``_()``: ``{{ _("Kotak masuk") }}``, or
with named parts ``{{ _("Kasus {tiket}", tiket=case.ticket) }}``; a count with a noun goes through
``ngettext("{n} berkas", "{n} berkas", n)``. The texts live in gettext catalogues,
``web/translations/{id,en}/LC_MESSAGES/messages.po`` (``babel.cfg`` says where ``pybabel
extract`` looks, diagrams included); the ``.mo`` files are compiled from them at start-up.
What the engine says arrives as ``engine.i18n.Message`` and is translated here, parts and all.
Anything not in the catalogue is shown as it is (case data, a name, a ticket).

The language: ``?lang=en`` / ``?lang=id`` in any page's URL chooses it and remembers it in the
session; otherwise the session's choice; otherwise Indonesian. The JSON API honours ``?lang=``
for that request only (it keeps no session).
"""

import os
import tempfile
from pathlib import Path
from urllib.parse import quote, urlencode

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import g, has_request_context, request, session
from flask_babel import Babel, get_translations, refresh

from engine.i18n import Message

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def compile_catalogues(source=TRANSLATIONS):
    """Compile each messages.po whose .mo is missing or older (babel's own API); return the .mo directory.

    The .mo files go beside the .po files; where that is read-only (an installed package) they go
    to a fresh temporary directory instead.
    """
    try:
        _compile(source, source)
        return source
    except OSError:
        target = Path(tempfile.mkdtemp(prefix="slrt-translations-"))
        _compile(source, target)
        return target


def _compile(source, target):
    for po in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as text:
            catalog = read_po(text, locale=po.parts[-3])
        mo.parent.mkdir(parents=True, exist_ok=True)
        partial = mo.with_suffix(f".mo.{os.getpid()}")
        with partial.open("wb") as compiled:
            write_mo(compiled, catalog)
        partial.replace(mo)  # atomic: another process starting at the same time reads a whole file


def _choose():
    """The language of this request: the URL's ?lang= (remembered), the session's, or Indonesian."""
    asked = request.args.get("lang")
    if request.blueprint == "api":  # bearer tokens, no session: the parameter or the default
        return asked if asked in LANGUAGES else DEFAULT_LANGUAGE
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


def gettext(text, /, **values):
    """The text in the chosen language, with its {named} parts filled in; a Message translates itself."""
    if isinstance(text, Message):
        return text.render(get_translations()) if current_language() != DEFAULT_LANGUAGE else str(text)
    if not isinstance(text, str):
        return text
    result = get_translations().gettext(text) if text else text
    return result.format(**values) if values else result


def ngettext(singular, plural, n, /, **values):
    """The singular or plural text for ``n`` in the chosen language; ``{n}`` is the count."""
    return get_translations().ngettext(singular, plural, n).format(n=n, **values)


translate = gettext  # the name the exports and the error pages use


def translate_body(body):
    """A JSON answer's messages (``message`` and ``errors``) in the chosen language."""
    if current_language() == DEFAULT_LANGUAGE:
        return body
    body = dict(body)
    message = body.get("message")
    if message:
        body["message"] = gettext(message)
    if isinstance(body.get("errors"), dict):
        body["errors"] = {key: gettext(value) for key, value in body["errors"].items()}
    if isinstance(body.get("findings"), list):
        body["findings"] = translate_findings(body["findings"])
    return body


def translate_findings(findings):
    """A diagram check's findings (dicts with a `message`) in the chosen language."""
    return [dict(finding, message=gettext(finding.get("message"))) for finding in findings]


def lang_url(code):
    """This page's URL with ``lang=<code>``, keeping the other query parameters."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    args.append(("lang", code))
    return f"{quote(request.script_root + request.path)}?{urlencode(args)}"


def init_i18n(app):
    """Flask-Babel with our catalogues; choose the language before each page; give templates `_`."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(compile_catalogues()))
    Babel(app, locale_selector=current_language)

    @app.before_request
    def choose_language():
        refresh()  # Flask-Babel keeps the locale in `g`, which may serve more than one request
        # pages only: the JSON API, scripts and stylesheets neither need a language nor a Vary: Cookie
        if request.blueprint in ("api", "assets") or request.endpoint == "static":
            g.pop("lang", None)  # the API decides when it has something to say
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
        return {"lang": current_language()}

    # set after Babel's own jinja globals; macros imported without context (_field.html) see globals too
    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext, lang_url=lang_url)
