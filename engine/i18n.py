"""Messages the engine hands to people, marked for translation and translated only when shown.

The engine speaks Bahasa Indonesia, the source language of the gettext catalogues in
``web/translations``. A service that has something to say returns or raises ``N_("...")``
rather than a finished sentence: the result is a ``Message``, a ``str`` that reads as the
Indonesian sentence (so logs, the event log and plain comparisons keep working) and that also
keeps its msgid and its named parts, so the web layer can look the msgid up in the reader's
language and fill the parts in afterwards. A part that is itself a ``Message`` (a form label
from a diagram, say) is translated too; any other part is data and stays as it is.

``pybabel extract`` finds every ``N_("...")`` (it is one of gettext's default keywords).
"""

import re
from collections.abc import Iterable
from gettext import NullTranslations
from typing import Any


class Message(str):
    """An Indonesian sentence that remembers its msgid and named parts for later translation."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, /, **params: Any) -> "Message":
        text = str(msgid).format(**params) if params else str(msgid)
        message = super().__new__(cls, text)
        message.msgid = str(msgid) if not isinstance(msgid, Message) else msgid.msgid
        message.params = params if params or not isinstance(msgid, Message) else msgid.params
        return message

    def __reduce__(self) -> tuple[Any, tuple[str, dict[str, Any]]]:  # copies and pickles keep the msgid and the parts
        return _message, (self.msgid, self.params)

    def render(self, translations: NullTranslations) -> str:
        """The sentence in the language of ``translations`` (a gettext catalogue), parts filled in."""
        parts = {name: value.render(translations) if isinstance(value, Message) else value
                 for name, value in self.params.items()}
        text = translations.gettext(self.msgid)
        return text.format(**parts) if parts else text


def _message(msgid: str, params: dict[str, Any]) -> "Message":
    return Message(msgid, **params)


def recognise(text: str | None, messages: Iterable[Message]) -> str | None:
    """The ``Message`` among ``messages`` that ``text`` reads as, its parts taken back; else ``text`` itself.

    For a sentence stored as plain text (an outbox delivery error, say) and translated only when shown;
    ``messages`` are ``N_("...")`` without parts.
    """
    if not text:
        return text
    for message in messages:
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.*)", re.escape(message.msgid))
        found = re.fullmatch(pattern, text, re.S)
        if found:
            return Message(message.msgid, **found.groupdict())
    return text


def N_(msgid: str, /, **params: Any) -> Message:
    """Mark an Indonesian sentence for translation; ``{name}`` parts come from ``params``."""
    return Message(msgid, **params)

