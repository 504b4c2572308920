"""What makes a cache entry trusted: a secret key of this user's, outside every project.

The cache folder lives in the project, where anyone who can push a commit can put files.
Its keys (path, content hash, rules, options, version) are all public, so a matching key
proves nothing about who wrote an entry. Every entry is therefore written with an HMAC
(SHA-256) under a key that only this user's runs know, kept in the user's cache
directory; an entry whose MAC does not verify was written by someone else (or damaged)
and is ignored. A cache folder that git tracks is not used at all: its files came with
the commit, not from this machine.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

KEY_SIZE = 32
KEY_FILE = "key"


class KeyUnavailable(Exception):
    """The key can be neither read nor created: the run goes on without the cache."""


def key_directory() -> Path:
    """``$XDG_CACHE_HOME/hyperion-lint`` when the variable is set (on every platform),
    else the platform's user cache directory."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "hyperion-lint"
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        if local:
            return Path(local) / "hyperion-lint"
        return Path.home() / "AppData" / "Local" / "hyperion-lint"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "hyperion-lint"
    return Path.home() / ".cache" / "hyperion-lint"


def key_path() -> Path:
    return key_directory() / KEY_FILE


def load_key(path: Path | None = None) -> bytes:
    """This user's key, created (mode 0600) on first use. A key file of the wrong size is
    replaced by a new one: every entry written under the old one is then rebuilt."""
    path = path or key_path()
    try:
        data = _read(path)
        if data is not None and len(data) == KEY_SIZE:
            return data
        return _create(path, replace=data is not None)
    except OSError as error:
        raise KeyUnavailable(f"cannot create the cache key {path}: {error.strerror or error}") from None


def _read(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as stream:
            return stream.read(KEY_SIZE + 1)
    except FileNotFoundError:
        return None


def _create(path: Path, *, replace: bool) -> bytes:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = os.urandom(KEY_SIZE)
    temporary = path.with_name(f".{KEY_FILE}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(key)
        if replace:
            os.replace(temporary, path)
            return key
        try:
            # A link never overwrites: when two runs create the key at once, one wins and
            # the other reads the winner's key.
            os.link(temporary, path)
        except FileExistsError:
            data = _read(path)
            if data is not None and len(data) == KEY_SIZE:
                return data
            os.replace(temporary, path)
        except OSError:  # a file system without hard links
            os.replace(temporary, path)
        return key
    finally:
        try:
            temporary.unlink()
        except OSError:
            pass


def tracked_by_git(path: Path) -> bool:
    """Whether git tracks ``path`` (a file, or any file under a folder). Outside a
    repository, or without git, nothing is tracked."""
    folder, name = (path, ".") if path.is_dir() else (path.parent, path.name)
    if not folder.is_dir() or _surely_untracked(path):
        return False
    import subprocess  # only when the index could not answer (about 3 ms to import and run)

    try:
        listed = subprocess.run(
            ["git", "-C", str(folder), "ls-files", "-z", "--", name],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return listed.returncode == 0 and bool(listed.stdout)


_GIT_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY")


def _surely_untracked(path: Path) -> bool:
    """True when the repository's index shows, without running git, that nothing under
    ``path`` is tracked: no ``.git`` above it, or an index (format 2 or 3, whole, not
    sparse) none of whose paths is ``path`` or under it, compared in any case. Anything
    else (variables that move the repository, split or sparse indexes, format 4, an
    index that does not read as expected) is left to ``git ls-files``, which a warm run
    would otherwise pay 3 ms for."""
    if any(variable in os.environ for variable in _GIT_VARIABLES):
        return False
    absolute = Path(os.path.realpath(path))  # git resolves symbolic links too
    for top in absolute.parents:
        dot_git = top / ".git"
        if dot_git.is_dir():
            index = dot_git / "index"
            break
        if dot_git.is_file():  # a worktree or a submodule: "gitdir: <its git folder>"
            try:
                text = dot_git.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                return False
            if not text.startswith("gitdir:"):
                return False
            index = (top / text[len("gitdir:") :].strip()) / "index"
            break
    else:
        return True  # in no repository
    try:
        data = index.read_bytes()
    except FileNotFoundError:
        return True  # a repository where nothing was ever added
    except OSError:
        return False
    paths = _index_paths(data)
    if paths is None:
        return False
    wanted = os.fsencode(absolute.relative_to(top).as_posix()).lower()
    inside = wanted + b"/"
    return not any(p == wanted or p.startswith(inside) for p in (p.lower() for p in paths))


def _index_paths(data: bytes) -> list[bytes] | None:
    """The paths of a git index in format 2 or 3 (see git's index-format.txt), or None
    when it is another format, split, sparse, or does not read as one."""
    if len(data) < 12 or data[:4] != b"DIRC":
        return None
    version = int.from_bytes(data[4:8], "big")
    count = int.from_bytes(data[8:12], "big")
    if version not in (2, 3):
        return None
    paths = []
    offset = 12
    for _ in range(count):
        flags_at = offset + 60
        if flags_at + 2 > len(data):
            return None
        flags = int.from_bytes(data[flags_at : flags_at + 2], "big")
        name_at = flags_at + 2 + (2 if flags & 0x4000 else 0)  # extended flags (format 3)
        end = data.find(b"\0", name_at)
        if end < 0:
            return None
        paths.append(data[name_at:end])
        offset += (end - offset + 8) // 8 * 8  # the entry and its 1-8 NULs: a multiple of 8
    # Extensions, up to the final 20-byte hash: a split or sparse index lists only part.
    while offset + 8 <= len(data) - 20:
        signature = data[offset : offset + 4]
        if signature in (b"link", b"sdir"):
            return None
        offset += 8 + int.from_bytes(data[offset + 4 : offset + 8], "big")
    return paths
