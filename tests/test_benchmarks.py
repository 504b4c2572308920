"""The benchmark's tools (benchmarks/): the tree generator, the Fixit rule, the runner.

The generator is run at a tiny size (``--modules 2``); what is checked is behaviour: the
files a Hyperion project has, all parseable, the same bytes on every run, and findings for
hyperion-lint to report. The Fixit comparison runs only where Fixit is installed (the
``bench`` extra); nothing here needs Fixit or ruff.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from lint_rules.cli import main

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def generate(out: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "generate.py"), str(out), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench") / "project"
    generate(root, "--modules", "2")
    return root


def test_generator_writes_a_hyperion_shaped_project(tree: Path) -> None:
    for relative in (
        "pyproject.toml",
        "app/__init__.py",
        "app/dependencies.py",
        "app/types/module.py",
        "app/core/permissions/type_permissions.py",
    ):
        assert (tree / relative).is_file(), relative
    # --modules 2: one core module and one module, each with its layers.
    [core] = [p.name for p in (tree / "app/core").iterdir() if (p / f"endpoints_{p.name}.py").exists()]
    [module] = [p.name for p in (tree / "app/modules").iterdir() if p.is_dir()]
    for kind in ("endpoints", "cruds", "models", "schemas", "factory"):
        assert (tree / f"app/core/{core}/{kind}_{core}.py").is_file()
        assert (tree / f"app/modules/{module}/{kind}_{module}.py").is_file()
    assert (tree / f"app/modules/{module}/__init__.py").is_file()
    endpoints = (tree / f"app/modules/{module}/endpoints_{module}.py").read_text(encoding="utf-8")
    assert "module = Module(" in endpoints and "@module.router." in endpoints
    assert "db: AsyncSession = Depends(get_db)" in endpoints
    core_endpoints = (tree / f"app/core/{core}/endpoints_{core}.py").read_text(encoding="utf-8")
    assert "core_module = CoreModule(" in core_endpoints and "@router." in core_endpoints
    assert "def get_db(" in (tree / "app/dependencies.py").read_text(encoding="utf-8")


def test_every_generated_file_parses(tree: Path) -> None:
    sources = list(tree.rglob("*.py"))
    assert len(sources) > 15
    for path in sources:
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_generator_is_deterministic_and_seeded(tmp_path: Path) -> None:
    generate(tmp_path / "a", "--modules", "2")
    generate(tmp_path / "b", "--modules", "2")
    generate(tmp_path / "c", "--modules", "2", "--seed", "1")
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    assert snapshot(tmp_path / "a") != snapshot(tmp_path / "c")


def test_generator_prints_counts_and_scales(tmp_path: Path) -> None:
    small = generate(tmp_path / "small", "--scale", "0.05")
    bigger = generate(tmp_path / "bigger", "--scale", "0.1")
    pattern = r"(\d+) Python files, (\d+) lines, (\d+) routes"
    (files_s, lines_s, routes_s), (files_b, lines_b, routes_b) = (
        tuple(map(int, re.search(pattern, out).groups())) for out in (small, bigger)
    )
    assert 0 < files_s < files_b and 0 < lines_s < lines_b and 0 < routes_s < routes_b
    written = sum(p.read_bytes().count(b"\n") for p in (tmp_path / "small/app").rglob("*.py"))
    assert written == lines_s


def test_hyperion_lint_finds_departures_in_the_tree(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    result = CliRunner().invoke(
        main,
        ["check", "--select", "HYP010,HYP012", "--output-format", "concise", "--no-color", "app"],
        catch_exceptions=False,
    )
    assert result.exit_code == 1, result.output
    codes = Counter(re.findall(r": (HYP\d+) ", result.output))
    assert codes["HYP010"] > 0 and codes["HYP012"] > 0
    assert set(codes) == {"HYP010", "HYP012"}


def _findings(text: str, pattern: str) -> set[tuple[str, int, str]]:
    return {(path, int(line), code) for path, line, code in re.findall(pattern, text, re.M)}


def test_fixit_rule_reports_what_hyperion_lint_reports(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("fixit")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(BENCHMARKS), os.environ.get("PYTHONPATH")])))
    fixit = subprocess.run(
        [sys.executable, "-m", "fixit", "--rules", "fixit_rules", "lint", "app"],
        cwd=tree, env=env, capture_output=True, text=True, check=False,
    )
    assert fixit.returncode == 1, fixit.stderr
    monkeypatch.chdir(tree)
    ours = CliRunner().invoke(
        main,
        ["check", "--select", "HYP010,HYP011,HYP012,HYP013", "--output-format", "concise", "-q", "app"],
        catch_exceptions=False,
    )
    expected = _findings(ours.output, r"^(\S+?):(\d+):\d+: (HYP\d+)")
    assert expected
    assert _findings(fixit.stdout, r"^(\S+?)@(\d+):\d+ \w+: (HYP\d+)") == expected


def test_runner_prints_a_table(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--scale", "0.05", "--repeat", "1", "--cases", "cold4,warm,file"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    out = result.stdout
    assert "machine:" in out and "scale 0.05:" in out
    assert re.search(r"hyperion-lint cold, HYP010,HYP011,HYP012,HYP013\s+\d+\.\d{3}\s+\d+\.\d{3}", out), out
