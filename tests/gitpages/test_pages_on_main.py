"""`publish.branch: main`: main's work stays on the page; statusbot's own commits are left out."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import branch_file, commit, git, make_repo
from freezegun import freeze_time

DAY = datetime(2026, 2, 9, tzinfo=UTC)
PAGE = "docs/_posts/2026-02-09-daily-status.md"


def at(hour: int) -> datetime:
    return DAY.replace(hour=hour)


def test_publishing_to_main_keeps_mains_work_and_leaves_out_its_own_commits(
    tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "project")
    commit(repo, "Parser work on main", at(9))
    git(repo, "checkout", "-q", "-b", "dev")  # main is checked out nowhere: it may be moved
    (repo / "statusbot.yml").write_text(
        "timezone: UTC\npeople:\n  - name: Dev One\n    emails: [dev1@example.com]\n"
        "sources:\n  git: [.]\n  junit: []\n  coverage: []\n"
        "publish:\n  branch: main\n  path: /docs\n  remote: null\n"
    )
    # statusbot's commit on main is made by the repository's user, inside the day.
    monkeypatch.setenv("GIT_AUTHOR_DATE", at(10).isoformat())
    monkeypatch.setenv("GIT_COMMITTER_DATE", at(10).isoformat())
    with freeze_time(at(12)):
        first = run_cli(repo, "publish")
    assert first.exit_code == 0, first.output
    ours = git(repo, "rev-parse", "main")
    assert git(repo, "log", "-1", "--format=%an", ours) == "Dev One"
    git(repo, "checkout", "-q", "main")
    commit(repo, "More work on main", at(11))
    git(repo, "checkout", "-q", "dev")

    with freeze_time(at(13)):
        facts = json.loads(run_cli(repo, "collect").output)
        second = run_cli(repo, "publish")

    assert second.exit_code == 0, second.output
    assert [c["summary"] for c in facts["commits"]] == ["Parser work on main", "More work on main"]
    page = branch_file(repo, "main", PAGE)
    assert "Parser work on main" in page and "More work on main" in page
    done = page.split("## Accomplishments\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(done) == 2 and not any("daily status" in line for line in done), done
    assert git(repo, "show", "-s", "--format=%(trailers:key=Generated-by,valueonly)", "main") == (
        "statusbot"
    )
    assert git(repo, "symbolic-ref", "HEAD") == "refs/heads/dev"  # the checkout is untouched


def test_new_work_on_a_source_branch_named_like_the_pages_branch_defeats_the_shortcut(
    tmp_path: Path, run_cli
) -> None:
    app = make_repo(tmp_path / "app")
    commit(app, "First on app", at(9))
    site = make_repo(tmp_path / "site")
    commit(site, "Site", at(8), filename="README.md")
    git(site, "checkout", "-q", "-b", "dev")
    (tmp_path / "statusbot.yml").write_text(
        "timezone: UTC\npeople:\n  - name: Dev One\n    emails: [dev1@example.com]\n"
        "sources:\n  git: [app]\n  junit: []\n  coverage: []\n"
        "publish:\n  repo: site\n  branch: main\n  path: /docs\n  remote: null\n"
    )
    with freeze_time(at(12)):
        assert run_cli(tmp_path, "publish").exit_code == 0
        assert "no change" in run_cli(tmp_path, "publish").output
        commit(app, "Second on app", at(11))  # on app's main, the name of the Pages branch
        result = run_cli(tmp_path, "publish")

    assert result.exit_code == 0 and "no change" not in result.output, result.output
    assert "Second on app" in branch_file(site, "main", PAGE)
