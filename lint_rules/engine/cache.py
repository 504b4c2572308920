"""The per-file cache: what linting a file gave, kept for the next run.

Layout of the cache folder (default ``.hyperion_lint_cache`` beside the configuration)::

    .gitignore, CACHEDIR.TAG     so that git and backup tools leave it alone
    <fingerprint>/               one folder per version of hyperion-lint (and of Python
                                 and LibCST); older ones are removed when a new one starts
        catalog                  the rules' metadata (see catalog.py)
        <key>                    one entry per file: its project-relative path and content

An entry holds the file's facts (for the project index: they depend on nothing else) and,
for each set of rules and options that applied to the file, the analysis of its one
traversal and the last result with the project digest it was computed against. A result
is reused only when the file, the rules that apply to it, their options, and (for
project-wide rules) the facts of every file of the project are all unchanged.

Entries are written to a temporary file and renamed into place, so concurrent runs and
interrupted runs leave whole entries or none. Each file (entries and catalogue) starts
with an HMAC-SHA256, under this user's key (see :mod:`lint_rules.engine.cache_key`), of
its folder, its name and its contents: anyone can write files into a project's cache
folder, but only this user's runs can write ones that verify. A file whose MAC does not
verify is ignored (and rebuilt) exactly like a damaged one, and its bytes are never
given to :mod:`marshal`, whose documentation warns that it is not safe against crafted
input. Anything that cannot be read back as this version wrote it is ignored too.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import marshal
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lint_rules

DEFAULT_DIRECTORY = ".hyperion_lint_cache"
FORMAT = 2
MAC_SIZE = 32
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by hyperion-lint.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)

# What an entry keeps for one rule configuration (see records.py): the analysis as a
# marshal blob, and (project digest, findings after suppression, suppressed count).
Record = tuple[Any, ...]


def digest(*parts: bytes) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part)
        h.update(b"\0")
    return h.hexdigest()


def fingerprint() -> str:
    """What the results depend on besides the files and the configuration: the sources
    of hyperion-lint itself (an edited checkout counts as a new version), Python's
    version (syntax errors are diagnosed by its compiler) and LibCST's."""
    h = hashlib.blake2b(digest_size=10)
    h.update(f"{lint_rules.__version__}|{FORMAT}|{sys.version_info[:2]}".encode())
    package = Path(lint_rules.__file__).parent
    for folder, subfolders, files in os.walk(package):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = Path(folder, name)
                h.update(path.relative_to(package).as_posix().encode())
                h.update(path.read_bytes())
    spec = importlib.util.find_spec("libcst")
    if spec is not None and spec.origin is not None:
        version_file = Path(spec.origin).parent / "_version.py"
        if version_file.is_file():
            h.update(version_file.read_bytes())
    return h.hexdigest()


@dataclass
class Entry:
    """What is known about one file (one content at one path)."""

    # None: facts not computed yet; else (encoded facts or None when it does not parse, digest).
    facts: tuple[Any, str] | None = None
    analyses: dict[str, Record] = field(default_factory=dict)
    dirty: bool = False

    def dump(self) -> bytes:
        return marshal.dumps((FORMAT, self.facts, self.analyses))

    @classmethod
    def load(cls, data: bytes) -> Entry | None:
        try:
            value = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None
        if not (isinstance(value, tuple) and len(value) == 3 and value[0] == FORMAT):
            return None
        _, facts, analyses = value
        if not (facts is None or (isinstance(facts, tuple) and len(facts) == 2)):
            return None
        if not isinstance(analyses, dict):
            return None
        return cls(facts, analyses)


class Cache:
    """Entries under ``directory``, for this version of hyperion-lint, authenticated with
    ``key`` (this user's secret, see :func:`lint_rules.engine.cache_key.load_key`)."""

    def __init__(self, directory: Path, key: bytes) -> None:
        self.directory = directory
        self.folder = directory / fingerprint()
        self._key = key
        self._scope = self.folder.name.encode() + b"/"
        # Why the cache could not be written (said once, then the run goes on without).
        self.problem: str | None = None
        self._ready = False

    @staticmethod
    def key(relative: str, data: bytes) -> str:
        return digest(relative.encode("utf-8", "surrogateescape"), data)

    def get(self, key: str) -> Entry:
        data = self.read_blob(key)
        if data is None:
            return Entry()
        return Entry.load(data) or Entry()

    def put(self, key: str, entry: Entry) -> None:
        if self.problem is not None:
            return
        try:
            data = entry.dump()
        except ValueError:  # a rule kept state marshal cannot write: not cached
            return
        self.write_blob(key, data)

    # -- the rules' catalogue ---------------------------------------------------------

    def catalog(self) -> tuple[Any, ...] | None:
        data = self.read_blob("catalog")
        if data is None:
            return None
        try:
            value = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None
        if isinstance(value, tuple) and len(value) == 2 and value[0] == FORMAT:
            return value[1]
        return None

    def put_catalog(self, data: tuple[Any, ...]) -> None:
        self.write_blob("catalog", marshal.dumps((FORMAT, data)))

    # -- authentication -------------------------------------------------------------------

    def _mac(self, name: str, payload: bytes) -> bytes:
        # The folder and the name are signed too: an entry moved to another file's name
        # (or another version's folder) does not verify there.
        return hmac.digest(self._key, self._scope + name.encode() + b"\0" + payload, "sha256")

    def read_blob(self, name: str) -> bytes | None:
        """The payload of file ``name`` (written by :meth:`write_blob`), or None when it is
        missing or does not verify."""
        try:
            data = (self.folder / name).read_bytes()
        except OSError:
            return None
        payload = data[MAC_SIZE:]
        if len(data) < MAC_SIZE or not hmac.compare_digest(data[:MAC_SIZE], self._mac(name, payload)):
            return None
        return payload

    # -- writing ------------------------------------------------------------------------

    def _prepare(self) -> None:
        if self._ready:
            return
        fresh = not self.folder.is_dir()
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", "# Created by hyperion-lint.\n*\n"), ("CACHEDIR.TAG", _TAG)):
            target = self.directory / name
            if not target.exists():
                target.write_text(text, encoding="utf-8")
        if fresh:  # a new version: the entries of older ones will not be read again
            for other in self.directory.iterdir():
                if other != self.folder and other.is_dir() and _is_fingerprint(other.name):
                    shutil.rmtree(other, ignore_errors=True)
        self._ready = True

    def write_blob(self, name: str, data: bytes) -> None:
        """Write ``data`` as the file ``name`` of this version's folder, signed, whole or
        not at all (an entry, the catalogue, a project's manifest); a failure is kept in
        :attr:`problem` and the run goes on without the cache."""
        temporary = None
        try:
            self._prepare()
            temporary = self.folder / f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
            with open(temporary, "wb") as stream:
                stream.write(self._mac(name, data))
                stream.write(data)
            os.replace(temporary, self.folder / name)
            temporary = None
        except OSError as error:
            self.problem = f"cannot write the cache in {self.directory}: {error.strerror or error}"
        finally:  # an interrupted or failed write leaves no temporary file
            if temporary is not None:
                try:
                    temporary.unlink()
                except OSError:
                    pass


def _is_fingerprint(name: str) -> bool:
    return len(name) == 20 and all(c in "0123456789abcdef" for c in name)
