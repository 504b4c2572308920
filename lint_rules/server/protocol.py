"""What the server accepts from the wire: any bytes a client sends, and any request, answered.

- A message body that is not UTF-8 (an editor sends a buffer's bytes as they are, FF FE
  included) is read anyway: each byte that is not UTF-8 becomes the lone surrogate
  ``U+DC80 + byte`` (as ``surrogateescape`` does), a surrogate written in UTF-8 (ED A0 80)
  becomes that surrogate. The buffer then holds text no encoding can write, which the
  linter reports as one HYP999 at its place (see ``buffers``), instead of the message
  being dropped and the diagnostics going stale.
- A request whose parameters do not have the shape LSP gives them (a diagnostic without
  a range, say) gets an "Invalid Params" error response: pygls would drop it unanswered,
  and the client would wait for its timeout. A body that is not JSON gets "Parse Error".
"""

from __future__ import annotations

import codecs
import json
import logging
import re
from typing import Any, BinaryIO

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams, JsonRpcParseError
from pygls.protocol import LanguageServerProtocol

log = logging.getLogger("hyperion-lint")


def _lenient(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    data, at = error.object, error.start
    head = data[at: at + 3]
    if len(head) == 3 and head[0] == 0xED and 0xA0 <= head[1] <= 0xBF and 0x80 <= head[2] <= 0xBF:
        return chr(0xD000 | (head[1] & 0x3F) << 6 | head[2] & 0x3F), at + 3
    return chr(0xDC00 + data[at]), at + 1


codecs.register_error("hyperion-lint-lenient", _lenient)


def decode_body(data: bytes) -> bytes:
    """The body as UTF-8 JSON, where each character that UTF-8 cannot carry (what
    ``_lenient`` made of the bytes that are not UTF-8) is written as a JSON escape."""
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        text = data.decode("utf-8", "hyperion-lint-lenient")
    # Only inside a JSON string can such bytes stand; there, ``\\udcff`` is their escape.
    return text.encode("utf-8", "backslashreplace")


class LenientStdin:
    """Standard input for pygls's reader, with bodies made valid UTF-8 (``decode_body``)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def readline(self) -> bytes:
        return self._stream.readline()

    def read(self, size: int) -> bytes:
        data = self._stream.read(size)
        return decode_body(data) if data else data


_ID = re.compile(rb'"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)')


class Protocol(LanguageServerProtocol):
    """pygls's protocol, answering every request it cannot read."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcInvalidParams as error:
            if "jsonrpc" in data and "method" in data and "id" in data and isinstance(data["id"], (int, str)):
                detail = str(error.__cause__ or error).splitlines()[0]
                self._send_response(
                    data["id"],
                    error=types.ResponseError(
                        code=JsonRpcInvalidParams.CODE,
                        message=f"hyperion-lint: invalid parameters for {data['method']}: {detail}",
                    ),
                )
                return _Answered()
            raise


class _Answered:
    """A request already answered with an error: ``handle_message`` skips it."""

    jsonrpc = "answered"


def answer_unreadable(protocol: LanguageServerProtocol, error: json.JSONDecodeError) -> None:
    """Answer a body that is not JSON, as JSON-RPC says: id null (or the id we can read)."""
    body = error.doc
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    found = _ID.search(raw)
    msg_id: Any = None
    if found is not None:
        try:
            msg_id = json.loads(found.group(1))
        except ValueError:
            msg_id = None
    protocol._send_response(  # noqa: SLF001 - pygls's own way to answer
        msg_id, error=types.ResponseError(code=JsonRpcParseError.CODE, message="hyperion-lint: the message is not JSON")
    )
