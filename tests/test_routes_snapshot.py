"""`hyperion-lint routes --snapshot` and `--check`: the access snapshot, on fixtures/routes
(see tests/test_routes.py), after each kind of change, with exact output and exit codes;
and the README's examples, which must be real output."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lint_rules.cli import main

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "fixtures" / "routes"
GOLDEN = REPO / "tests" / "golden" / "routes"
UPDATE = bool(os.environ.get("HYPERION_LINT_UPDATE_GOLDENS"))
SNAPSHOT = "routes-access.json"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "routes"
    shutil.copytree(FIXTURE, copy, ignore=shutil.ignore_patterns(".hyperion_lint_cache", "__pycache__"))
    monkeypatch.chdir(copy)
    return copy


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.exists(), f"no golden file {path}; run with HYPERION_LINT_UPDATE_GOLDENS=1"
    assert text == path.read_text(encoding="utf-8")


# -- the snapshot ----------------------------------------------------------------------------


def snapshot(project: Path) -> None:
    assert invoke("routes", "--no-cache", "--snapshot", SNAPSHOT) == (
        0,
        f"Wrote who may call the 17 routes to {SNAPSHOT}.\n",
        "",
    )


def check() -> tuple[int, str, str]:
    return invoke("routes", "--no-cache", "--check", SNAPSHOT)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_snapshot_file(project: Path) -> None:
    snapshot(project)
    golden("snapshot.json", (project / SNAPSHOT).read_text(encoding="utf-8"))


def test_check_unchanged(project: Path) -> None:
    snapshot(project)
    assert check() == (0, f"Who may call the 17 routes is what {SNAPSHOT} records.\n", "")


def test_check_a_route_added(project: Path) -> None:
    snapshot(project)
    endpoints = project / "app/modules/lostfound/endpoints_lostfound.py"
    endpoints.write_text(
        endpoints.read_text(encoding="utf-8")
        + '\n\n@module.router.get("/lostfound/items/{item_id}", status_code=200)\n'
        + "async def read_item(item_id: str):\n    return None\n",
        encoding="utf-8",
    )
    assert check() == (
        1,
        "GET /lostfound/items/{item_id}: new route, public\n",
        f"hyperion-lint: 1 route changed since {SNAPSHOT}; once reviewed, record it with "
        f"`hyperion-lint routes --snapshot {SNAPSHOT}`\n",
    )


def test_check_a_route_removed(project: Path) -> None:
    snapshot(project)
    (project / "app/modules/vault/endpoints_vault.py").unlink()
    assert check()[:2] == (1, "GET /vault/balance: removed (was unknown: require_treasurer)\n")


def test_check_a_route_made_public(project: Path) -> None:
    snapshot(project)
    edit(
        project / "app/modules/notes/endpoints_notes.py",
        "    user: models_users.CoreUser = Depends(is_user()),\n",
        "",
    )
    assert check()[:2] == (1, "GET /notes/me: authenticated -> public\n")


def test_check_a_permission_changed(project: Path) -> None:
    snapshot(project)
    edit(
        project / "app/modules/garden/endpoints_garden.py",
        "is_user_allowed_to([GardenPermissions.water_plants])",
        "is_user_allowed_to([GardenPermissions.access_garden])",
    )
    assert check()[:2] == (
        1,
        "POST /garden/plants/{plant_id}/water: permission: GardenPermissions.water_plants -> "
        "permission: GardenPermissions.access_garden\n",
    )


def test_check_a_router_dependency_removed(project: Path) -> None:
    snapshot(project)
    edit(
        project / "app/modules/kiosk/endpoints_kiosk.py",
        'router = APIRouter(prefix="/kiosk", dependencies=[Depends(is_user_in(GroupType.kiosk))])',
        'router = APIRouter(prefix="/kiosk")',
    )
    assert check()[:2] == (
        1,
        "GET /kiosk/orders: group: kiosk -> public\n"
        "GET /kiosk/snacks: group: kiosk -> public\n"
        "POST /kiosk/orders: group: kiosk -> public\n",
    )


def test_check_a_dependency_of_a_dependency_changed(project: Path) -> None:
    snapshot(project)
    edit(
        project / "app/modules/regatta/dependencies_regatta.py",
        "Depends(is_user_allowed_to([RegattaPermissions.steer_boats]))",
        "Depends(is_user())",
    )
    assert check()[:2] == (
        1,
        "POST /regatta/race/start: permission: RegattaPermissions.steer_boats; module dependency: get_current_race "
        "-> module dependency: get_current_race\n",
    )


def test_check_code_moved_reformatted_and_reordered_changes_nothing(project: Path) -> None:
    snapshot(project)
    garden = project / "app/modules/garden/endpoints_garden.py"
    text = garden.read_text(encoding="utf-8")
    first, second = text.split("\n\n\n@module.router.post")
    # The routes swapped, the permission list on one line, the handlers renamed.
    garden.write_text(
        "\n\n\n".join([first.split("\n\n\n@module.router.get")[0], "@module.router.post" + second, "@module.router.get" + first.split("\n\n\n@module.router.get")[1]])
        .replace("            [\n                GardenPermissions.access_garden,  # those who look\n                GardenPermissions.water_plants,  # and those who water\n            ],\n", "[GardenPermissions.access_garden, GardenPermissions.water_plants]")
        .replace("async def read_plants(", "async def list_plants("),
        encoding="utf-8",
    )
    # A dependency moved to another file (and imported from there).
    dependencies = project / "app/modules/regatta/dependencies_regatta.py"
    utils = project / "app/modules/regatta/utils_regatta.py"
    source = dependencies.read_text(encoding="utf-8")
    skipper = source[source.index("async def get_skipper(") :]
    dependencies.write_text(source.replace(skipper, ""), encoding="utf-8")
    edit(utils, "from app.modules.regatta.dependencies_regatta import get_skipper\n", "from app.dependencies import is_user_allowed_to\nfrom app.modules.regatta.permissions_regatta import RegattaPermissions\n")
    utils.write_text(utils.read_text(encoding="utf-8") + "\n\n" + skipper, encoding="utf-8")
    # A file renamed: its routes go with it.
    (project / "app/modules/vault/endpoints_vault.py").rename(project / "app/modules/vault/endpoints_strongroom.py")
    code, out, _ = invoke("routes", "--no-cache", "--output-format", "json")
    assert {r["handler"] for r in json.loads(out)} >= {"list_plants"}
    assert check() == (0, f"Who may call the 17 routes is what {SNAPSHOT} records.\n", "")


def test_check_a_missing_snapshot(project: Path) -> None:
    assert invoke("routes", "--no-cache", "--check", "missing.json") == (
        2,
        "",
        "hyperion-lint: error: no snapshot at missing.json; write it with `hyperion-lint routes --snapshot missing.json`\n",
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"routes": {', "it is not JSON (line 1, column 13: Expecting property name enclosed in double quotes)"),
        ("[]", 'it has no "routes"'),
        ('{"format": 7, "routes": {}}', 'its "format" is 7, this version reads 1'),
        ('{"format": 1, "routes": []}', 'its "routes" is not an object'),
        ('{"format": 1, "routes": {"GET /x": 3}}', "the access of 'GET /x' is neither a string nor a list of strings"),
    ],
)
def test_check_a_damaged_snapshot(project: Path, content: str, reason: str) -> None:
    (project / SNAPSHOT).write_text(content, encoding="utf-8")
    assert check() == (
        2,
        "",
        f"hyperion-lint: error: {SNAPSHOT} is not a routes snapshot: {reason}; "
        f"write it with `hyperion-lint routes --snapshot {SNAPSHOT}`\n",
    )


def test_check_a_snapshot_that_is_not_text(project: Path) -> None:
    (project / SNAPSHOT).write_bytes(b"\xff\xfe\x00garbage")
    code, out, err = check()
    assert (code, out) == (2, "")
    assert err.startswith(f"hyperion-lint: error: cannot read the snapshot {SNAPSHOT}: ") and err.count("\n") == 1


def test_snapshot_usage_errors(project: Path) -> None:
    assert invoke("routes", "--snapshot", "a.json", "--check", "b.json") == (
        2,
        "",
        "hyperion-lint: error: --snapshot writes the snapshot and --check compares with one: give one of them\n",
    )
    assert invoke("routes", "--check", "a.json", "--public")[0::2] == (
        2,
        "hyperion-lint: error: the snapshot holds every route: --snapshot and --check take no filter, --output-file or --output-format\n",
    )
    code, _, err = invoke("routes", "--no-cache", "--snapshot", "a.json", "app/modules/notes")
    assert code == 2 and err.startswith("hyperion-lint: error: the snapshot holds every route of the project: give its root (")


def _readme_block(start: str) -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split(f"```\n{start}\n", 1)[1].split("```", 1)[0]
    return block.splitlines()


def test_the_readme_examples_are_real_output(project: Path) -> None:
    table = _readme_block("$ hyperion-lint routes fixtures/routes")
    code, out, _ = invoke("routes", "--no-cache", "--no-color")
    lines = out.splitlines()
    shown = [line for line in table if line != "..."]
    start = lines.index(shown[0])
    assert lines[start : start + len(shown) - 1] == shown[:-1]
    assert lines[-1] == shown[-1]

    snapshot(project)
    edit(project / "app/modules/notes/endpoints_notes.py", "    user: models_users.CoreUser = Depends(is_user()),\n", "")
    (project / "app/modules/vault/endpoints_vault.py").unlink()
    endpoints = project / "app/modules/lostfound/endpoints_lostfound.py"
    endpoints.write_text(
        endpoints.read_text(encoding="utf-8") + '\n\n@module.router.get("/lostfound/items/{item_id}")\nasync def read_item(item_id: str): ...\n',
        encoding="utf-8",
    )
    code, out, err = check()
    assert code == 1
    assert (out + err).splitlines() == _readme_block(f"$ hyperion-lint routes --check {SNAPSHOT}")
