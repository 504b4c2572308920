"""Robustness over real code: the standard library laid out as a Hyperion tree.

The files of the standard library of the interpreter running the tests are copied into
``app/modules/mNNN/<kind>_mNNN.py`` (and some ``app/core/cNNN/...`` folders), so that every
rule, per-file and project-wide, runs on them. The real command line is run over the tree
with every rule selected; it must not crash, must lint every file (or give it a HYP999
finding that says why not), must report no internal error, and every range it reports must
lie inside its file.

Run by hand over all of the standard library, or over any folder (site-packages)::

    python tests/test_robustness.py                 # every .py file of the stdlib
    python tests/test_robustness.py PATH [--every N] [--fix]
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from lint_rules.engine.registry import all_rules

# Every file kind a rule looks at; a module folder gets one stdlib file of each kind.
KINDS = (
    "endpoints",
    "cruds",
    "models",
    "schemas",
    "factory",
    "permissions",
    "utils",
    "dependencies",
    "types",
    "coredata",
    "misc",  # not a known kind: HYP081 has something to say
    "__init__",
)
CORE_EVERY = 5  # every 5th module folder goes to app/core/ instead of app/modules/
OPT_IN = sorted(code for code, rule in all_rules().items() if not rule.default_enabled)
SELECT_ALL = ("--select", "ALL", *(("--extend-select", ",".join(OPT_IN)) if OPT_IN else ()))
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TRACEBACK = "Traceback (most recent call last)"
SAMPLE_EVERY = 6
# How many standard-library files the sample should have at least.
WANTED = 250
# Files of the standard library that test the edges, taken when this Python has them: not
# UTF-8, deliberately invalid, valid but refused by LibCST's parser, or nested deeper than
# the engine goes (thousands of implicitly concatenated strings).
HARD_FILES = (
    "pydoc_data/topics.py",
    "test/test_grammar.py",
    "test/typinganndata/ann_module.py",
    "test/test_source_encoding.py",
    "test/encoded_modules/module_koi8_r.py",
    "test/tokenizedata/badsyntax_3131.py",
    "test/tokenizedata/badsyntax_pep3120.py",
    "test/badsyntax_3131.py",
    "test/badsyntax_pep3120.py",
    "lib2to3/tests/data/bom.py",
    "lib2to3/tests/data/crlf.py",
    "lib2to3/tests/data/py2_test_grammar.py",
)


def stdlib_files() -> list[Path]:
    """Every .py file of the standard library of this interpreter, sorted (site-packages
    and the like left out)."""
    return python_files(Path(sysconfig.get_paths()["stdlib"]), skip=("site-packages", "dist-packages"))


def python_files(top: Path, skip: tuple[str, ...] = ()) -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in skip and d != "__pycache__")
        found += [Path(folder, f) for f in sorted(files) if f.endswith(".py")]
    return [p for p in found if p.is_file() and not p.is_symlink()]


def lay_out(sources: list[Path], root: Path) -> dict[Path, Path]:
    """Copy ``sources`` into a Hyperion tree under ``root``; return copy -> original."""
    (root / "pyproject.toml").write_text("[project]\nname = 'stdlib-as-hyperion'\n", encoding="utf-8")
    copies: dict[Path, Path] = {}
    for index, source in enumerate(sources):
        group, kind = divmod(index, len(KINDS))
        if group % CORE_EVERY == CORE_EVERY - 1:
            folder = root / "app" / "core" / f"c{group:03d}"
            name = f"c{group:03d}"
        else:
            folder = root / "app" / "modules" / f"m{group:03d}"
            name = f"m{group:03d}"
        target = folder / ("__init__.py" if KINDS[kind] == "__init__" else f"{KINDS[kind]}_{name}.py")
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copies[target] = source
    return copies


@dataclass
class RunReport:
    files: int
    seconds: float
    exit_code: int
    findings: list[dict]
    output: str
    hyp999: Counter = field(default_factory=Counter)
    by_code: Counter = field(default_factory=Counter)
    # Valid Python that cannot be checked, for reasons outside hyperion-lint: LibCST's
    # parser refuses it, or it nests deeper than the traversal goes. Counted, not failed.
    limitations: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        kinds = ", ".join(f"{k}: {n}" for k, n in sorted(self.hyp999.items())) or "none"
        return (
            f"{self.files} files, {self.seconds:.1f} s, exit {self.exit_code}, "
            f"{len(self.findings)} findings; HYP999 by kind: {kinds} "
            f"({len(self.limitations)} on valid Python); {len(self.problems)} problems"
        )


def _lines(path: Path, cache: dict[Path, list[str] | None]) -> list[str] | None:
    """The file's lines as the linter numbers them (None when it is not UTF-8 text)."""
    if path not in cache:
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            cache[path] = None
            return None
        cache[path] = _LINE_BREAK.split(text.removeprefix("\ufeff"))
    return cache[path]


def _range_problem(lines: list[str] | None, start: dict, end: dict) -> str | None:
    if lines is None:
        return None if (start["row"], start["column"]) == (1, 1) == (end["row"], end["column"]) else "range in a non-UTF-8 file"
    for position in (start, end):
        row, column = position["row"], position["column"]
        if not 1 <= row <= len(lines):
            return f"line {row} outside 1..{len(lines)}"
        if not 1 <= column <= len(lines[row - 1]) + 1:
            return f"column {column} outside 1..{len(lines[row - 1]) + 1} on line {row}"
    if (start["row"], start["column"]) > (end["row"], end["column"]):
        return "range ends before it starts"
    return None


def lint_tree(root: Path, *extra: str, timeout: float = 3600) -> RunReport:
    """Run the real command line over the tree at ``root`` and check what it reports."""
    files = python_files(root / "app")
    started = time.perf_counter()
    # The report goes to a file, so that the terminal gets the summary line, which says
    # how many files were checked.
    output = root.parent / f"{root.name}-report.json"
    output.unlink(missing_ok=True)
    process = subprocess.run(
        [
            sys.executable, "-m", "lint_rules", "check", *SELECT_ALL, "--output-format", "json",
            "--output-file", str(output), "--no-baseline", "--no-color", *extra,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    seconds = time.perf_counter() - started
    report = RunReport(len(files), seconds, process.returncode, [], process.stdout + process.stderr)
    if _TRACEBACK in report.output:
        report.problems.append("traceback:\n" + report.output[-5000:])
    if process.returncode not in (0, 1):
        report.problems.append(f"exit code {process.returncode}: {report.output[-2000:]}")
    try:
        report.findings = json.loads(output.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        report.problems.append(f"no JSON report ({error}): {report.output[-500:]}")
        return report
    checked = re.search(r"\((\d+) files? checked\)", process.stdout)
    if "--fix" not in extra and (checked is None or int(checked.group(1)) != len(files)):
        report.problems.append(f"{len(files)} files laid out, the summary says: {process.stdout.strip()[-300:]}")
    cache: dict[Path, list[str] | None] = {}
    for finding in report.findings:
        report.by_code[finding["code"]] += 1
        where = f"{finding['filename']}:{finding['location']['row']}:{finding['location']['column']} {finding['code']}"
        if finding["code"] == "HYP999":
            report.hyp999[finding["name"]] += 1
            if finding["name"] == "internal-error":
                report.problems.append(f"{where}: {finding['message']}")
            elif finding["name"] == "syntax-error" and _python_parses(Path(finding["filename"])):
                deep = "nested too deeply" in finding["message"] or "too complex for the parser" in finding["message"]
                if deep or not _libcst_parses(Path(finding["filename"])):
                    report.limitations.append(f"{where}: {finding['message']}")
                else:
                    report.problems.append(f"{where}: CPython and LibCST parse this file: {finding['message']}")
        ranges = [(finding["filename"], finding["location"], finding["end_location"], "")]
        ranges += [(r["filename"], r["location"], r["end_location"], " (related)") for r in finding["related"]]
        ranges += [
            (finding["filename"], e["location"], e["end_location"], " (fix edit)")
            for e in (finding["fix"] or {"edits": []})["edits"]
        ]
        for filename, start, end, what in ranges:
            problem = _range_problem(_lines(Path(filename), cache), start, end)
            if problem is not None:
                report.problems.append(f"{where}{what}: {problem}")
    return report


def _python_parses(path: Path) -> bool:
    """Whether CPython's parser accepts the file (parsing only: nothing is compiled or run)."""
    try:
        ast.parse(path.read_bytes())
    except (SyntaxError, ValueError):
        return False
    except (RecursionError, MemoryError):
        return False
    return True


def _libcst_parses(path: Path) -> bool:
    try:
        cst.parse_module(path.read_bytes().decode("utf-8"))
    except (cst.ParserSyntaxError, RecursionError, MemoryError, ValueError):
        return False
    return True


def unparsable_after_fix(copies: dict[Path, Path]) -> list[str]:
    """Files that CPython parsed before ``--fix`` and does not parse after it."""
    return [
        str(copy)
        for copy, original in copies.items()
        if _python_parses(original) and not _python_parses(copy)
    ]


def test_the_standard_library_as_a_hyperion_tree(tmp_path: Path) -> None:
    """Every 6th .py file of the standard library, plus the edge cases of HARD_FILES (307
    of CPython 3.11's 1790 files, 5.1 MB; about 30 s, up to a minute on 2 cores), laid out as
    26 module folders and linted with every rule, the opt-in ones included."""
    every = stdlib_files()
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    hard = [stdlib / name for name in HARD_FILES if (stdlib / name).is_file()]
    # Debian ships its standard library without test/ (python3-test): sample more densely
    # there, so that every Python a newcomer may have lints about as many files.
    step = max(1, min(SAMPLE_EVERY, len(every) // WANTED))
    sources = sorted(set(every[::step]) | set(hard))
    assert len(every) > 100, f"this does not look like a standard library: {len(every)} files"
    assert len(sources) >= min(WANTED, len(every))
    copies = lay_out(sources, tmp_path)
    report = lint_tree(tmp_path, timeout=600)
    assert report.problems == [], report.summary() + "\n" + "\n".join(report.problems[:30])
    assert report.files == len(copies)
    assert report.by_code, "the sample gave no finding at all: the rules did not run"


def main(argv: list[str]) -> int:
    """By hand: lay out every .py file of a folder (default: the stdlib) and lint it."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("top", nargs="?", type=Path, help="folder to read .py files from (default: the stdlib)")
    parser.add_argument("--every", type=int, default=1, help="take every Nth file")
    parser.add_argument("--fix", action="store_true", help="then run --fix --unsafe-fixes and check the files still parse")
    parser.add_argument("--keep", action="store_true", help="keep the tree (its path is printed)")
    args = parser.parse_args(argv)
    sources = stdlib_files() if args.top is None else python_files(args.top)
    sources = sources[:: args.every]
    root = Path(tempfile.mkdtemp(prefix="hyperion-lint-robustness-"))
    try:
        copies = lay_out(sources, root)
        print(f"{len(copies)} files laid out in {root}", flush=True)
        report = lint_tree(root)
        print("check:", report.summary())
        print("findings by code:", dict(sorted(report.by_code.items())))
        for problem in report.problems[:200]:
            print("  PROBLEM", problem)
        for limitation in report.limitations:
            print("  valid Python, not checked:", limitation)
        if args.fix:
            fixed = lint_tree(root, "--fix", "--unsafe-fixes")
            print("check --fix --unsafe-fixes:", fixed.summary())
            for problem in fixed.problems[:200]:
                print("  PROBLEM", problem)
            warnings = [line for line in fixed.output.splitlines() if "warning" in line]
            print(f"{len(warnings)} fix warnings")
            for line in warnings[:50]:
                print("  ", line)
            broken = unparsable_after_fix(copies)
            print(f"{len(broken)} files no longer parse after --fix")
            for path in broken[:50]:
                print("  BROKEN", path)
            again = lint_tree(root, "--fix", "--unsafe-fixes")
            changed = re.search(r"Fixed \d+ findings? in \d+ files?", again.output)
            print("second --fix:", again.summary(), changed.group(0) if changed else again.output[-200:])
        return 1 if report.problems else 0
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
