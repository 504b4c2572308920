"""A cache written by someone else never decides what is reported.

The cache folder sits in the project, where a pull request can put any file. Entries are
authenticated with an HMAC under a key kept in the user's cache directory; a folder that
git tracks is not used at all.
"""

from __future__ import annotations

import json
import marshal
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lint_rules.cli import main
from lint_rules.engine import cache as cache_module
from lint_rules.engine.cache import MAC_SIZE, Cache, Entry, fingerprint
from lint_rules.engine.cache_key import KEY_SIZE, load_key
from lint_rules.engine.codec import encode_findings

CACHE = ".hyperion_lint_cache"
CRUDS = "app/modules/x/cruds_x.py"
CRUDS_SOURCE = """\
from sqlalchemy.ext.asyncio import AsyncSession


async def create_thing(db: AsyncSession) -> None:
    await db.commit()
"""
TRACKED = (
    "hyperion-lint: warning: git tracks the cache folder {path}, so what it holds came with a commit "
    "and is not trusted; running without the cache (untrack it with `git rm -r --cached {path}`)"
)


def crud_project(folder: Path) -> Path:
    """A project whose one crud commits: one HYP042 (line 5, column 11)."""
    (folder / "app/modules/x").mkdir(parents=True)
    (folder / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    (folder / CRUDS).write_text(CRUDS_SOURCE, encoding="utf-8")
    return folder


def run(cwd: Path, user_cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``hyperion-lint check`` as a separate user (their own cache directory) would run it."""
    env = {**os.environ, "XDG_CACHE_HOME": str(user_cache)}
    command = [sys.executable, "-m", "lint_rules", "check", "--output-format", "concise", "--jobs", "1", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main", *args],
        cwd=cwd, check=True, capture_output=True,
    )


def forge(cache_folder: Path, key: bytes, sign_with: bytes | None = None) -> int:
    """What an attacker does on their own machine: rewrite every entry so that its results
    hold no finding, and sign it with their own key. Returns how many results were emptied."""
    cache = Cache(cache_folder, key)
    signer = Cache(cache_folder, sign_with or key)
    emptied = 0
    for path in cache.folder.iterdir():
        if path.name == "catalog" or path.name.startswith("."):
            continue
        entry = cache.get(path.name)
        for config, (blob, (against, findings, _)) in list(entry.analyses.items()):
            _, errored, states, scopes, parsed = marshal.loads(blob)
            empty = marshal.dumps((encode_findings([]), errored, states, scopes, parsed))
            entry.analyses[config] = (empty, (against, encode_findings([]), 0))
            emptied += bool(findings)
        signer.put(path.name, entry)
    return emptied


@pytest.fixture
def attacked(tmp_path: Path) -> tuple[Path, Path]:
    """The four steps of the attack: a violation, a cache filled and then edited to hide
    it, committed with ``git add -f``. Returns (the attacker's project, their user cache)."""
    project = crud_project(tmp_path / "fork")
    attacker = tmp_path / "attacker-cache"
    first = run(project, attacker, ".")
    assert first.returncode == 1 and "HYP042" in first.stdout, first.stderr
    assert forge(project / CACHE, load_key(attacker / "hyperion-lint" / "key")) == 1
    # On the attacker's own machine the crafted entry is served: the test below would see
    # the violation hidden if the cache trusted what it finds in the project.
    hidden = run(project, attacker, ".")
    assert (hidden.returncode, hidden.stdout.strip()) == (0, "All checks passed! (1 file checked)"), hidden.stderr
    git(project, "init", "-q")
    git(project, "add", "-f", ".")
    git(project, "commit", "-q", "-m", "add a crud")
    return project, attacker


def test_a_committed_cache_does_not_make_ci_pass(attacked: tuple[Path, Path], tmp_path: Path) -> None:
    project, _ = attacked
    clone = tmp_path / "ci"
    git(tmp_path, "clone", "-q", str(project), str(clone))
    assert (clone / CACHE / fingerprint()).is_dir(), "the crafted cache came with the clone"
    result = run(clone, tmp_path / "ci-cache", ".")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith(f"{CRUDS}:5:11: HYP042 ")
    assert result.stderr.splitlines() == [TRACKED.format(path=clone / CACHE)]
    assert result.stdout == run(clone, tmp_path / "ci-cache", "--no-cache", ".").stdout


def test_a_committed_cache_is_not_trusted_even_with_the_committers_key(attacked: tuple[Path, Path], tmp_path: Path) -> None:
    """Git tracking alone is enough: the folder is not used, whoever's key signed it."""
    project, attacker = attacked
    clone = tmp_path / "ci"
    git(tmp_path, "clone", "-q", str(project), str(clone))
    result = run(clone, attacker, ".")
    assert result.returncode == 1 and f"{CRUDS}:5:11: HYP042 " in result.stdout
    assert result.stderr.splitlines() == [TRACKED.format(path=clone / CACHE)]


def test_entries_signed_with_another_key_are_ignored_and_rebuilt(attacked: tuple[Path, Path], tmp_path: Path) -> None:
    """The same crafted folder, copied in without git (a CI cache restored from elsewhere)."""
    project, _ = attacked
    subprocess.run(["rm", "-rf", str(project / ".git")], check=True)
    honest = tmp_path / "honest-cache"
    cold = run(project, honest, "--no-cache", ".")
    first = run(project, honest, ".")
    assert (first.returncode, first.stdout, first.stderr) == (1, cold.stdout, "")
    assert f"{CRUDS}:5:11: HYP042 " in first.stdout
    # Rebuilt under the honest key: a second run is served by the cache, same output.
    key = load_key(honest / "hyperion-lint" / "key")
    entries = [p for p in (project / CACHE / fingerprint()).iterdir() if not p.name.startswith(".")]
    assert entries and all(Cache(project / CACHE, key).read_blob(p.name) is not None for p in entries)
    assert run(project, honest, ".").stdout == cold.stdout


def test_a_key_inside_the_project_that_git_tracks_is_not_trusted(tmp_path: Path) -> None:
    project = crud_project(tmp_path / "project")
    user_cache = project / ".cache"  # as a GitLab job that keeps XDG_CACHE_HOME in the project
    assert run(project, user_cache, ".").returncode == 1
    git(project, "init", "-q")
    git(project, "add", "-f", ".cache", "pyproject.toml", "app")
    git(project, "commit", "-q", "-m", "x")
    result = run(project, user_cache, ".")
    key = user_cache / "hyperion-lint" / "key"
    assert result.returncode == 1 and "HYP042" in result.stdout
    assert result.stderr.splitlines() == [
        f"hyperion-lint: warning: git tracks the cache key {key}, so what it holds came with a commit "
        f"and is not trusted; running without the cache (untrack it with `git rm -r --cached {key}`)"
    ]


# -- the key -----------------------------------------------------------------------------


def test_the_key_is_created_once_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "user" / "hyperion-lint" / "key"
    key = load_key(path)
    assert len(key) == KEY_SIZE and path.read_bytes() == key
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
    assert load_key(path) == key
    assert [p.name for p in path.parent.iterdir()] == ["key"], "no temporary file is left"


@pytest.mark.parametrize("content", [b"", b"short", b"x" * (KEY_SIZE + 1)])
def test_a_damaged_key_is_replaced(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "key"
    path.write_bytes(content)
    key = load_key(path)
    assert len(key) == KEY_SIZE and path.read_bytes() == key != content


def test_runs_that_create_the_key_at_once_agree_on_it(tmp_path: Path) -> None:
    project = crud_project(tmp_path / "project")
    user_cache = tmp_path / "user"
    env = {**os.environ, "XDG_CACHE_HOME": str(user_cache)}
    command = [sys.executable, "-m", "lint_rules", "check", "--output-format", "json", "--jobs", "1", "."]
    runs = [subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [1] * 4
    assert len({out for out, _ in outputs}) == 1 and all(err == b"" for _, err in outputs)
    assert [p.name for p in (user_cache / "hyperion-lint").iterdir()] == ["key"]
    key = load_key(user_cache / "hyperion-lint" / "key")
    entries = [p for p in (project / CACHE / fingerprint()).iterdir() if not p.name.startswith(".")]
    assert entries and all(Cache(project / CACHE, key).read_blob(p.name) is not None for p in entries)


def test_without_a_key_the_run_goes_on_without_the_cache(tmp_path: Path) -> None:
    project = crud_project(tmp_path / "project")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the user's cache directory should be", encoding="utf-8")
    result = run(project, blocker, ".")
    assert (result.returncode, result.stdout) == (1, run(project, tmp_path / "other", "--no-cache", ".").stdout)
    assert "HYP042" in result.stdout
    assert result.stderr.splitlines() == [
        f"hyperion-lint: warning: cannot create the cache key {blocker / 'hyperion-lint' / 'key'}: "
        "Not a directory; running without the cache"
    ]
    assert not (project / CACHE).exists(), "nothing is written without a key"


# -- what is read ------------------------------------------------------------------------


def _write_signed(tmp_path: Path) -> tuple[Cache, Path]:
    cache = Cache(tmp_path, b"k" * KEY_SIZE)
    cache.put("entry", Entry(facts=(None, ""), analyses={}))
    cache.put_catalog((("HYP000",),))
    return cache, cache.folder / "entry"


@pytest.mark.parametrize(
    "tamper",
    ["flip-payload", "flip-mac", "truncated", "mac-only", "random", "unsigned-marshal", "other-key", "moved"],
)
def test_unverified_bytes_never_reach_marshal(tmp_path: Path, tamper: str, monkeypatch: pytest.MonkeyPatch) -> None:
    cache, path = _write_signed(tmp_path)
    data = path.read_bytes()
    other = Cache(tmp_path / "other", b"o" * KEY_SIZE)
    other.put("entry", Entry(facts=(None, ""), analyses={}))
    forged = {
        "flip-payload": data[:-1] + bytes([data[-1] ^ 1]),
        "flip-mac": bytes([data[0] ^ 1]) + data[1:],
        "truncated": data[: len(data) // 2],
        "mac-only": data[:MAC_SIZE],
        "random": os.urandom(len(data)),
        "unsigned-marshal": marshal.dumps((cache_module.FORMAT, (None, ""), {})),
        "other-key": (other.folder / "entry").read_bytes(),
        "moved": data,
    }[tamper]
    name = "another-entry" if tamper == "moved" else "entry"
    (cache.folder / name).write_bytes(forged)
    (cache.folder / "catalog").write_bytes(forged)
    calls: list[bytes] = []
    monkeypatch.setattr(cache_module.marshal, "loads", lambda b: calls.append(b))
    assert cache.get(name) == Entry()
    assert cache.catalog() is None
    assert calls == []


def test_a_signed_entry_is_read_back(tmp_path: Path) -> None:
    cache, _ = _write_signed(tmp_path)
    assert cache.get("entry").facts == (None, "")
    assert cache.catalog() == (("HYP000",),)
    assert Cache(tmp_path, b"o" * KEY_SIZE).get("entry") == Entry(), "another key reads nothing"


def test_the_cli_never_trusts_a_cache_of_another_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process: every entry re-signed with another key is as good as no cache."""
    project = crud_project(tmp_path / "project")
    monkeypatch.chdir(project)
    invoke = lambda *a: CliRunner().invoke(main, ["check", "--output-format", "json", "--jobs", "1", *a])  # noqa: E731
    expected = invoke("--no-cache")
    assert invoke().stdout == expected.stdout
    assert forge(project / CACHE, load_key(), sign_with=b"a" * KEY_SIZE) == 1
    again = invoke()
    assert (again.exit_code, again.stdout) == (1, expected.stdout)
    assert [f["code"] for f in json.loads(again.stdout)] == ["HYP042"]


# -- which folders git tracks --------------------------------------------------------------


@pytest.mark.parametrize(
    "layout",
    ["index-2", "index-3", "index-4", "split-index", "sparse-index", "worktree", "no-commit"],
)
@pytest.mark.parametrize("committed", [True, False])
def test_tracked_by_git_agrees_with_git(tmp_path: Path, layout: str, committed: bool) -> None:
    """The index is read without running git where it can be (a warm run saves 3 ms),
    and git answers every other case; both give what ``git ls-files`` says."""
    from lint_rules.engine.cache_key import tracked_by_git

    repo = tmp_path / "repo"
    (repo / "sub" / CACHE).mkdir(parents=True)
    (repo / "sub" / "other.py").write_text("x = 1\n", encoding="utf-8")
    (repo / "sub" / f"{CACHE}-not").mkdir()
    (repo / "sub" / f"{CACHE}-not" / "f").write_text("", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "sub/other.py", f"sub/{CACHE}-not/f")
    if committed:
        (repo / "sub" / CACHE / "entry").write_bytes(b"x")
        git(repo, "add", "-f", f"sub/{CACHE}/entry")
    if layout in ("index-2", "index-3", "index-4"):
        git(repo, "update-index", "--index-version", layout[-1])
    if layout == "index-3" and committed:
        git(repo, "update-index", "--skip-worktree", f"sub/{CACHE}/entry")  # an extended flag
    if layout == "split-index":
        git(repo, "update-index", "--split-index")
    if layout != "no-commit":
        git(repo, "commit", "-q", "-m", "x", "--allow-empty")
    folder = repo / "sub" / CACHE
    if layout == "sparse-index":
        git(repo, "sparse-checkout", "init", "--cone", "--sparse-index")
        git(repo, "sparse-checkout", "set", "sub")
        folder.mkdir(exist_ok=True)
    if layout == "worktree":
        git(repo, "worktree", "add", "-q", str(tmp_path / "wt"))
        folder = tmp_path / "wt" / "sub" / CACHE
        folder.mkdir(exist_ok=True)
    listed = subprocess.run(["git", "ls-files", "--", "."], cwd=folder, capture_output=True, check=True).stdout
    assert bool(listed) == committed, "the set-up is what the test says"
    assert tracked_by_git(folder) is committed
    assert tracked_by_git(repo / "sub" / f"{CACHE}-not") is True
    assert tracked_by_git(tmp_path) is False, "outside any repository"


def test_a_warm_run_does_not_run_git_when_the_index_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lint_rules.engine import cache_key

    repo = crud_project(tmp_path / "repo")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "x")
    (repo / CACHE).mkdir()
    import subprocess as real

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("git was run")

    monkeypatch.setattr(real, "run", refuse)
    assert cache_key.tracked_by_git(repo / CACHE) is False
    monkeypatch.setenv("GIT_DIR", str(repo / ".git"))
    with pytest.raises(AssertionError, match="git was run"):
        cache_key.tracked_by_git(repo / CACHE)
