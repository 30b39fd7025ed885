"""English for the server-rendered pages; Bahasa Indonesia stays the source and the default.

Templates write the Indonesian text and pass it through ``_()``:
``{{ _("Kotak masuk") }}``, or with named parts ``{{ _("Kasus {tiket}", tiket=case.ticket) }}``.
In English the text is looked up in CATALOGUE (Indonesian -> English); messages the engine
builds with variable parts ("Kategori wajib diisi", "Nomor antrian baru: A-001") are matched
against PATTERNS instead. Anything unknown is shown as it is, so Indonesian shows through
rather than nothing. Task names, form labels and option names come from the analysts'
diagrams and are never translated; neither is case data.

The language: ``?lang=en`` / ``?lang=id`` in any URL chooses it and remembers it in the
session; otherwise the session's choice; otherwise Indonesian.
"""

import re
from urllib.parse import quote, urlencode

from flask import g, has_request_context, request, session

from web import i18n_pages, i18n_reports, i18n_workflows

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

# Indonesian -> English, page by page; then messages with variable parts, tried in order (each
# regex must match the whole message; its named groups fill the English template).
CATALOGUE = {**i18n_pages.CATALOGUE, **i18n_workflows.CATALOGUE, **i18n_reports.REPORT_CATALOGUE}
PATTERNS = [(re.compile(source), english) for source, english in (*i18n_pages.PATTERNS, *i18n_workflows.PATTERNS)]


def english(text):
    """The English for an Indonesian text: the catalogue, then the patterns, else the text itself."""
    if not isinstance(text, str):
        return text
    if text in CATALOGUE:
        return CATALOGUE[text]
    for pattern, template in PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return template.format(**match.groupdict())
    return text


def _choose():
    """The language of this request: the URL's ?lang= (remembered), the session's, or Indonesian."""
    asked = request.args.get("lang")
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


def translate(text, /, **values):
    """``_()`` in templates: the text in the chosen language, with its {named} parts filled in."""
    result = english(text) if current_language() == "en" else text
    if values and isinstance(result, str):
        result = result.format(**values)
    return result


def lang_url(code):
    """This page's URL with ``lang=<code>``, keeping the other query parameters."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    args.append(("lang", code))
    return f"{quote(request.script_root + request.path)}?{urlencode(args)}"


def init_i18n(app):
    """Choose the language before each request and give templates `_`, `lang` and `lang_url`."""

    @app.before_request
    def choose_language():
        # pages only: the JSON API, scripts and stylesheets neither need a language nor a Vary: Cookie
        if request.blueprint in ("api", "assets") or request.endpoint == "static":
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
        return {"_": translate, "lang": current_language(), "lang_url": lang_url}

    # macros imported without context (_field.html) see the globals, not the context processor
    app.jinja_env.globals.update(_=translate, lang_url=lang_url)
