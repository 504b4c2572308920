from __future__ import annotations

import textwrap
from pathlib import Path

import pytest


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
