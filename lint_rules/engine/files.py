"""Reading a file's text; a file that cannot be read becomes a HYP999 finding."""

from __future__ import annotations

import codecs
import io
import os
import re
import tempfile
import tokenize
from pathlib import Path

from lint_rules.model import META_CODE, UNREADABLE_FILE, Finding, Position

BOM = "\ufeff"
# PEP 263: ``# -*- coding: latin-1 -*-`` on one of the first two lines.
_COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def unreadable(path: str, reason: str) -> Finding:
    return Finding(
        code=META_CODE,
        name=UNREADABLE_FILE,
        message=f"Cannot read this file: {reason}. No rule could check it.",
        path=path,
        start=Position(1, 1),
        end=Position(1, 1),
    )


def decode(data: bytes, path: str) -> str | Finding:
    """The text without its byte-order mark, decoded as Python decodes source (UTF-8,
    or the encoding a PEP 263 coding cookie declares), or the finding that says why not."""
    if b"\0" in data:
        return unreadable(path, "it is a binary file (it contains NUL bytes), not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:  # an unknown encoding, a cookie that contradicts the BOM...
        head = data.split(b"\n", 2)[:2]
        if any(_COOKIE.match(line.decode("latin-1")) for line in head):
            return unreadable(path, f"its encoding declaration is not valid ({error.msg})")
        encoding = "utf-8"  # ...or, without a cookie, bytes that are not UTF-8: said below
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        name = "UTF-8" if encoding.startswith("utf-8") else encoding
        return unreadable(
            path,
            f"it is not valid {name} (byte 0x{data[error.start]:02X} on line {line}); "
            + ("save it as UTF-8" if name == "UTF-8" else "save it in the encoding its coding line declares, or as UTF-8"),
        )
    return text[1:] if text.startswith(BOM) else text


def declared_encoding(text: str) -> str:
    """The encoding source ``text`` declares in a coding cookie (PEP 263), else UTF-8."""
    for line in text.splitlines()[:2]:
        found = _COOKIE.match(line)
        if found:
            try:
                return codecs.lookup(found.group(1)).name
            except LookupError:
                return "utf-8"
        if line.strip() and not line.lstrip().startswith("#"):
            break
    return "utf-8"


def read(path: Path, display: str) -> tuple[bytes, str] | Finding:
    """The file's bytes (what the cache keys on) and its text, or why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return unreadable(display, error.strerror or type(error).__name__)
    text = decode(data, display)
    return text if isinstance(text, Finding) else (data, text)


def read_source(path: Path, display: str) -> str | Finding:
    found = read(path, display)
    return found if isinstance(found, Finding) else found[1]


def has_bom(path: Path) -> bool:
    try:
        with path.open("rb") as stream:
            return stream.read(3) == BOM.encode("utf-8")
    except OSError:
        return False


def write_atomically(path: Path, text: str, *, bom: bool = False, encoding: str = "utf-8") -> None:
    """Replace ``path``'s content with ``text``: a temporary file in the same folder,
    flushed to disk, then renamed over the original, keeping its permission bits. Python
    source is written in the encoding it declares (``encoding=declared_encoding(text)``); a
    character that encoding cannot hold raises ``UnicodeEncodeError`` before anything is
    written."""
    data = (("\ufeff" if bom else "") + text).encode(encoding)
    mode = os.stat(path).st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
