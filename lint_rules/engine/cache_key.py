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
import subprocess
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
    if not folder.is_dir():
        return False
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
