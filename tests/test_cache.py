"""The cache and parallel runs: same findings as a cold serial run, always."""

from __future__ import annotations

import json
import marshal
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lint_rules.cli import main
from lint_rules.engine import workers
from lint_rules.engine.cache import Cache, Entry, fingerprint
from lint_rules.engine.codec import decode, decode_findings, encode, encode_findings
from lint_rules.engine.linter import analyze, finish, lint_source
from lint_rules.engine.registry import all_rules
from lint_rules.knowledge.facts import ProjectIndex

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "fixtures" / "sample"
CACHE = ".hyperion_lint_cache"
BOOKCLUB = "app/modules/bookclub/endpoints_bookclub.py"
RAFFLE = "app/modules/raffle/endpoints_raffle.py"


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE, copy, ignore=shutil.ignore_patterns(CACHE, "__pycache__"))
    monkeypatch.chdir(copy)
    return copy


def check(*args: str) -> tuple[int, list[dict], str]:
    jobs = () if "--jobs" in args else ("--jobs", "1")
    result = CliRunner().invoke(main, ["check", "--output-format", "json", *jobs, *args])
    assert result.exit_code in (0, 1, 2), (result.output, result.exception)
    return result.exit_code, json.loads(result.stdout), result.stderr


def entries(root: Path) -> list[Path]:
    return [p for p in (root / CACHE).glob("*/*") if is_entry(p)]


def is_entry(path: Path) -> bool:
    """A file's entry (not the catalogue, a project's manifest or a temporary file)."""
    return path.name != "catalog" and not path.name.startswith((".", "manifest-"))


@pytest.fixture
def analyses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The project-relative paths of the files analysed (parsed) from now on."""
    seen: list[str] = []
    real = workers.analyze_item

    def counting(item: workers.Item):
        seen.append(item[0])
        return real(item)

    monkeypatch.setattr(workers, "analyze_item", counting)
    return seen


def test_a_warm_run_gives_what_a_cold_run_gives(sample: Path, analyses: list[str]) -> None:
    cold = check("--no-cache")
    assert not (sample / CACHE).exists(), "--no-cache must write nothing"
    analyses.clear()
    first = check()
    assert len(analyses) == 25, "a first run analyses every file of the project once"
    analyses.clear()
    warm = check()
    assert analyses == [], "nothing changed: nothing is analysed again"
    assert cold == first == warm
    assert len(cold[1]) == 49


def test_the_cache_folder_tells_git_and_backups_to_leave_it_alone(sample: Path) -> None:
    check()
    assert (sample / CACHE / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert (sample / CACHE / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith(
        "Signature: 8a477f597d28d172789f06886806bc55"
    )
    assert [p.name for p in (sample / CACHE).iterdir() if p.is_dir()] == [fingerprint()]


def test_entries_of_an_older_version_are_removed(sample: Path) -> None:
    old = sample / CACHE / "0123456789abcdef0123"
    old.mkdir(parents=True)
    (old / "entry").write_bytes(b"old")
    unrelated = sample / CACHE / "notes"
    unrelated.mkdir()
    check()
    assert not old.exists()
    assert unrelated.exists(), "only folders named like a fingerprint are removed"


def test_a_changed_file_is_analysed_again_and_the_project_follows(sample: Path, analyses: list[str]) -> None:
    """The raffle module's route duplicates one of bookclub's (HYP034, in both files).
    Renaming bookclub's route changes the facts of the project: raffle's finding goes,
    though raffle's own file did not change, and only bookclub's file is parsed again."""
    _, before, _ = check()
    assert [f["location"]["row"] for f in before if f["code"] == "HYP034" and f["filename"].endswith(RAFFLE)] == [99]
    endpoints = sample / BOOKCLUB
    endpoints.write_text(endpoints.read_text(encoding="utf-8").replace('"/bookclub/health"', '"/bookclub/alive"'), encoding="utf-8")
    analyses.clear()
    _, after, _ = check()
    assert analyses == [BOOKCLUB]
    assert not [f for f in after if f["code"] == "HYP034"]
    assert after == check("--no-cache")[1]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files read from now on (as the runner reads them: project-relative POSIX paths)."""
    from lint_rules.engine import runner

    seen: list[str] = []
    real = runner.read

    def counting(path: Path, display: str):
        seen.append(Path(os.path.relpath(path)).as_posix())
        return real(path, display)

    monkeypatch.setattr(runner, "read", counting)
    return seen


def test_the_manifest_spares_reading_the_unchanged_files_of_the_project(sample: Path, reads: list[str]) -> None:
    """Linting one file after a run over the tree: the other files' facts come from the
    project's manifest, without reading them or their entries."""
    check()
    assert len(reads) == 25
    reads.clear()
    _, found, _ = check(RAFFLE)
    assert reads == [RAFFLE]
    assert found == check("--no-cache", RAFFLE)[1]
    assert [f["location"]["row"] for f in found if f["code"] == "HYP034"] == [99]


def test_a_file_changed_since_the_manifest_is_read_again(sample: Path, reads: list[str]) -> None:
    """Bookclub's route is renamed after the manifest was written: its ``stat`` differs, so
    it is read (and analysed) again, and raffle's HYP034 goes."""
    check()
    endpoints = sample / BOOKCLUB
    endpoints.write_text(endpoints.read_text(encoding="utf-8").replace('"/bookclub/health"', '"/bookclub/alive"'), encoding="utf-8")
    reads.clear()
    _, found, _ = check(RAFFLE)
    assert sorted(reads) == [BOOKCLUB, RAFFLE]
    assert not [f for f in found if f["code"] == "HYP034"]
    assert found == check("--no-cache", RAFFLE)[1]


def test_a_file_changed_just_before_it_was_read_is_not_trusted_to_the_manifest(sample: Path, reads: list[str]) -> None:
    """A file modified within the timestamp's resolution of being read could change again
    unseen: it stays out of the manifest, and is read on the next run."""
    endpoints = sample / BOOKCLUB
    endpoints.write_text(endpoints.read_text(encoding="utf-8") + "# just now\n", encoding="utf-8")
    check()
    reads.clear()
    check(RAFFLE)
    assert sorted(reads) == [BOOKCLUB, RAFFLE]


def test_a_change_that_keeps_the_facts_reuses_every_other_result(sample: Path, analyses: list[str]) -> None:
    check()
    endpoints = sample / BOOKCLUB
    endpoints.write_text(endpoints.read_text(encoding="utf-8") + "# a comment at the end\n", encoding="utf-8")
    analyses.clear()
    _, after, _ = check()
    assert analyses == [BOOKCLUB]
    assert after == check("--no-cache")[1]


def test_the_configuration_is_part_of_the_key(sample: Path) -> None:
    _, all_findings, _ = check()
    _, only_summary, _ = check("--select", "HYP010")
    assert {f["code"] for f in only_summary} == {"HYP010"}
    assert only_summary == [f for f in all_findings if f["code"] == "HYP010"]
    pyproject = sample / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace('db-dependencies = ["get_db"]', 'db-dependencies = ["get_session"]'),
        encoding="utf-8",
    )
    assert check("--select", "HYP020") == check("--select", "HYP020", "--no-cache")
    assert check("--select", "HYP020")[1] != [f for f in all_findings if f["code"] == "HYP020"]


def test_per_file_ignores_are_part_of_the_key(sample: Path) -> None:
    check()
    pyproject = sample / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace('["HYP032"]', '["HYP032", "HYP010"]'), encoding="utf-8")
    _, after, _ = check()
    assert not [f for f in after if f["code"] == "HYP010" and "/cinema/" in f["filename"]]
    assert after == check("--no-cache")[1]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "wrong-shape"])
def test_a_damaged_cache_is_ignored_and_rebuilt(sample: Path, damage: str, analyses: list[str]) -> None:
    expected = check()
    for entry in [*entries(sample), *(sample / CACHE).glob("*/catalog")]:
        data = entry.read_bytes()
        entry.write_bytes(
            {
                "garbage": os.urandom(64),
                "truncated": data[: len(data) // 2],
                "empty": b"",
                "wrong-shape": marshal.dumps((1, ("not", "facts"), {"x": ("bad",) * 6})),
            }[damage]
        )
    analyses.clear()
    assert check() == expected
    assert analyses, "the damaged entries were analysed again"
    analyses.clear()
    assert check() == expected
    assert analyses == [], "and written back whole"


def test_an_unwritable_cache_is_a_warning_not_an_error(sample: Path) -> None:
    blocker = sample / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    code, findings, stderr = check("--cache-dir", str(blocker / "cache"))
    assert (code, findings) == check("--no-cache")[:2]
    assert stderr.splitlines() == [
        f"hyperion-lint: warning: cannot write the cache in {blocker / 'cache'}: Not a directory; "
        "the next run will analyse every file again"
    ]


def test_cache_dir_puts_the_cache_elsewhere(sample: Path, tmp_path: Path) -> None:
    check("--cache-dir", str(tmp_path / "elsewhere"))
    assert not (sample / CACHE).exists()
    assert len([p for p in (tmp_path / "elsewhere").glob("*/*") if is_entry(p)]) == 25


def test_concurrent_runs_share_the_cache_safely(sample: Path) -> None:
    expected = check("--no-cache")[1]
    command = [sys.executable, "-m", "lint_rules", "check", "--output-format", "json", "--jobs", "1", "."]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 1, err
        assert json.loads(out) == expected
    assert check()[1] == expected
    assert not [p for p in (sample / CACHE).rglob("*.tmp")], "no temporary file is left behind"


def test_a_warm_run_does_not_import_libcst(sample: Path) -> None:
    """Importing LibCST costs about 0.2 s; a run the cache serves whole must not pay it."""
    script = (
        "import sys\n"
        "from lint_rules.cli import main\n"
        "try:\n"
        "    main(['check', '--output-format', 'concise', '.'])\n"
        "except SystemExit as exit:\n"
        "    print('exit', exit.code, 'libcst' in sys.modules, file=sys.stderr)\n"
    )
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300) for _ in range(2)]
    assert runs[0].stderr.splitlines()[-1] == "exit 1 True", "the first run parses, with LibCST"
    assert runs[1].stderr.splitlines()[-1] == "exit 1 False"
    assert runs[0].stdout == runs[1].stdout
    # With a baseline file, which hides every finding: still no LibCST.
    assert CliRunner().invoke(main, ["baseline", "."]).exit_code == 0
    hidden = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert hidden.stderr.splitlines()[-1] == "exit 0 False"


# -- parallel runs -----------------------------------------------------------------------


@pytest.fixture
def always_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "MIN_PARALLEL_BYTES", 0)


def test_parallel_output_is_identical_to_serial(sample: Path, always_parallel: None) -> None:
    for output_format in ("json", "concise", "sarif"):
        serial = CliRunner().invoke(main, ["check", "--no-cache", "--jobs", "1", "--output-format", output_format])
        parallel = CliRunner().invoke(main, ["check", "--no-cache", "--jobs", "3", "--output-format", output_format])
        assert parallel.exit_code == serial.exit_code == 1
        assert parallel.stdout == serial.stdout


_REAL_REMOTE = workers._remote


def _crash_on_raffle(item: workers.Item):
    if item[0] == RAFFLE:
        os._exit(70)  # as a segfault in LibCST's parser would
    return _REAL_REMOTE(item)


def test_a_worker_that_crashes_costs_only_its_file(sample: Path, always_parallel: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "_remote", _crash_on_raffle)
    code, findings, _ = check("--jobs", "2")
    assert code == 2
    raffle = [f for f in findings if f["filename"].endswith(RAFFLE)]
    assert [(f["code"], f["message"]) for f in raffle] == [("HYP999", workers.crashed(RAFFLE).message)]
    others = [f for f in findings if not f["filename"].endswith(RAFFLE)]
    expected = [f for f in check("--no-cache")[1] if not f["filename"].endswith(RAFFLE)]
    # Raffle's facts are missing from the index, so only project-wide findings may differ.
    local = lambda fs: [f for f in fs if not all_rules()[f["code"]].needs_project]  # noqa: E731
    assert local(others) == local(expected)
    assert len(local(others)) > 10
    # A crash may come from outside (a process killed for memory): it is not cached.
    monkeypatch.setattr(workers, "_remote", _REAL_REMOTE)
    assert check("--jobs", "2")[1] == check("--no-cache")[1]


# -- what an entry holds -----------------------------------------------------------------


def test_facts_and_findings_survive_the_codec(sample: Path) -> None:
    rules = [(rule, {}) for rule in all_rules().values() if not rule.judges_suppressions]
    for path in sorted((sample / "app").rglob("*.py")):
        relative = path.relative_to(sample).as_posix()
        analysis = analyze(relative, path.read_text(encoding="utf-8"), rules, extract=True)
        assert analysis.facts is not None
        assert decode(marshal.loads(marshal.dumps(encode(analysis.facts)))) == analysis.facts
        assert decode_findings(marshal.loads(marshal.dumps(encode_findings(analysis.findings)))) == analysis.findings


def _cases():
    for code, rule in all_rules().items():
        if rule.needs_project:
            for i, case in enumerate([*rule.VALID, *rule.INVALID]):
                yield pytest.param(rule, case, id=f"{code}-{i}")


@pytest.mark.parametrize(("rule", "case"), list(_cases()))
def test_project_rules_keep_plain_state(rule, case) -> None:
    """A project rule's ``check`` runs on a fresh instance given back what its visitors
    left; that state is cached, so it must be plain data that marshal can write."""
    from test_rule_cases import project_of

    path = case.path or rule.default_path()
    rules = [(rule, case.options), *[(all_rules()[c], {}) for c in case.with_rules]]
    project = project_of(dict(case.files))
    analysis = analyze(path, case.code, rules, extract=True)
    restored = marshal.loads(marshal.dumps(analysis.states))
    assert restored == analysis.states
    analysis.states = restored
    assert analysis.facts is not None
    again = finish(analysis, project.with_file(analysis.facts))
    assert again.findings == lint_source(path, case.code, rules, project).findings


def test_an_entry_is_read_back_as_written(tmp_path: Path) -> None:
    cache = Cache(tmp_path, b"k" * 32)
    entry = Entry(facts=(["FileFacts"], "digest"), analyses={"config": ((), (), {}, None, True, None)})
    cache.put("key", entry)
    again = cache.get("key")
    assert (again.facts, again.analyses) == (entry.facts, entry.analyses)
    assert cache.get("missing") == Entry()


def test_an_index_given_the_same_facts_is_the_same_index(sample: Path) -> None:
    """Fixing a file re-lints it many times; while its facts stay, the index and the
    tables derived from it are not built again."""
    source = (sample / BOOKCLUB).read_text(encoding="utf-8")
    facts = analyze(BOOKCLUB, source, [], extract=True).facts
    assert facts is not None
    index = ProjectIndex({BOOKCLUB: facts})
    assert index.with_file(analyze(BOOKCLUB, source, [], extract=True).facts) is index
    changed = analyze(BOOKCLUB, source.replace("/bookclub/health", "/bookclub/alive"), [], extract=True).facts
    assert index.with_file(changed) is not index


def test_baseline_uses_the_cache_check_filled(sample: Path, analyses: list[str]) -> None:
    """`baseline` is no slower than `check` in the same state: same cache, same workers."""
    check()
    analyses.clear()
    result = CliRunner().invoke(main, ["baseline", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert analyses == [], "the cache served every file"
    assert not CliRunner().invoke(main, ["baseline", "--no-cache", "--jobs", "1"]).exit_code
    assert len(analyses) == 25, "--no-cache analyses every file again"
