"""The project's manifest: what the cache knows of every file of a project, in one entry.

A run that needs the project index (a project-wide rule is enabled) reads every file of
the project to find its cache entry (keyed on its content), then the entry for the file's
facts. In a tree of 5,000 files where one changed, that is 10,000 files opened and 5,000
digests for nothing. The manifest keeps, per project-relative path, the file's size,
modification time and inode when it was last read, with its cache key and its facts
(the encoded blob and its digest): a file whose ``stat`` still says the same is not read
again, nor is its entry. Files the linted paths name are always read.

As git does for its index, a file modified less than :data:`RACY_NS` before the manifest
is written is not put in it (it could change again within the same timestamp tick); it
is read again next time. The manifest is written, whole, through the cache (authenticated
like every entry), only when what it says changed.
"""

from __future__ import annotations

import marshal
import os
from typing import TYPE_CHECKING, Any

from lint_rules.engine.cache import FORMAT, Cache, digest

if TYPE_CHECKING:
    from pathlib import Path

RACY_NS = 2_000_000_000

# relative path -> (size, mtime_ns, inode, cache key, (facts blob or None, digest))
Known = dict[str, tuple[int, int, int, str, tuple[Any, str]]]


def _name(root: Path) -> str:
    return "manifest-" + digest(os.fspath(root).encode("utf-8", "surrogateescape"))


def stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_size, found.st_mtime_ns, found.st_ino)


def load(cache: Cache, root: Path) -> Known:
    data = cache.read_blob(_name(root))
    if data is None:
        return {}
    try:
        value = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return {}
    if not (isinstance(value, tuple) and len(value) == 2 and value[0] == FORMAT and isinstance(value[1], dict)):
        return {}
    known: Known = {}
    for relative, item in value[1].items():
        if (
            isinstance(relative, str)
            and isinstance(item, tuple)
            and len(item) == 5
            and all(isinstance(n, int) for n in item[:3])
            and isinstance(item[3], str)
            and isinstance(item[4], tuple)
            and len(item[4]) == 2
        ):
            known[relative] = item
    return known


def unchanged(known: Known, relative: str, path: Path) -> tuple[str, tuple[Any, str]] | None:
    """The cache key and facts of a file the manifest knows and ``stat`` says is unchanged."""
    item = known.get(relative)
    if item is None:
        return None
    if stamp(path) != item[:3]:
        return None
    return item[3], item[4]


def save(cache: Cache, root: Path, known: Known, files: list[tuple[str, tuple[int, int, int], str, tuple[Any, str]]],
         started: int) -> None:
    """Write the manifest of ``files`` (relative path, its ``stamp`` taken before it was read,
    cache key, facts), unless it is what ``known`` already says. ``started``: ``time.time_ns()``
    before the first file was read."""
    fresh: Known = {}
    for relative, found, key, facts in files:
        if found[1] > started - RACY_NS:
            continue  # changed just before it was read: it could change again within the same tick
        fresh[relative] = (*found, key, facts)
    if fresh == known:
        return
    try:
        data = marshal.dumps((FORMAT, fresh))
    except ValueError:
        return
    cache.write_blob(_name(root), data)
