"""A shallow clone undercounts: the page names it as a stale source and `doctor` warns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import branch_file, commit, git, make_repo
from freezegun import freeze_time

DAY = datetime(2026, 2, 8, 9, 0, tzinfo=UTC)
PAGE = "_posts/2026-02-08-daily-status.md"
RISK = "shallow clone: history before 2026-02-08 09:09 not read"


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A `--depth 1` clone of a repository with ten commits of the day, with a config."""
    origin = make_repo(tmp_path / "origin")
    for n in range(10):
        commit(origin, f"work {n}", DAY + timedelta(minutes=n))
    checkout = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(checkout))
    (checkout / "statusbot.yml").write_text(
        "timezone: UTC\npeople:\n  - name: Dev One\n    emails: [dev1@example.com]\n"
        "sources:\n  git: [.]\n  junit: []\n  coverage: []\npublish:\n  remote: null\n"
    )
    return checkout


def test_the_page_names_the_shallow_clone_under_risks(clone: Path, run_cli) -> None:
    with freeze_time(DAY.replace(hour=18)):
        result = run_cli(clone, "publish")

    assert result.exit_code == 0, result.output
    assert "1 failing source" in result.output
    page = branch_file(clone, "gh-pages", PAGE)
    assert "work 9" in page and "work 8" not in page  # what a shallow clone holds
    assert f"- **MEDIUM:** Source git clone is stale: {RISK}" in page.splitlines()


def test_doctor_warns_about_a_shallow_clone_until_it_is_unshallowed(clone: Path, run_cli) -> None:
    with freeze_time(DAY.replace(hour=18)):
        result = run_cli(clone, "doctor")

    assert result.exit_code == 0, result.output
    assert (
        f"warn git history: {clone} is a shallow clone: history before 2026-02-08 09:09 not read;"
        f" run: git -C {clone} fetch --unshallow"
    ) in result.output.splitlines()

    git(clone, "fetch", "-q", "--unshallow")
    with freeze_time(DAY.replace(hour=18)):
        again = run_cli(clone, "doctor")

    assert "ok   git history: full history in 1 repository" in again.output.splitlines()
    with freeze_time(DAY.replace(hour=18)):
        published = run_cli(clone, "publish")
    page = branch_file(clone, "gh-pages", PAGE)
    assert published.exit_code == 0 and "failing source" not in published.output
    assert "shallow clone" not in page
    assert all(f"work {n}" in page for n in range(10))
