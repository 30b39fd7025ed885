"""Refuse JSON bodies nested deeper than any request of this API needs (400, never 500).

Python's parser recurses once per level, so a body of a few hundred thousand brackets raises
RecursionError (a 500) and a merely deep one would make every later walk over it recurse as
deep. The body is parsed once here, inside the request size limit; the depth is then measured
without recursion and the parsed value is cached for the view.
"""

import json

from flask import jsonify, request

from engine.i18n import N_
from web.i18n import translate_body

MAX_DEPTH = 32  # the deepest request body of the API (a form inside a task completion) is 4 levels


def depth(value):
    """How deeply lists and objects nest in `value` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def holds_nul(value):
    """True when a string anywhere in `value` (keys too) has a NUL character; the value is at most
    MAX_DEPTH deep here, walked without recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _refuse(message):
    return jsonify(translate_body({"message": message})), 400


def init_json_limits(app):
    @app.before_request
    def check_json_depth():
        if not request.is_json or not request.content_length:
            return None
        text = request.get_data(cache=True)
        try:
            value = json.loads(text)
        except RecursionError:
            return _refuse(N_("JSON terlalu dalam bersarang: paling banyak {n} tingkat", n=MAX_DEPTH))
        except ValueError:
            return None  # malformed JSON: the view's own parsing answers it as before
        if depth(value) > MAX_DEPTH:
            return _refuse(N_("JSON terlalu dalam bersarang: paling banyak {n} tingkat", n=MAX_DEPTH))
        if holds_nul(value):  # PostgreSQL cannot hold it in text: a 500 wherever it is searched or stored
            return _refuse(N_("Permintaan berisi karakter NUL yang tidak diterima"))
        return None
