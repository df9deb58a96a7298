"""README's summarizer examples: their argv, and the real `llm` end to end through a test model."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from conftest import branch_file, commit, configured_site

from statusbot.config import build

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Summarizer (optional)")[1].split("\n## ")[0]
EXAMPLES = {
    block.split("command:")[1].split()[0]: yaml.safe_load(block)
    for block in re.findall(r"```yaml\n(summarizer:.+?)```", SECTION, flags=re.S)
}
TESTS = Path(__file__).resolve().parents[1]
PLUGIN = TESTS / "llm_test_plugin.py"
WHEN = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)


def argv(tool: str, tmp_path: Path) -> tuple[str, ...]:
    """Return the argv the README's example for a tool gives through statusbot's config."""
    config = build(EXAMPLES[tool], base=tmp_path, path=None)
    assert config.summarizer.command is not None
    return config.summarizer.command


def options(args: tuple[str, ...], valued: set[str]) -> tuple[dict[str, str], list[str]]:
    """Split argv after the program into {option: value} and positional words."""
    found: dict[str, str] = {}
    positional: list[str] = []
    rest = list(args[1:])
    while rest:
        word = rest.pop(0)
        if word in valued:
            found[word] = rest.pop(0)
        elif word.startswith("-"):
            found[word] = ""
        else:
            positional.append(word)
    return found, positional


def test_readme_has_an_example_for_llm_claude_code_and_ollama():
    assert sorted(EXAMPLES) == ["claude", "llm", "ollama"]


def test_the_llm_example_sends_the_prompt_on_stdin_with_a_model_and_a_system_prompt(tmp_path):
    args = argv("llm", tmp_path)
    found, positional = options(args, {"-m", "-s"})
    assert args[0] == "llm" and positional == []  # no prompt argument: llm reads stdin
    assert found["-m"] and found["-s"].startswith("You write")
    assert "--no-log" in found  # the day's facts stay out of llm's log database


def test_the_claude_example_uses_print_mode_and_reads_stdin(tmp_path):
    args = argv("claude", tmp_path)
    found, positional = options(args, {"--model"})
    assert args[0] == "claude" and "-p" in found and positional == []
    assert found["--model"]
    assert EXAMPLES["claude"]["summarizer"]["timeout"] > 60


def test_the_ollama_example_runs_one_model_on_stdin(tmp_path):
    args = argv("ollama", tmp_path)
    assert args[:2] == ("ollama", "run") and len(args) == 3 and not args[2].startswith("-")


@pytest.fixture
def llm_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make `llm` load the test model plugin from a temporary folder; return its call log."""
    if shutil.which("llm") is None:
        pytest.skip("the llm command is not installed (pip install -e '.[test]' installs it)")
    plugins = tmp_path / "plugins"
    info = plugins / "statusbot_llm_test-0.1.dist-info"
    info.mkdir(parents=True)
    shutil.copy(PLUGIN, plugins / "statusbot_llm_test.py")
    shutil.copy(TESTS / "summarizer_answers.py", plugins)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: statusbot-llm-test\nVersion: 0.1\n"
    )
    (info / "entry_points.txt").write_text("[llm]\nstatusbot_llm_test = statusbot_llm_test\n")
    log = tmp_path / "llm-calls.jsonl"
    path = os.pathsep.join(p for p in (str(plugins), os.environ.get("PYTHONPATH")) if p)
    monkeypatch.setenv("PYTHONPATH", path)
    monkeypatch.setenv("LLM_LOAD_PLUGINS", "statusbot-llm-test")
    monkeypatch.setenv("LLM_USER_PATH", str(tmp_path / "llm-home"))
    monkeypatch.setenv("STATUSBOT_LLM_LOG", str(log))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return log


def llm_site(tmp_path: Path, timeout: int = 60) -> Path:
    """Lay out a site whose config is README's llm example with the test model."""
    command = list(argv("llm", tmp_path))
    command[command.index("-m") + 1] = "statusbot-test"
    tail = f"summarizer:\n  command: {json.dumps(command)}\n  timeout: {timeout}\n"
    origin = configured_site(tmp_path, tail=tail)
    commit(tmp_path / "app", "Add the parser", WHEN)
    return origin


def test_real_llm_writes_the_published_page(tmp_path, llm_env, run_cli):
    origin = llm_site(tmp_path)
    shown = run_cli(tmp_path, "--date", "2026-02-10", "summarize", "--show-input")
    assert shown.exit_code == 0 and not llm_env.exists()  # --show-input runs nothing
    result = run_cli(tmp_path, "--date", "2026-02-10", "publish")
    assert result.exit_code == 0, result.output
    calls = [json.loads(line) for line in llm_env.read_text().splitlines()]
    system = EXAMPLES["llm"]["summarizer"]["command"].split('-s "')[1].split('"')[0]
    assert len(calls) == 1 and calls[0]["system"] == system
    assert calls[0]["prompt"].strip() == shown.output.strip()  # stdin, whole
    page = branch_file(origin, "gh-pages", "_posts/2026-02-10-daily-status.md")
    assert re.search(r"## Accomplishments\n- Added the parser in \S+ on main \(1 commit", page)
    assert "## Key Effort\nMain work: " in page  # the model's own words made it
    again = run_cli(tmp_path, "--date", "2026-02-10", "publish")
    assert again.exit_code == 0 and len(llm_env.read_text().splitlines()) == 1  # cached
    status = run_cli(tmp_path, "status")
    assert "summarizer (2026-02-10):\n  accomplishments: summarizer's text\n" in status.output
    assert "  key effort: summarizer's text" in status.output


@pytest.mark.parametrize(
    ("mode", "timeout", "reason"),
    [("sleep", 3, "llm took longer than 3s"), ("fail", 60, "llm exited with code 1")],
)
def test_real_llm_timeout_and_exit_code_give_the_built_in_page(
    tmp_path, llm_env, run_cli, monkeypatch, mode, timeout, reason
):
    llm_site(tmp_path, timeout)
    monkeypatch.setenv("STATUSBOT_LLM_MODE", mode)
    started = time.monotonic()
    result = run_cli(tmp_path, "--date", "2026-02-10", "summarize", "--dry-run")
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 30
    assert re.search(
        r"- Added the parser in \S+ on main \(1 commit, \+2/−0 lines in 1 file\)", result.output
    )
    for title in ("accomplishments", "risks & challenges", "key effort"):
        assert f"{title}: built-in ({reason})" in result.output
    assert "dry run: the answer for 2026-02-10 was not stored" in result.output
    assert len(llm_env.read_text().splitlines()) == 1  # the model was reached


FAKE = """\
import json, os, sys
text = sys.stdin.read()
with open(os.environ["STATUSBOT_FAKE_LOG"], "a") as f:
    f.write(json.dumps({"argv": sys.argv[1:], "stdin": text}) + "\\n")
sys.path.insert(0, os.environ["STATUSBOT_PLUGIN_DIR"])
"""


@pytest.mark.parametrize("tool", ["claude", "ollama"])
def test_the_claude_and_ollama_examples_run_as_written(tmp_path, run_cli, monkeypatch, tool):
    """A stand-in for the tool on PATH gets README's argv and the prompt, and its answer is used."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / tool
    answer = "from summarizer_answers import page\nsys.stdout.write(page(text))\n"
    fake.write_text(f"#!{sys.executable}\n{FAKE}{answer}")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("STATUSBOT_FAKE_LOG", str(tmp_path / "fake.jsonl"))
    monkeypatch.setenv("STATUSBOT_PLUGIN_DIR", str(TESTS))
    tail = "summarizer:\n" + "".join(
        f"  {k}: {json.dumps(v)}\n" for k, v in EXAMPLES[tool]["summarizer"].items()
    )
    configured_site(tmp_path, tail=tail)
    commit(tmp_path / "app", "Add the parser", WHEN)
    result = run_cli(tmp_path, "--date", "2026-02-10", "summarize", "--dry-run")
    assert result.exit_code == 0, result.output
    call = json.loads((tmp_path / "fake.jsonl").read_text())
    assert call["argv"] == list(argv(tool, tmp_path)[1:])
    assert call["stdin"].startswith("You write the daily status page of Dev One for 2026-02-10")
    assert "key effort: summarizer's text" in result.output
