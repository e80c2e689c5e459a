"""Messages about the user's input, kept as a key plus parameters so they can be shown in Danish.

Input problems are found deep in the readers, long before anyone knows the user's language, and
logs, the English CLI and many tests treat them as plain strings. So a `Message` *is* its English
text (a str subclass) and also remembers its key and parameters, which lets the UI render it
again in the user's language with `localized(lang)`. The texts live in data/i18n/messages.*.toml
under [msg]; the English ones reproduce, byte for byte, what the code used to write inline.

Parameters that quote the user's file (a cell, a column name, a file name) are shown through
`quoted`: a KPI file with a 10 MB cell printed a 10 MB "one-line" error, a quoted line break
split it, and an escape sequence in a cell cleared the terminal. Doing it here, once, covers the
CLI, the pages and the logs alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from loyalty_model.i18n import localise_marks, strings, t
from loyalty_model.model import Text


@dataclass(frozen=True)
class Number:
    """A number inside a message, grouped the way each language writes it.

    Danish always writes 1.234,5 (its marks from Babel: i18n.localise_marks). English keeps
    whatever grouping the message had before it was translatable ("row 1 203" for cells,
    "row 1,203" in KPI files), so no English text changes.
    """

    value: float
    spec: str = ","
    en_group: str = ","

    def render(self, lang: str) -> str:
        text = format(self.value, self.spec)
        if lang != "en":
            return localise_marks(text, lang)  # the marks of the language's CLDR locale
        return text.replace(",", self.en_group)


class Message(str):
    """English text of msg.<key>, remembering key and parameters to render other languages.

    Parameters may be plain values, `Number`s, the model's `Text`s (a KPI's name), or nested
    `Message`s (rendered in the same language), so "a number" inside "'abc' is not a number"
    becomes "et tal" in Danish.
    """

    key: str
    params: dict[str, object]

    def __new__(cls, key: str, /, **params: object) -> Message:
        self = super().__new__(cls, _render(key, params, "en"))
        self.key = key
        self.params = params
        return self

    def localized(self, lang: str = "en") -> str:
        """The message in `lang` (English is the text itself)."""
        return str(self) if lang == "en" else _render(self.key, self.params, lang)

    def __reduce__(self) -> tuple:
        # str's default pickling would call __new__ with the text instead of the key.
        return (_rebuild, (self.key, self.params))


def _rebuild(key: str, params: dict[str, object]) -> Message:
    return Message(key, **params)


QUOTE_CHARS = 80
"""Longest quote of the user's text in a message; longer text is cut with an ellipsis."""
LINE_CHARS = 300
"""Longest line the CLI prints for one error (a safety net: messages are far shorter)."""
USER_TEXT = frozenset({"file", "value", "column", "columns", "names", "participant",
                       "statement", "reason"})
"""Message parameters that carry text from the user's file, shown through `quoted`."""
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    """Control, line-break and direction characters written as escapes (ESC as \\x1b, a line
    break as \\n), so the text stays on one line and cannot drive a terminal or reorder itself."""
    return _INVISIBLE.sub(_escape, text) if _INVISIBLE.search(text) else text


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def quoted(text: object, limit: int = QUOTE_CHARS) -> str:
    """The user's text as a message quotes it: visible (see `visible`), at most `limit`
    characters, cut with "…" (never inside an escape)."""
    text = str(text)
    if len(text) <= limit and not _INVISIBLE.search(text):
        return text
    pieces: list[str] = []
    used = 0
    for char in text[: limit + 1]:  # never more: the text may be megabytes long
        pieces.append(visible(char))
        used += len(pieces[-1])
        if used > limit:
            break
    if used <= limit and len(text) <= limit:
        return "".join(pieces)
    while pieces and used > limit - 1:
        used -= len(pieces.pop())
    return "".join(pieces) + "…"


def one_line(text: object, limit: int = LINE_CHARS) -> str:
    """A whole message as one printable line of at most `limit` characters (the CLI's net for
    texts that were not built as a `Message`, e.g. an OS error naming the path)."""
    return quoted(text, limit)


def _render(key: str, params: dict[str, object], lang: str) -> str:
    values = {name: _value(name, value, lang) for name, value in params.items()}
    return t(f"msg.{key}", lang, **values)


def _value(name: str, value: object, lang: str) -> object:
    if isinstance(value, Message):
        return value.localized(lang)
    if isinstance(value, Number):
        return value.render(lang)
    if isinstance(value, Text):  # a name from the model, e.g. a KPI's
        return value(lang)
    if isinstance(value, str) and name in USER_TEXT:
        return quoted(value)
    return value


def localized(text: str, lang: str = "en") -> str:
    """Any message text in `lang`; plain strings (from older code paths) come back unchanged."""
    return text.localized(lang) if isinstance(text, Message) else str(text)


def expected_text(key: str) -> str:
    """The English "expected ..." phrase of a cell check, e.g. "a number" for "number"."""
    return t(f"msg.expected.{key}", "en")


def expectation(text: str) -> str:
    """A cell check's English "expected" phrase as a translatable message, when it is known.

    Cell problems store the English phrase (callers and tests compare it), so the key is found
    by looking the phrase up; an unknown phrase is shown as it is.
    """
    key = _expected_keys().get(text)
    return Message(f"expected.{key}") if key else text


@cache
def _expected_keys() -> dict[str, str]:
    prefix = "msg.expected."
    return {text: key[len(prefix):] for key, text in strings("en").items()
            if key.startswith(prefix)}
