"""What the summarizer reads (the shipped prompt, bounded), `statusbot summarize` and status."""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import commit, configured_site
from summarizer_reference import reference_facts

from statusbot.compose import compose
from statusbot.config import build
from statusbot.errors import ConfigError
from statusbot.model import Commit, Facts, Person, PullRequest, TestSuiteResult
from statusbot.store import Store
from statusbot.summarizer import attempt, verdict_lines
from statusbot.summarizer.digest import MAX_INPUT, command_input

RECORD = """\
import sys
text = sys.stdin.read()
open(sys.argv[1], "w").write(text)
sys.stdout.write(open(sys.argv[2]).read())
"""
ANSWER = """\
## Accomplishments
- Created pull request [#102](https://github.com/osac-project/osac-operator/pull/102) (24 commits)
## Risks & Challenges
- **CRITICAL:** AAP Direct missing ReconciledConfigVersion update
## Key Effort
The AAP Direct provider, 5x faster
"""


def recorder(tmp_path: Path, answer: str = ANSWER) -> tuple[str, ...]:
    """Return a command that saves its stdin to tmp_path/stdin.txt and prints answer."""
    (tmp_path / "record.py").write_text(RECORD)
    (tmp_path / "answer.md").write_text(answer)
    stdin = str(tmp_path / "stdin.txt")
    return (sys.executable, str(tmp_path / "record.py"), stdin, str(tmp_path / "answer.md"))


def test_the_default_input_is_the_shipped_prompt_with_the_day_digest(tmp_path):
    facts = reference_facts()
    sections, entry = attempt(facts, compose(facts), recorder(tmp_path), 20, Store(tmp_path))
    text = (tmp_path / "stdin.txt").read_text()
    assert text.startswith("You write the daily status page of Dev One for 2026-02-08.\n")
    assert "\n## Accomplishments\n- one line per accomplishment" in text  # the shape asked for
    pr = "- Created pull request [#102](https://github.com/osac-project/osac-operator/pull/102)"
    assert f"\n{pr} for AAP Direct provider with job lifecycle management (24 commits" in text
    assert "\n- **CRITICAL:** AAP Direct missing ReconciledConfigVersion update - " in text
    assert "\n- E2E: 3 tests, 3 passed, 0 failing, 0 skipped\n" in text
    assert "\n- AAP client: 87.0%, earlier 73.9%\n" in text
    assert "\n- Provisioning time (EDA): 649s (lower is better)\n" in text
    assert "&#" not in text  # markup.text's entities are undone for the model
    assert len(text.encode()) < 10_000
    assert {k: v["used"] for k, v in entry["verdicts"].items()} == {
        "accomplishments": True,
        "risks": True,
        "key_effort": False,
    }
    assert entry["verdicts"]["key_effort"]["reason"] == "ratio 5x is not in the facts"
    assert sections.key_effort == compose(facts).key_effort


def test_json_input_is_the_facts_and_the_sections(tmp_path):
    facts = reference_facts()
    attempt(facts, compose(facts), recorder(tmp_path), 20, Store(tmp_path), mode="json")
    data = json.loads((tmp_path / "stdin.txt").read_text())
    assert sorted(data) == ["facts", "sections"]
    assert data["facts"]["pull_requests"][0]["number"] == 102


def test_a_prompt_in_templates_dir_replaces_the_shipped_one(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "summarizer-prompt.md.j2").write_text(
        "Day {{ day }}: {{ items | length }} items, {{ risks[0].level }} first\n"
    )
    facts = reference_facts()
    sections = compose(facts)
    assert command_input("prompt", facts, sections, templates) == (
        f"Day 2026-02-08: {len(sections.accomplishments)} items, CRITICAL first\n"
    )


def busy_day(commits: int, prs: int) -> Facts:
    """Return a day of many commits and merged pull requests, and one test run."""
    start = datetime(2026, 2, 10, 8, 0, tzinfo=UTC)
    return Facts(
        day=date(2026, 2, 10),
        timezone="UTC",
        people=(Person("Dev One", ("dev1@example.com",), "dev1"),),
        commits=tuple(
            Commit(
                f"repo{i % 5}",
                f"{i:040x}",
                f"Change {i} of the parser",
                "Dev One",
                "dev1@example.com",
                start + timedelta(seconds=i),
                ("main",),
            )
            for i in range(commits)
        ),
        pull_requests=tuple(
            PullRequest(
                f"acme/repo{i % 5}",
                1000 + i,
                f"Report parse error {i} with its line",
                f"https://github.com/acme/repo{i % 5}/pull/{1000 + i}",
                "merged",
                False,
                "dev1",
                commits=3,
                opened_at=start,
                merged_at=start + timedelta(hours=1),
            )
            for i in range(prs)
        ),
        tests=(TestSuiteResult("unit", "junit.xml", 10, 10, 0, 0, 0),),
    )


@pytest.mark.parametrize(("commits", "prs"), [(500, 100), (2000, 400)])
def test_a_busy_day_stays_under_the_bound_and_keeps_the_short_figures(commits, prs):
    facts = busy_day(commits, prs)
    sections = compose(facts)
    text = command_input("prompt", facts, sections)
    assert len(text.encode("utf-8")) <= MAX_INPUT
    assert "\n- Executed unit tests (10/10 passing)\n" in text
    items = text.split("\n## Work items")[1].split("\n## ")[0]
    shown = items.count("\n- ") - items.count("more work items, not shown")
    left = int(items.split("- and ")[1].split()[0]) if "- and " in items else 0
    assert shown + left == len(sections.accomplishments)
    assert left > 0 or commits < 2000  # the bound did work on the busiest day
    assert left == 0 or commits > 500  # 500 commits and 100 PRs: every work item shows
    assert re.search(r"\n- .* on main in repo0: .*Change \d+ of the parser", text) or left
    assert not re.search(r"(?<![/.\w])[0-9a-f]{40}", text)  # shas are not links: none listed


def test_a_work_item_gets_only_the_size_parts_and_links_its_line_lacks():
    facts = reference_facts()
    text = command_input("prompt", facts, compose(facts))
    pr = "(24 commits, ready for review)\n"  # no "[24 commits; repo#102; 24 shas]" after it
    assert f"job lifecycle management {pr}" in text
    assert "osac-project/osac-operator#102" not in text


def test_summarizer_input_is_prompt_or_json(tmp_path):
    assert build({}, base=tmp_path, path=None).summarizer.input == "prompt"
    raw = {"summarizer": {"command": "llm", "input": "json"}}
    assert build(raw, base=tmp_path, path=None).summarizer.input == "json"
    with pytest.raises(ConfigError, match=r"summarizer\.input: expected prompt or json, not 'xml'"):
        build({"summarizer": {"input": "xml"}}, base=tmp_path, path=None)


def site_with(tmp_path: Path, command: tuple[str, ...] | None) -> None:
    tail = f"summarizer:\n  command: {json.dumps(list(command))}\n" if command else ""
    configured_site(tmp_path, tail=tail)
    commit(tmp_path / "app", "Add the parser", datetime(2026, 2, 10, 9, 0, tzinfo=UTC))


def test_summarize_stores_the_answer_that_status_and_publish_then_use(tmp_path, run_cli):
    answer = "## Accomplishments\n- Added the parser\n## Risks & Challenges\nNone identified.\n"
    answer += "## Key Effort\nThe parser, 12% faster\n"
    site_with(tmp_path, recorder(tmp_path, answer))
    dry = run_cli(tmp_path, "--date", "2026-02-10", "summarize", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.output.endswith(
        "accomplishments: summarizer's text\n"
        "risks & challenges: summarizer's text\n"
        "key effort: built-in (percentage 12% is not in the facts)\n"
        "dry run: the answer for 2026-02-10 was not stored\n"
    )
    assert dry.output.startswith("## Accomplishments\n- Added the parser\n\n## Risks & Chall")
    assert "summarizer (" not in run_cli(tmp_path, "status").output
    stored = run_cli(tmp_path, "--date", "2026-02-10", "summarize")
    assert "stored for 2026-02-10: publish uses it" in stored.output
    status = run_cli(tmp_path, "status").output
    assert status.endswith(
        "summarizer (2026-02-10):\n"
        "  accomplishments: summarizer's text\n"
        "  risks & challenges: summarizer's text\n"
        "  key effort: built-in (percentage 12% is not in the facts)\n"
    )
    (tmp_path / "answer.md").write_text("changed: a cached answer is used, no new call")
    published = run_cli(tmp_path, "--date", "2026-02-10", "publish")
    assert published.exit_code == 0, published.output
    from conftest import branch_file

    page = branch_file(tmp_path / "origin.git", "gh-pages", "_posts/2026-02-10-daily-status.md")
    assert "## Accomplishments\n- Added the parser\n" in page


def test_summarize_shows_the_input_without_a_command_and_says_when_none_is_set(tmp_path, run_cli):
    site_with(tmp_path, None)
    shown = run_cli(tmp_path, "--date", "2026-02-10", "summarize", "--show-input")
    assert shown.exit_code == 0
    assert shown.output.startswith("You write the daily status page of Dev One for 2026-02-10.")
    assert re.search(
        r"- Added the parser in \S+ on main \(1 commit, \+2/−0 lines in 1 file\)", shown.output
    )
    missing = run_cli(tmp_path, "--date", "2026-02-10", "summarize")
    assert missing.exit_code == 1
    assert missing.output == "Error: summarizer.command is not set; see README, Summarizer\n"


def test_verdict_lines_are_empty_before_any_summary(tmp_path):
    assert verdict_lines(Store(tmp_path)) == []


def test_the_page_read_back_from_the_prompt_passes_every_check(tmp_path):
    """Everything the digest shows is a fact the checks accept, links included."""
    script = tmp_path / "model.py"
    script.write_text(
        f"import sys\nsys.path.insert(0, {str(Path(__file__).parents[1])!r})\n"
        "from summarizer_answers import page\nsys.stdout.write(page(sys.stdin.read()))\n"
    )
    facts = reference_facts()
    sections, entry = attempt(
        facts, compose(facts), (sys.executable, str(script)), 20, Store(tmp_path)
    )
    assert all(v["used"] for v in entry["verdicts"].values()), entry["verdicts"]
    assert (
        "Created pull request [&#35;102](https://github.com/osac-project/osac-operator/pull/102) "
        "for AAP Direct provider with job lifecycle management (24 commits, ready for review)"
    ) in [str(item) for item in sections.accomplishments]
    assert sections.key_effort.startswith("Main work: ")
    assert "AAP Direct provider with job lifecycle" in sections.key_effort
