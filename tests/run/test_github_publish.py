"""The whole cycle with GitHub: the CLI, real PyGithub, the loopback server, a real Pages branch."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from conftest import branch_file, git
from github_cycle import DAY, PAGE, project, publish
from github_day import a_day
from github_server import TOKEN, FakeGitHub


@pytest.fixture
def server() -> Iterator[FakeGitHub]:
    with FakeGitHub().running() as fake:
        yield fake


def test_the_page_shows_the_day_on_github_and_a_warm_cycle_is_free(
    tmp_path, server, run_cli, monkeypatch
):
    monkeypatch.setenv("STATUSBOT_GITHUB_TOKEN", TOKEN)
    a_day(server)
    repo = project(tmp_path, server)

    first = publish(run_cli, repo)

    assert first.exit_code == 0, first.output
    page = branch_file(repo, "gh-pages", PAGE)
    assert (
        "- Created pull request [acme/api#102](https://github.com/acme/api/pull/102) for AAP "
        "Direct provider with job lifecycle management (24 commits, +1200/−300 lines, "
        "ready for review, CI failing)"
    ) in page
    assert (
        "- Merged pull request [acme/web#7](https://github.com/acme/web/pull/7) for Green" in page
    )
    assert "- Reviewed pull request [acme/web#9](https://github.com/acme/web/pull/9)" in page
    assert "by other (changes requested)" in page
    assert (
        "- Deployed acme/api [b4b15d3](https://production.example.com) to production (by dev1)"
        in page
    )
    assert "**HIGH:** CI failing on pull request [acme/api#102]" in page
    assert ": ci/jenkins, lint" in page
    assert (
        "**HIGH:** Deployment of acme/web [main (c0ffee1)](https://staging.example.com) to "
        "staging ended in failure" in page
    )
    assert "**MEDIUM:** Pull request [acme/api#50]" in page and "has waited 6 days" in page
    assert "Added the parser" in page

    server.reset_counts()
    head = git(repo, "rev-parse", "gh-pages")
    second = publish(run_cli, repo)

    assert second.exit_code == 0, second.output
    assert "no change" in second.output
    assert git(repo, "rev-parse", "gh-pages") == head
    assert server.used["core"] == 0 and server.used["search"] == 3


def test_no_token_skips_github_with_one_line_and_publishes_the_rest(
    tmp_path, server, run_cli, caplog
):
    a_day(server)
    repo = project(tmp_path, server)

    result = publish(run_cli, repo)

    assert result.exit_code == 0, result.output
    skipped = [r.getMessage() for r in caplog.records if "GitHub" in r.getMessage()]
    assert skipped == [
        "GitHub: skipped, no token (set STATUSBOT_GITHUB_TOKEN or GITHUB_TOKEN, "
        "github.token_file, or a github-token systemd credential)"
    ]
    page = branch_file(repo, "gh-pages", PAGE)
    assert "Added the parser" in page and "pull request" not in page
    assert sum(server.hits.values()) == 0


@pytest.mark.parametrize(
    ("status", "message", "reason"),
    [
        (500, "Server Error", "GitHub answered 500: Server Error"),
        (401, "Bad credentials", "the token was refused (401 Bad credentials)"),
        (403, "API rate limit exceeded for user ID 1.", "rate-limited (403)"),
    ],
)
def test_a_failing_github_publishes_the_last_facts_marked_stale(
    tmp_path, server, run_cli, monkeypatch, status, message, reason
):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    a_day(server)
    repo = project(tmp_path, server)
    assert publish(run_cli, repo).exit_code == 0
    server.fail("/search/", status, times=10, message=message)

    result = publish(run_cli, repo)

    assert result.exit_code == 0, result.output
    page = branch_file(repo, "gh-pages", PAGE)
    # Fetched today for a past day's page: the time carries its date.
    as_of = r"GitHub facts as of \d{4}-\d\d-\d\d \d\d:\d\d"
    assert re.search(rf"\*\*MEDIUM:\*\* {as_of} \({re.escape(reason)}\)", page)
    assert "Created pull request [acme/api#102]" in page  # the last known facts stay


def test_private_repositories_are_refused_unless_allowed(tmp_path, server, run_cli, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    server.add_repo("acme/api", private=True)
    a_day(server)
    repo = project(tmp_path, server)

    refused = publish(run_cli, repo)

    assert refused.exit_code == 1
    assert refused.output.splitlines() == [
        "Error: refusing to publish facts from private repositories (acme/api): GitHub Pages "
        "sites are public; set publish.allow_private_data: true to publish them"
    ]
    assert git(repo, "branch", "--list", "gh-pages") == ""

    config = repo / "statusbot.yml"
    config.write_text(
        config.read_text().replace("  remote: null", "  remote: null\n  allow_private_data: true")
    )
    allowed = publish(run_cli, repo)
    assert allowed.exit_code == 0, allowed.output
    assert "acme/api#102" in branch_file(repo, "gh-pages", PAGE)


def test_github_api_url_from_the_environment_wins(tmp_path, server, run_cli, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    a_day(server)
    repo = project(tmp_path, server)
    config = repo / "statusbot.yml"
    config.write_text(config.read_text().replace(server.base_url, "https://ghe.example.com/api/v3"))
    monkeypatch.setenv("GITHUB_API_URL", server.base_url)

    assert publish(run_cli, repo).exit_code == 0
    assert "acme/api#102" in branch_file(repo, "gh-pages", PAGE)


def test_the_token_never_appears_in_output_logs_pages_or_git(tmp_path, server):
    a_day(server)
    repo = project(tmp_path, server)
    env = {**os.environ, "STATUSBOT_GITHUB_TOKEN": TOKEN}
    code = "from statusbot.cli import main; main()"
    outputs = []
    for inject in (None, 401, 500):
        if inject:
            server.fail("/search/", inject, times=10, message="Bad credentials")
        done = subprocess.run(
            [sys.executable, "-c", code, "--verbose", "--date", DAY, "publish"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout + done.stderr)
    assert "DEBUG" in outputs[0]  # verbose logging did run
    history = git(repo, "log", "--all", "-p", "--format=%H %s %b")
    store = "".join(
        p.read_text(errors="replace")
        for p in (repo / ".git" / "statusbot").rglob("*")
        if p.is_file()
    )
    config = git(repo, "config", "--list", "--show-origin")
    for text in (*outputs, history, store, config):
        assert TOKEN not in text
