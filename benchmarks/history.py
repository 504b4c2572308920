"""Lint Hyperion's history: every release since a date and some branches, one tree each.

    python benchmarks/history.py --repo /path/to/Hyperion.git [--since 2024-01-01]
        [--branch main --branch feat/ticketing ...] [--fix] [--out history.md] [--json out.json]

For each revision, ``git archive REV`` is unpacked into a temporary folder (nothing of the
checked code is imported or run), then hyperion-lint runs there as a subprocess, with the
default and the opt-in rules: ``check --output-format json`` (findings per rule) and
``project --output-format json`` (what it read from the tree). With ``--fix``, a second copy
is fixed with ``check --fix --unsafe-fixes``; the script checks that every changed file still
parses (with LibCST, as hyperion-lint does, which reads the 3.12+ syntax Hyperion uses on any
Python; else Python's own ``ast``, and a file this Python cannot parse is listed as unchecked),
that a second run changes nothing, and counts the ``.commit()`` calls before and after and lists
the lines with a ``commit(`` that the fix removed or added (where ``get_db`` does not commit
there must be none). The report is a markdown table per era of facts.
Stdlib only (LibCST when this Python has it, as the venv of hyperion-lint does); uses the
``hyperion-lint`` beside this Python (or ``--hyperion-lint CMD``).
"""

from __future__ import annotations

import argparse
import ast
import collections
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OPT_IN = "HYP022,HYP033,HYP044,HYP060,HYP080"
# The facts shown per era (keys of `hyperion-lint project --output-format json`).
ERA_FACTS = (
    "get_db.commits",
    "orm_user",
    "module.core_module",
    "module.factory",
    "module.permissions",
    "module.keywords",
    "primary_key",
    "helpers",
)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def revisions(repo: Path, since: str, branches: list[str]) -> list[tuple[str, str]]:
    """(revision, date) of every tag created since ``since``, in creation order, then the branches."""
    found = []
    for line in git(repo, "for-each-ref", "--sort=creatordate", "--format=%(creatordate:short) %(refname:short)", "refs/tags").splitlines():
        date, _, tag = line.partition(" ")
        if date >= since:
            found.append((tag, date))
    for branch in branches:
        date = git(repo, "log", "-1", "--format=%cs", branch).strip()
        found.append((branch, date))
    return found


def unpack(repo: Path, revision: str, folder: Path) -> None:
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(repo), "archive", revision], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=1800)


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8", errors="replace") for p in sorted((root / "app").rglob("*.py"))}


def parses(text: str) -> bool | None:
    """True or False; None when nothing here can tell (no LibCST and syntax newer than this
    Python's ``ast``)."""
    try:
        import libcst
    except ImportError:
        libcst = None
    if libcst is not None:
        try:
            libcst.parse_module(text)
        except Exception:  # ParserSyntaxError, and the errors of its native parser
            return False
        return True
    try:
        ast.parse(text)
    except SyntaxError:
        return None if sys.version_info < (3, 14) else False  # newer syntax than this Python's
    return True


def commit_lines(before: str, after: str) -> list[str]:
    """The lines with a ``commit(`` that the fix removed (``-``) or added (``+``): the two files'
    sequences of such lines compared, so that a fix nearby does not shift them (a diff of the
    whole files may pair one ``await db.commit()`` with another and show it moved)."""
    old, new = ([line for line in text.splitlines() if "commit(" in line] for text in (before, after))
    diff = difflib.unified_diff(old, new, lineterm="", n=0)
    return [line for line in diff if line[:1] in "-+" and line[:3] not in ("---", "+++")]


def one(lint: list[str], repo: Path, revision: str, work: Path, fix: bool) -> dict:
    tree = work / "tree"
    unpack(repo, revision, tree)
    started = time.perf_counter()
    checked = run([*lint, "check", "--output-format", "json", "--exit-zero", "--extend-select", OPT_IN, "."], tree)
    seconds = time.perf_counter() - started
    entry: dict = {"revision": revision, "seconds": round(seconds, 2), "exit": checked.returncode, "stderr": checked.stderr.strip()}
    findings = json.loads(checked.stdout) if checked.returncode == 0 else []
    entry["counts"] = dict(sorted(collections.Counter(f["code"] for f in findings).items()))
    believed = run([*lint, "project", "--output-format", "json", "."], tree)
    entry["facts"] = {f["fact"]: [f["value"], f["source"]] for f in json.loads(believed.stdout)["facts"]} if believed.returncode == 0 else {}
    if fix:
        fixed_tree = work / "fixed"
        shutil.copytree(tree, fixed_tree, ignore=shutil.ignore_patterns(".hyperion_lint_cache"))
        before = snapshot(fixed_tree)
        command = [*lint, "check", "--no-cache", "--fix", "--unsafe-fixes", "--exit-zero", "--quiet", "--extend-select", OPT_IN, "."]
        first = run(command, fixed_tree)
        after = snapshot(fixed_tree)
        second = run(command, fixed_tree)
        again = snapshot(fixed_tree)
        changed = [path for path in after if after[path] != before.get(path)]
        entry["fix"] = {
            "exit": [first.returncode, second.returncode],
            "changed_files": len(changed),
            "unparsable": [path for path in changed if parses(after[path]) is False],
            "unchecked": [path for path in changed if parses(after[path]) is None],
            "second_run_changed": [path for path in again if again[path] != after[path]],
            "commits_before": sum(text.count(".commit()") for text in before.values()),
            "commits_after": sum(text.count(".commit()") for text in after.values()),
            "commit_lines_changed": [f"{path}: {line}" for path in changed for line in commit_lines(before.get(path, ""), after[path])],
        }
    shutil.rmtree(work, ignore_errors=True)
    return entry


def markdown(entries: list[dict], dates: dict[str, str]) -> str:
    codes = sorted({code for e in entries for code in e["counts"]})
    lines = ["# hyperion-lint on Hyperion's history", ""]
    lines += [f"Default and opt-in rules ({OPT_IN}); one column per revision.", ""]
    # Eras: consecutive revisions whose facts are the same.
    eras: list[tuple[tuple, list[dict]]] = []
    for entry in entries:
        key = tuple((name, str(entry["facts"].get(name, [None])[0])) for name in ERA_FACTS)
        if eras and eras[-1][0] == key:
            eras[-1][1].append(entry)
        else:
            eras.append((key, [entry]))
    lines += ["## What the project model read, era by era", ""]
    lines += ["| revisions | " + " | ".join(ERA_FACTS) + " |", "| --- |" + " --- |" * len(ERA_FACTS)]
    for key, members in eras:
        span = members[0]["revision"] if len(members) == 1 else f"{members[0]['revision']} ... {members[-1]['revision']} ({len(members)})"
        values = []
        for name, _ in key:
            value, source = members[0]["facts"].get(name, ["-", None])
            values.append(f"{value} ({source or 'default'})")
        lines.append(f"| {span} | " + " | ".join(v.replace("|", "/") for v in values) + " |")
    lines += ["", "## Findings per rule", ""]
    for start in range(0, len(entries), 12):
        chunk = entries[start : start + 12]
        lines.append("| rule | " + " | ".join(e["revision"] for e in chunk) + " |")
        lines.append("| --- |" + " ---: |" * len(chunk))
        lines.append("| (date) | " + " | ".join(dates[e["revision"]] for e in chunk) + " |")
        for code in codes:
            lines.append(f"| {code} | " + " | ".join(str(e["counts"].get(code, 0)) for e in chunk) + " |")
        lines.append("| total | " + " | ".join(str(sum(e["counts"].values())) for e in chunk) + " |")
        lines.append("| seconds | " + " | ".join(str(e["seconds"]) for e in chunk) + " |")
        if any("fix" in e for e in chunk):
            lines.append("| fixed files | " + " | ".join(str(e.get("fix", {}).get("changed_files", "-")) for e in chunk) + " |")
            lines.append("| commit() before -> after | " + " | ".join(
                f"{e['fix']['commits_before']} -> {e['fix']['commits_after']}" if "fix" in e else "-" for e in chunk) + " |")
        lines.append("")
    problems = [
        f"- {e['revision']}: exit {e['exit']}; {e['stderr'][:300]}" for e in entries if e["exit"] != 0 or e["stderr"]
    ] + [
        f"- {e['revision']}: after --fix, unparsable {e['fix']['unparsable']}, not checked (syntax newer than this Python's, no LibCST) {e['fix']['unchecked']}, changed by a second run {e['fix']['second_run_changed']}"
        for e in entries
        if "fix" in e and (e["fix"]["unparsable"] or e["fix"]["unchecked"] or e["fix"]["second_run_changed"])
    ] + [
        f"- {e['revision']}: `get_db` does not commit, yet the fix changed {e['fix']['commit_lines_changed']}"
        for e in entries
        if "fix" in e and e["fix"]["commit_lines_changed"] and str(e["facts"].get("get_db.commits", [None])[0]) == "no"
    ]
    lines += ["## Problems", "", *(problems or ["- none"]), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, required=True, help="a clone (or mirror) of aeecleclair/Hyperion")
    parser.add_argument("--since", default="2024-01-01")
    parser.add_argument("--branch", action="append", default=[], help="also lint this branch (repeatable)")
    parser.add_argument("--only", action="append", default=[], help="lint only these revisions")
    parser.add_argument("--fix", action="store_true", help="also check --fix --unsafe-fixes on a copy")
    parser.add_argument("--hyperion-lint", default=str(Path(sys.executable).with_name("hyperion-lint")))
    parser.add_argument("--out", type=Path, help="write the markdown report here (default: standard output)")
    parser.add_argument("--json", type=Path, help="also write every measurement as JSON")
    args = parser.parse_args()
    lint = args.hyperion_lint.split()
    wanted = revisions(args.repo, args.since, args.branch)
    if args.only:
        known = dict(wanted)
        wanted = [(r, known.get(r) or git(args.repo, "log", "-1", "--format=%cs", r).strip()) for r in args.only]
    entries = []
    with tempfile.TemporaryDirectory(prefix="hyperion-history-") as scratch:
        for index, (revision, _) in enumerate(wanted):
            entry = one(lint, args.repo, revision, Path(scratch) / str(index), args.fix)
            entries.append(entry)
            print(f"{revision}: {sum(entry['counts'].values())} findings in {entry['seconds']} s", file=sys.stderr, flush=True)
    if args.json:
        args.json.write_text(json.dumps(entries, indent=1), encoding="utf-8")
    report = markdown(entries, dict(wanted))
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    else:
        sys.stdout.write(report)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
