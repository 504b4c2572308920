from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def _own_cache_key(tmp_path_factory: pytest.TempPathFactory):
    """The cache key lives in the user's cache directory: the tests, and the commands they
    start, use one of their own and never touch the real one."""
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if saved is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = saved


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write a small project: ``project({"app/modules/demo/endpoints_demo.py": src, ...})``.

    The working directory is the project root, so reported paths are relative to it.
    """
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)

    def write(files: dict[str, str | bytes], pyproject: str | None = "") -> Path:
        if pyproject is not None:
            (tmp_path / "pyproject.toml").write_text(
                "[project]\nname = 'demo'\n" + textwrap.dedent(pyproject), encoding="utf-8"
            )
        for name, content in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return tmp_path

    return write
