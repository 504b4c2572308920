"""The real pre-commit, with this checkout as the hook repository, blocks a bad commit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

BAD = textwrap.dedent(
    '''
    from app.types.module import Module

    module = Module(root="demo", tag="Demo", factory=None)


    @module.router.get("/demo/items", summary="List items", response_model=list[int])
    async def read_items():
        """List items."""
        return []
    '''
).lstrip()
GOOD = BAD.replace('response_model=list[int])', 'response_model=list[int], status_code=200)')


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=check, capture_output=True, text=True
    )


def snapshot_of_this_checkout(target: Path) -> str:
    """A git repository holding this checkout's files as they are now (committed or not)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, check=True, capture_output=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "snapshot")
    return git(target, "rev-parse", "HEAD").stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_commit_hook_blocks_a_bad_endpoints_file(tmp_path: Path) -> None:
    hooks = tmp_path / "hook-repo"
    hooks.mkdir()
    rev = snapshot_of_this_checkout(hooks)

    project = tmp_path / "project"
    (project / "app/modules/demo").mkdir(parents=True)
    git(project, "init", "-q")
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hooks}\n  rev: {rev}\n  hooks:\n  - id: hyperion-lint\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    pre_commit = [sys.executable, "-m", "pre_commit"]
    subprocess.run([*pre_commit, "install"], cwd=project, env=env, check=True, capture_output=True)

    endpoints = project / "app/modules/demo/endpoints_demo.py"
    endpoints.write_text(BAD, encoding="utf-8")
    git(project, "add", "-A")
    commit = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-m", "bad"],
        cwd=project, env=env, capture_output=True, text=True,
    )
    output = (commit.stdout + commit.stderr).splitlines()
    assert commit.returncode != 0, output
    assert "hyperion-lint............................................................Failed" in output
    assert "app/modules/demo/endpoints_demo.py" in output
    assert any(line.startswith("  6:2  HYP012 [*] Route `read_items`") for line in output), output
    assert git(project, "rev-list", "--all", check=False).stdout == ""

    endpoints.write_text(GOOD, encoding="utf-8")
    git(project, "add", "-A")
    commit = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-m", "good"],
        cwd=project, env=env, capture_output=True, text=True,
    )
    assert commit.returncode == 0, commit.stdout + commit.stderr
