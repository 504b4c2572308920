"""Ctrl-C in the middle of a run: a clear message, exit 130, every file whole, the cache sound."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="process groups and SIGINT are POSIX")

MODULES = 40
ROUTES = 40


def _endpoints(module: str) -> str:
    routes = "".join(
        f'''

@module.router.get("/{module}/items/{i}", response_model=list[str])
async def read_items_{i}(db: AsyncSession = Depends(get_db)):
    """Return the items of page {i}."""
    return await cruds_{module}.get_items(db=db, page={i})
'''
        for i in range(ROUTES)
    )
    return (
        "from fastapi import Depends\n"
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n"
        "from app.dependencies import get_db\n"
        f"from app.modules.{module} import cruds_{module}\n"
        "from app.types.module import Module\n\n"
        f'module = Module(root="{module}", tag="{module.title()}", factory=None)\n' + routes
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    for n in range(MODULES):
        module = f"module{n}"
        folder = tmp_path / "app" / "modules" / module
        folder.mkdir(parents=True)
        (folder / "__init__.py").write_text("", encoding="utf-8")
        (folder / f"endpoints_{module}.py").write_text(_endpoints(module), encoding="utf-8")
    return tmp_path


def _sources(root: Path) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in sorted((root / "app").rglob("*.py"))}


def _interrupt(root: Path, *args: str, after: float) -> subprocess.CompletedProcess[str]:
    """Run hyperion-lint, then press Ctrl-C: SIGINT to its whole process group, as a terminal does."""
    command = [sys.executable, "-m", "lint_rules", "check", "--output-format", "concise", *args, "."]
    process = subprocess.Popen(
        command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    # Counted from when the run has started (its cache folder exists): on a loaded machine
    # the interpreter alone can take longer than ``after`` to start.
    deadline = time.monotonic() + 60
    while not (root / ".hyperion_lint_cache").exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(after)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=300)
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def _check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "lint_rules", "check", "--output-format", "concise", *args, "."]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300)


def _assert_interrupted(run: subprocess.CompletedProcess[str]) -> None:
    assert run.returncode == 130, (run.returncode, run.stderr[-2000:])
    assert run.stderr.splitlines()[-1] == "hyperion-lint: interrupted; no file was left half-written"
    assert "Traceback" not in run.stderr


def _no_temporary_files(root: Path) -> None:
    left = [p for p in root.rglob("*") if p.name.endswith(".tmp")]
    assert left == [], "an interrupted write left a temporary file"


def test_interrupting_a_fix_leaves_every_file_whole(tree: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    before = _sources(tree)
    # What a complete --fix writes, worked out on a copy.
    reference = tmp_path_factory.mktemp("reference")
    for path, text in before.items():
        target = reference / path.relative_to(tree)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (reference / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    assert _check(reference, "--fix", "--select", "HYP010,HYP012").returncode == 0
    fixed = {tree / p.relative_to(reference): t for p, t in _sources(reference).items()}

    run = _interrupt(tree, "--fix", "--select", "HYP010,HYP012", after=0.3)
    _assert_interrupted(run)
    after = _sources(tree)
    assert set(after) == set(before)
    for path, text in after.items():
        assert text in (before[path], fixed[path]), f"{path} is neither the original nor the fixed file"
        ast.parse(text)
    _no_temporary_files(tree)
    # The cache the interrupted run left gives what a run without it gives.
    assert _check(tree).stdout == _check(tree, "--no-cache").stdout


def test_interrupting_parallel_workers_leaves_the_cache_sound(tree: Path) -> None:
    run = _interrupt(tree, "--jobs", "2", after=0.2)
    _assert_interrupted(run)
    _no_temporary_files(tree)
    assert _check(tree).stdout == _check(tree, "--no-cache").stdout
