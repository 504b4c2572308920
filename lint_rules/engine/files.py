"""Reading a file's text; a file that cannot be read becomes a HYP999 finding."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from lint_rules.model import META_CODE, UNREADABLE_FILE, Finding, Position

BOM = "\ufeff"


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
    """UTF-8 text without its byte-order mark, or the finding that says why not."""
    if b"\0" in data:
        return unreadable(path, "it is a binary file (it contains NUL bytes), not Python source")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return unreadable(
            path,
            f"it is not valid UTF-8 (byte 0x{data[error.start]:02X} on line {line}); "
            "save it as UTF-8",
        )
    return text[1:] if text.startswith(BOM) else text


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


def write_atomically(path: Path, text: str, *, bom: bool = False) -> None:
    """Replace ``path``'s content with ``text``: a temporary file in the same folder,
    flushed to disk, then renamed over the original, keeping its permission bits."""
    data = (("\ufeff" if bom else "") + text).encode("utf-8")
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
