"""`statusbot publish --days N` / `--since DATE`: the first run fills the last days in one go."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from conftest import branch_file, commit, configured_site, git, make_repo
from freezegun import freeze_time

NOON = datetime(2026, 2, 8, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def three_days(tmp_path: Path) -> Path:
    """Return a checkout with the user's work on 6, 7 and 8 February 2026."""
    repo = make_repo(tmp_path / "project")
    for day, subject in ((6, "Add the parser"), (7, "Fix the lexer"), (8, "Document the CLI")):
        commit(repo, subject, datetime(2026, 2, day, 9, 30, tzinfo=UTC))
    return repo


def pages_log(repo: Path, branch: str = "gh-pages") -> list[str]:
    """Return the Pages branch's commit subjects, oldest first."""
    return git(repo, "log", "--reverse", "--format=%s", branch).splitlines()


def test_days_fills_each_day_oldest_first_with_one_summary_line(tmp_path, run_cli):
    repo = three_days(tmp_path)
    with freeze_time(NOON):
        result = run_cli(repo, "publish", "--days", "3")
    assert result.exit_code == 0, result.output
    subjects = pages_log(repo)
    assert [s.split()[3] for s in subjects] == ["2026-02-06", "2026-02-07", "2026-02-08"]
    assert "Fixed the lexer" in branch_file(repo, "gh-pages", "_posts/2026-02-07-daily-status.md")
    assert "Added the parser" in branch_file(repo, "gh-pages", "_posts/2026-02-06-daily-status.md")
    lines = result.output.splitlines()
    assert re.fullmatch(
        r"2026-02-06 to 2026-02-08: 3 days committed to gh-pages, 0 unchanged; "
        r"not pushed: push is off; \d+\.\d\ds",
        lines[0],
    ), lines
    assert lines[1:] == [
        "look at it: git log --stat gh-pages",
        "publish it: git push origin gh-pages, then enable GitHub Pages on gh-pages",
    ]
    assert "publishing" not in result.output  # no progress bar: stdout is not a terminal


def test_a_second_fill_commits_only_the_day_that_changed(tmp_path, run_cli):
    repo = three_days(tmp_path)
    with freeze_time(NOON):
        assert run_cli(repo, "publish", "--days", "3").exit_code == 0
        again = run_cli(repo, "publish", "--days", "3")
        assert git(repo, "rev-list", "--count", "gh-pages") == "3"
        assert again.output.startswith(
            "2026-02-06 to 2026-02-08: 0 days committed to gh-pages, 3 unchanged;"
        )
        commit(repo, "Fix the parser too", datetime(2026, 2, 7, 15, 0, tzinfo=UTC))
        third = run_cli(repo, "publish", "--days", "3")
    assert third.exit_code == 0, third.output
    assert "1 day committed to gh-pages, 2 unchanged" in third.output
    assert git(repo, "rev-list", "--count", "gh-pages") == "4"
    newest = git(repo, "show", "--name-only", "--format=%s", "gh-pages").splitlines()
    assert newest[0].startswith("statusbot: daily status 2026-02-07 ")
    assert "_posts/2026-02-07-daily-status.md" in newest
    assert "_posts/2026-02-06-daily-status.md" not in newest


def test_since_with_push_sends_every_day_in_one_push(tmp_path, run_cli):
    origin = configured_site(tmp_path)
    app = tmp_path / "app"
    commit(app, "Nest job status", datetime(2026, 2, 5, 10, 0, tzinfo=UTC))
    commit(app, "Add the AAP client", datetime(2026, 2, 7, 10, 0, tzinfo=UTC))
    with freeze_time(NOON):
        result = run_cli(tmp_path, "publish", "--since", "2026-02-05")
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    assert git(origin, "rev-parse", "gh-pages") == git(site, "rev-parse", "gh-pages")
    days = [s.split()[3] for s in pages_log(site)]
    assert days == ["2026-02-05", "2026-02-06", "2026-02-07", "2026-02-08"]
    assert result.output.startswith("2026-02-05 to 2026-02-08: 4 days committed to gh-pages")
    assert "; pushed" in result.output
    page = branch_file(origin, "gh-pages", "_posts/2026-02-07-daily-status.md")
    assert "Added the AAP client" in page


def test_days_ends_at_the_global_date(tmp_path, run_cli):
    repo = three_days(tmp_path)
    with freeze_time(NOON):
        result = run_cli(repo, "--date", "2026-02-07", "publish", "--days", "2")
    assert result.exit_code == 0, result.output
    assert [s.split()[3] for s in pages_log(repo)] == ["2026-02-06", "2026-02-07"]


def test_dry_run_fill_says_what_would_change_and_writes_nothing(tmp_path, run_cli):
    repo = three_days(tmp_path)
    with freeze_time(NOON):
        result = run_cli(repo, "--dry-run", "publish", "--days", "2")
    assert result.exit_code == 0, result.output
    assert (
        result.output == "dry run for 2026-02-07 to 2026-02-08: would change 2 days on gh-pages\n"
    )
    assert git(repo, "branch", "--list", "gh-pages") == ""


def test_quiet_non_working_days_are_counted_apart(tmp_path, run_cli):
    configured_site(tmp_path, tail="workdays: Mon-Fri\n")
    commit(tmp_path / "app", "Friday's work", datetime(2026, 2, 6, 10, 0, tzinfo=UTC))
    with freeze_time(datetime(2026, 2, 9, 12, 0, tzinfo=UTC)):
        result = run_cli(tmp_path, "publish", "--days", "4", "--no-push")
    assert result.exit_code == 0, result.output
    assert "2 days committed to gh-pages, 0 unchanged, 2 quiet non-working" in result.output
    days = [s.split()[3] for s in pages_log(tmp_path / "site")]
    assert days == ["2026-02-06", "2026-02-09"]  # Saturday and Sunday: no page


def test_bad_fill_options_are_one_line_usage_errors(tmp_path, run_cli):
    repo = three_days(tmp_path)
    with freeze_time(NOON):
        zero = run_cli(repo, "publish", "--days", "0")
        both = run_cli(repo, "publish", "--days", "2", "--since", "2026-02-01")
        after = run_cli(repo, "publish", "--since", "2026-02-09")
        early = run_cli(repo, "publish", "--since", "2024-01-01")
    assert zero.exit_code == 2 and "--days" in zero.output
    assert both.exit_code == 2 and "give --days or --since, not both" in both.output
    assert after.exit_code == 2
    assert "Error: --since 2026-02-09 is after the last day to fill, 2026-02-08" in after.output
    assert early.exit_code == 2 and "is 770 days ago; at most 366" in early.output
    for result in (zero, both, after, early):
        assert "Traceback" not in result.output
    assert git(repo, "branch", "--list", "gh-pages") == ""


def test_a_terminal_gets_a_progress_bar(tmp_path):
    repo = three_days(tmp_path)
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    process = subprocess.Popen(
        [sys.executable, "-m", "statusbot", "--date", "2026-02-08", "publish", "--days", "3"],
        cwd=repo,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    output = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert process.wait(timeout=60) == 0, output
    text = output.decode()
    assert "publishing" in text and "100%" in text  # click's bar, drawn on the terminal
    assert "2026-02-06 to 2026-02-08: 3 days committed to gh-pages" in text
