"""The project index the server lints against: the facts of every saved file of a project.

Facts depend on a file's path and text only, not on the configuration: they are kept per
file with its stamp (modification time, size, inode) and survive configuration changes,
saves and edits. What a lint needs is a complete index; while it is not complete, the
buffer is linted with the per-file rules, and the missing facts are computed on a thread
of their own (read from the command line's cache in ``.hyperion_lint_cache/`` when it
holds them, signed with this user's key, else extracted, one file at a time, and written
to the cache for the next start). When the index completes, ``ready(root, how)`` is called,
from that thread: the server then lints its open documents again.

Saving a file does not rebuild anything: the saved file's facts (those of the buffer that
was just linted, when it is the saved text) replace its entry; a stamp that changed under
us (``git checkout``) puts the file back on the list of facts to compute.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lint_rules.engine import records
from lint_rules.engine.cache import DEFAULT_DIRECTORY, Cache, Entry
from lint_rules.engine.cache_key import KeyUnavailable, load_key, tracked_by_git
from lint_rules.engine.files import read
from lint_rules.engine.runner import Linter
from lint_rules.server.projects import Stamp, stamp_of

if TYPE_CHECKING:
    from lint_rules.engine.linter import FileFacts, ProjectIndex

log = logging.getLogger("hyperion-lint")


@dataclass
class _Known:
    stamp: Stamp
    relative: str
    facts: FileFacts | None  # None: the file does not parse (or cannot be read)


def open_cache(folder: Path) -> Cache | None:
    """The command line's cache beside the configuration, as ``check`` opens it; None
    when there is no key or git tracks the folder (its entries came with a commit)."""
    directory = folder / DEFAULT_DIRECTORY
    try:
        key = load_key()
    except KeyUnavailable:
        return None
    if tracked_by_git(directory):
        return None
    return Cache(directory, key)


class ProjectFacts:
    """The facts of the saved files of one project root."""

    def __init__(self, root: Path, cache: Cache | None) -> None:
        self.root = root
        self.cache = cache
        self.lock = threading.Lock()
        self.known: dict[Path, _Known] = {}
        self.stale = True  # stamps must be checked again before the next index
        self.indexing = False
        self._listings: dict[int, tuple[Linter, list[tuple[Path, str]]]] = {}
        self._built: tuple[tuple[tuple[Path, str], ...], int, ProjectIndex] | None = None
        self.version = 0  # changes whenever a file's facts change
        self.from_cache = self.extracted = 0  # how the facts were had (said in the log)

    # -- on the worker thread ---------------------------------------------------------------

    def listing(self, linter: Linter) -> list[tuple[Path, str]]:
        """The project's files as this configuration sees them (exclusions), with their
        project-relative paths."""
        found = self._listings.get(id(linter))
        if found is None or found[0] is not linter:
            if len(self._listings) > 8:  # configurations that no longer serve
                self._listings.clear()
            files = [(p, linter.relative(p, self.root)) for p in linter._project_files(self.root)]
            found = self._listings[id(linter)] = (linter, files)
        return found[1]

    def missing(self, files: Sequence[tuple[Path, str]]) -> list[tuple[Path, str]]:
        """The files whose facts are unknown or out of date."""
        with self.lock:
            if self.stale:
                for path, known in list(self.known.items()):
                    if stamp_of(path) != known.stamp:
                        del self.known[path]
                        self.version += 1
                self.stale = False
            return [(p, r) for p, r in files if p not in self.known or self.known[p].relative != r]

    def index(self, files: Sequence[tuple[Path, str]]) -> ProjectIndex | None:
        """The complete index of these files, or None while some facts are missing."""
        from lint_rules.engine.linter import project_index

        if self.missing(files):
            return None
        key = tuple(files)
        with self.lock:
            if self._built is not None and self._built[0] == key and self._built[1] == self.version:
                return self._built[2]
            facts = {}
            for path, relative in files:
                known = self.known[path].facts
                if known is not None:
                    facts[relative] = known
            built = project_index(facts)
            self._built = (key, self.version, built)
            return built

    def saved(self, path: Path, relative: str, facts: FileFacts | None) -> None:
        """The file was saved with the text whose facts these are."""
        with self.lock:
            self.known[path] = _Known(stamp_of(path), relative, facts)
            self.version += 1

    def forget_listings(self) -> None:
        """Files were added or removed: list the project again at the next lint."""
        self._listings.clear()
        self.stale = True

    # -- on the indexing thread -------------------------------------------------------------

    def compute(self, files: Sequence[tuple[Path, str]]) -> None:
        """Read (from the cache) or extract the facts of ``files``."""
        for path, relative in files:
            stamp = stamp_of(path)
            found = read(path, relative)
            if not isinstance(found, tuple):
                self._learn(path, _Known(stamp, relative, None))
                continue
            data, text = found
            key = self.cache.key(relative, data) if self.cache is not None else None
            entry = self.cache.get(key) if self.cache is not None and key is not None else Entry()
            facts: FileFacts | None = None
            known = False
            if entry.facts is not None:
                blob = entry.facts[0]
                try:
                    facts = records.unpack_facts(blob) if blob is not None else None
                    known = True
                except records.DAMAGE:
                    entry = Entry()
            if known:
                self.from_cache += 1
            else:
                from lint_rules.engine.workers import analyze_item

                self.extracted += 1
                facts = analyze_item((relative, text, (), True)).facts
                if self.cache is not None and key is not None and self.cache.problem is None:
                    entry.facts = records.pack_facts(facts)
                    self.cache.put(key, entry)
            self._learn(path, _Known(stamp, relative, facts))

    def _learn(self, path: Path, known: _Known) -> None:
        with self.lock:
            self.known[path] = known
            self.version += 1


class Indexes:
    """The facts of each project root, and the thread that completes them."""

    def __init__(self, ready: Callable[[Path, str], None]) -> None:
        self._ready = ready
        self._stores: dict[Path, ProjectFacts] = {}
        self._waiting: list[tuple[ProjectFacts, list[tuple[Path, str]]]] = []

    def store(self, root: Path, folder: Path) -> ProjectFacts:
        store = self._stores.get(root)
        if store is None:
            store = self._stores[root] = ProjectFacts(root, open_cache(folder))
        return store

    def index(self, linter: Linter, root: Path, folder: Path) -> ProjectIndex | None:
        """The complete index of the project at ``root``, or None (and indexing starts)."""
        store = self.store(root, folder)
        files = store.listing(linter)
        found = store.index(files)
        if found is not None:
            return found
        if not store.indexing:
            self._waiting.append((store, files))
        return None

    def kick(self) -> None:
        """Start completing the indexes that lints found missing (after those lints were
        published, so that the first diagnostics do not wait for the indexing thread)."""
        waiting, self._waiting = self._waiting, []
        for store, files in waiting:
            self._start(store, files)

    def _start(self, store: ProjectFacts, files: list[tuple[Path, str]]) -> None:
        if store.indexing:
            return
        store.indexing = True

        def run() -> None:
            store.from_cache = store.extracted = 0
            try:
                while True:
                    missing = store.missing(files)
                    if not missing:
                        break
                    store.compute(missing)
            except Exception:  # noqa: BLE001 - logged; a later change tries again
                log.exception("indexing %s failed", store.root)
                return
            finally:
                store.indexing = False
            self._ready(store.root, f"{len(files)} files, {store.from_cache} from the cache, {store.extracted} parsed")

        previous = threading.stack_size(64 << 20)  # LibCST's parser recurses on the C stack
        try:
            threading.Thread(target=run, name="hyperion-lint-index", daemon=True).start()
        finally:
            threading.stack_size(previous)

    def files_changed(self) -> None:
        for store in self._stores.values():
            store.forget_listings()

    def all(self) -> list[ProjectFacts]:
        return list(self._stores.values())
