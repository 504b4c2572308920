"""An editor buffer as the bytes ``hyperion-lint check`` would read from its file.

The client sends text; the command line reads bytes and decodes them as Python does
(UTF-8, or the encoding a PEP 263 coding line declares). So that both give the same
findings, the buffer is written in the encoding it declares and linted as those bytes:
an unknown encoding in its coding line is the same HYP999 as on the command line.
What cannot be written at all is one HYP999 at its place, saying what is there: a byte
that is not UTF-8 (the client sent it as is), a lone surrogate (which no encoding can
write), or a character that the declared encoding does not have.
"""

from __future__ import annotations

import dataclasses

from lint_rules.engine.files import declared_encoding, unreadable
from lint_rules.model import Finding, Position


def buffer_bytes(text: str, display: str) -> bytes | Finding:
    encoding = declared_encoding(text)
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as error:
        return _unwritable(text, error.start, encoding, display)


def _unwritable(text: str, at: int, encoding: str, display: str) -> Finding:
    line = text.count("\n", 0, at) + text.count("\r", 0, at) - text.count("\r\n", 0, at) + 1
    start = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
    character = text[at]
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:  # a byte the client sent that is not UTF-8
        reason = f"it is not valid UTF-8 (byte 0x{code - 0xDC00:02X} on line {line}); delete it, or save the file as UTF-8"
    elif 0xD800 <= code <= 0xDFFF:
        reason = (
            f"line {line} holds U+{code:04X}, half of a UTF-16 surrogate pair and not a character, "
            "which no encoding can write; delete it"
        )
    else:
        name = "UTF-8" if encoding.startswith("utf-8") else encoding
        reason = (
            f"it is not valid {name}: {character!r} (U+{code:04X}) on line {line} cannot be written in {name}, "
            "the encoding its coding line declares; change the coding line, or write the character as an escape"
        )
    place = Position(line, at - start + 1)
    return dataclasses.replace(unreadable(display, reason), start=place, end=place)
