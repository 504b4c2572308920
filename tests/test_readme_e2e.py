"""The README, followed as a newcomer would: in a fresh clone, its two first commands
literally, then every command of its usage block, and the git-URL install form against a
local clone. Each command's exit code and first line of output are checked.

The README's second command runs this whole suite again inside the clone; there, this
file skips itself (HYPERION_LINT_README_E2E is set), so the recursion stops at one level.
Lines that pip prints about the machine's own package sources (``WARNING:``, ``[notice]``, ``Looking in indexes:``,
``DEPRECATION:``) are not output of the command and are left out before the first line
is taken.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
GUARD = "HYPERION_LINT_README_E2E"

pytestmark = [
    pytest.mark.skipif(bool(os.environ.get(GUARD)), reason="already inside the README's own test run"),
    pytest.mark.skipif(not (ROOT / ".git").exists() or shutil.which("git") is None, reason="needs a git checkout"),
]

NOISE = re.compile(r"^(WARNING: |DEPRECATION: |\[notice\] |Looking in (indexes|links): )")


def sh_block_after(marker: str) -> list[str]:
    """The commands of the first ```sh block after ``marker`` in the README."""
    start = README.index(marker)
    block = re.search(r"```sh\n(.*?)```", README[start:], flags=re.DOTALL)
    assert block is not None, marker
    return [line for line in block.group(1).splitlines() if line.strip()]


def first_line(text: str) -> str:
    return next((line for line in text.splitlines() if not NOISE.match(line)), "")


def bash(command: str, cwd: Path, env: dict[str, str], timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("fresh") / "hyperion-lint"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(where)], check=True)
    return where


def newcomer_env() -> dict[str, str]:
    """A shell as a newcomer has it: no virtual environment active, the system's python3."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    venv_bin = os.path.dirname(sys.executable)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env[GUARD] = "1"
    env.pop("PRE_COMMIT", None)
    return env


# The README's usage block, run in (a copy of) the sample project as in a Hyperion
# checkout: (exit code, first line of standard output, first line of standard error).
USAGE = [
    (1, "app/core/rooms/endpoints_rooms.py", ""),
    (1, "app/modules/cinema/endpoints_cinema.py", ""),
    (1, "app/core/rooms/endpoints_rooms.py:13:1: HYP005 `admin_router` is an APIRouter that no module receives, so routes declared on it are never served; pass `router=admin_router` to `CoreModule(...)`, or delete it and decorate routes with `@core_module.router`", ""),
    (1, "app/modules/bookclub/endpoints_bookclub.py", ""),
    (1, "2\tHYP007\t    permission-name-duplicate", ""),
    (1, "app/core/rooms/endpoints_rooms.py", ""),
    (1, "--- app/modules/bookclub/cruds_bookclub.py", "Would fix 11 findings in 3 files."),
    (
        1,
        "app/core/rooms/endpoints_rooms.py",
        "app/modules/bookclub/cruds_bookclub.py:27:11: HYP042 `db.commit()` ends the request's transaction, which "
        "`get_db` owns; use `await db.flush()` to send pending changes, and `get_db` commits them at the end of the request",
    ),
    (0, "Wrote 45 entries to .hyperion-lint-baseline.json (45 added, 0 removed; 0 before).", ""),
    (0, "# HYP010 endpoint-missing-summary", ""),
    (0, "code    name                              default  fix", ""),
    (0, "What hyperion-lint reads from {sample}:", ""),
    (0, "bookclub (8 routes)", ""),
    (0, "", ""),
]


def test_the_readme_as_written(clone: Path) -> None:
    env = newcomer_env()
    try_it = sh_block_after("Try it on the sample")
    suite = sh_block_after("Run the whole test suite")
    assert len(try_it) == len(suite) == 1

    first = bash(try_it[0], clone, env)
    assert first.returncode == 1, first.stderr[-2000:]  # the sample has findings
    assert first_line(first.stdout).startswith("Obtaining file://")  # pip, installing the checkout
    report = first.stdout[first.stdout.index("fixtures/sample/") :].splitlines()
    assert report[0] == "fixtures/sample/app/core/rooms/endpoints_rooms.py"
    assert report[-1].startswith("Found 49 findings in ")

    second = bash(suite[0], clone, env, timeout=3600)
    assert second.returncode == 0, (second.stdout[-3000:], second.stderr[-2000:])
    assert first_line(second.stdout).startswith("=====") and "test session starts" in first_line(second.stdout)
    assert re.search(r"=+ \d+ passed", second.stdout.splitlines()[-1])

    usage = sh_block_after("## Using it")
    assert len(usage) == len(USAGE)
    # A copy: the usage block fixes files and writes a baseline, which the other test of
    # this file (sharing the clone) must not see.
    sample = clone.parent / "sample"
    shutil.copytree(clone / "fixtures" / "sample", sample)
    env["PATH"] = str(clone / ".venv" / "bin") + os.pathsep + env["PATH"]
    for command, (code, out, err) in zip(usage, USAGE):
        done = bash(command, sample, env, timeout=600)
        got = (done.returncode, first_line(done.stdout), first_line(done.stderr))
        assert got == (code, out.format(sample=sample), err), command


def test_the_git_url_install_form(clone: Path, tmp_path: Path) -> None:
    """`pip install "hyperion-lint @ git+<url>@<sha>"`, the README's form, with the URL of a
    local clone instead of GitHub's (the suite has no network beyond the package index)."""
    line = next(l for l in README.splitlines() if l.startswith('pip install "hyperion-lint @ git+https://'))
    url = re.search(r'"hyperion-lint @ (git\+https://\S+)@main"', line)
    assert url is not None and url.group(1) == "git+https://github.com/aeecleclair/hyperion-lint"
    sha = subprocess.run(["git", "-C", str(clone), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    local = line.replace(url.group(1), f"git+file://{clone}").replace("@main", f"@{sha}")
    local = local.split("#")[0].strip()
    env = newcomer_env()
    venv = tmp_path / "venv"
    setup = bash(f"python3 -m venv {venv} && {venv}/bin/python -m pip install -q --upgrade pip", tmp_path, env)
    assert setup.returncode == 0, setup.stderr[-2000:]
    env["PATH"] = str(venv / "bin") + os.pathsep + env["PATH"]
    installed = bash(local, tmp_path, env)
    assert installed.returncode == 0, installed.stderr[-2000:]
    version = bash("hyperion-lint -V", tmp_path, env)
    assert version.returncode == 0 and first_line(version.stdout).startswith("hyperion-lint, version ")
    checked = bash(f"hyperion-lint check --output-format concise {clone / 'fixtures' / 'sample'}", clone, env)
    assert checked.returncode == 1 and first_line(checked.stdout).startswith("fixtures/sample/app/core/rooms/endpoints_rooms.py:13:1: HYP005 ")
