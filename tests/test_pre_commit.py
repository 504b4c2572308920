"""The real pre-commit, with this checkout as the hook repository: `hyperion-lint` blocks a bad
commit, `hyperion-lint-fix` fixes the file and stops the commit once."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
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
# The fixed decorator passes 88 columns: it is split as ruff format writes it.
GOOD = BAD.replace(
    '@module.router.get("/demo/items", summary="List items", response_model=list[int])',
    '@module.router.get(\n    "/demo/items",\n    summary="List items",\n    response_model=list[int],\n    status_code=200,\n)',
)


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


@dataclass(frozen=True)
class HookRepo:
    path: Path
    rev: str
    env: dict[str, str]  # PRE_COMMIT_HOME shared by the tests: the hook is installed once


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    base = tmp_path_factory.mktemp("pre-commit")
    hooks = base / "hook-repo"
    hooks.mkdir()
    rev = snapshot_of_this_checkout(hooks)
    return HookRepo(hooks, rev, {**os.environ, "PRE_COMMIT_HOME": str(base / "cache")})


def project_with_hook(tmp_path: Path, hooks: HookRepo, hook_id: str) -> Path:
    project = tmp_path / "project"
    (project / "app/modules/demo").mkdir(parents=True)
    git(project, "init", "-q")
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hooks.path}\n  rev: {hooks.rev}\n  hooks:\n  - id: {hook_id}\n",
        encoding="utf-8",
    )
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"],
        cwd=project, env=hooks.env, check=True, capture_output=True,
    )
    return project


def commit(project: Path, hooks: HookRepo, message: str) -> subprocess.CompletedProcess[str]:
    git(project, "add", "-A")
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-m", message],
        cwd=project, env=hooks.env, capture_output=True, text=True,
    )


def test_commit_hook_blocks_a_bad_endpoints_file(tmp_path: Path, hook_repo: HookRepo) -> None:
    project = project_with_hook(tmp_path, hook_repo, "hyperion-lint")
    endpoints = project / "app/modules/demo/endpoints_demo.py"
    endpoints.write_text(BAD, encoding="utf-8")
    done = commit(project, hook_repo, "bad")
    output = (done.stdout + done.stderr).splitlines()
    assert done.returncode != 0, output
    assert "hyperion-lint............................................................Failed" in output
    assert "app/modules/demo/endpoints_demo.py" in output
    assert any(line.startswith("  6:2  HYP012 [*] Route `read_items`") for line in output), output
    assert git(project, "rev-list", "--all", check=False).stdout == ""
    assert endpoints.read_text(encoding="utf-8") == BAD  # the check hook never writes
    # The report ends with the commands that fix it, the hook's own executable included
    # (the contributor may have no hyperion-lint on PATH).
    hint = next((line for line in output if line.startswith("Apply the ")), "\n".join(output))
    prefix = "Apply the 1 fix marked [*] with `pre-commit run hyperion-lint-fix --files app/modules/demo/endpoints_demo.py` (with that hook in .pre-commit-config.yaml), or `"
    assert hint.startswith(prefix) and hint.endswith(" check --fix app/modules/demo/endpoints_demo.py`."), hint
    command = hint[len(prefix) : -len("`.")]
    subprocess.run(shlex.split(command), cwd=project, env=hook_repo.env, check=True, capture_output=True)
    assert endpoints.read_text(encoding="utf-8") == GOOD, "the command it gives fixes the file"

    done = commit(project, hook_repo, "good")
    assert done.returncode == 0, done.stdout + done.stderr


def test_fix_hook_fixes_the_file_and_fails_the_commit_once(tmp_path: Path, hook_repo: HookRepo) -> None:
    project = project_with_hook(tmp_path, hook_repo, "hyperion-lint-fix")
    endpoints = project / "app/modules/demo/endpoints_demo.py"
    endpoints.write_text(BAD, encoding="utf-8")
    done = commit(project, hook_repo, "fixable")
    output = (done.stdout + done.stderr).splitlines()
    # Nothing remains after the fix, but the hook changed a file: the commit stops so
    # that the author sees and stages the fix.
    assert done.returncode != 0, output
    assert "hyperion-lint-fix........................................................Failed" in output
    assert "- files were modified by this hook" in output
    assert "Fixed 1 finding in 1 file. Nothing remains." in output
    assert endpoints.read_text(encoding="utf-8") == GOOD
    assert git(project, "rev-list", "--all", check=False).stdout == ""

    done = commit(project, hook_repo, "fixed")
    output = (done.stdout + done.stderr).splitlines()
    assert done.returncode == 0, output
    assert "hyperion-lint-fix........................................................Passed" in output
    assert git(project, "show", "HEAD:app/modules/demo/endpoints_demo.py").stdout == GOOD


ROUTE = textwrap.dedent(
    '''
    from fastapi import Depends

    from app.dependencies import is_user
    from app.types.module import Module

    module = Module(root="demo", tag="Demo", factory=None)


    @module.router.get("/demo/items", summary="List items", response_model=list[int], status_code=200)
    async def read_items(user=Depends(is_user())):
        """List items."""
        return []
    '''
).lstrip()


def test_routes_hook_blocks_a_commit_that_makes_a_route_public(tmp_path: Path, hook_repo: HookRepo) -> None:
    project = project_with_hook(tmp_path, hook_repo, "hyperion-lint-routes")
    endpoints = project / "app/modules/demo/endpoints_demo.py"
    endpoints.write_text(ROUTE, encoding="utf-8")
    written = subprocess.run(
        [sys.executable, "-m", "lint_rules", "routes", "--no-cache", "--snapshot", "routes-access.json"],
        cwd=project, capture_output=True, text=True, check=True,
    )
    assert written.stdout == "Wrote who may call the 1 route to routes-access.json.\n"
    done = commit(project, hook_repo, "an authenticated route")
    output = (done.stdout + done.stderr).splitlines()
    assert done.returncode == 0, output
    assert "hyperion-lint routes.....................................................Passed" in output

    endpoints.write_text(ROUTE.replace("async def read_items(user=Depends(is_user())):", "async def read_items():"), encoding="utf-8")
    done = commit(project, hook_repo, "the route made public")
    output = (done.stdout + done.stderr).splitlines()
    assert done.returncode != 0, output
    assert "hyperion-lint routes.....................................................Failed" in output
    assert "GET /demo/items: authenticated -> public" in output
    assert git(project, "rev-list", "--count", "HEAD").stdout.strip() == "1"

    # Reviewed: the snapshot records it, and the commit goes through with it.
    subprocess.run(
        [sys.executable, "-m", "lint_rules", "routes", "--no-cache", "--snapshot", "routes-access.json"],
        cwd=project, capture_output=True, check=True,
    )
    done = commit(project, hook_repo, "the route made public, reviewed")
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"GET /demo/items": "public"' in git(project, "show", "HEAD:routes-access.json").stdout
