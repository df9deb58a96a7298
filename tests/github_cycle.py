"""A project publishing with GitHub through the CLI, shared by the GitHub cycle tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from conftest import commit, make_repo
from github_server import FakeGitHub

DAY = "2026-02-08"


PAGE = f"_posts/{DAY}-daily-status.md"


def project(tmp_path: Path, server: FakeGitHub, extra: str = "") -> Path:
    """A checkout with a day's commit and a config naming the loopback GitHub."""
    repo = make_repo(tmp_path / "project")
    commit(repo, "Add the parser", datetime(2026, 2, 8, 9, 30, tzinfo=UTC))
    (repo / "statusbot.yml").write_text(
        f"""\
timezone: UTC
people:
  - name: Dev One
    github: dev1
    emails: [dev1@example.com]
github:
  api_url: {server.base_url}
  repos: [acme/api, acme/web]
{extra}publish:
  remote: null
""",
        encoding="utf-8",
    )
    return repo


def publish(run_cli, repo: Path, *flags: str):
    return run_cli(repo, "--date", DAY, *flags, "publish")
