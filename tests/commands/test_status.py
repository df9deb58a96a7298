"""`statusbot status` and the run history, after real runs on real repositories."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from conftest import branch_file, git, project_layout
from freezegun import freeze_time

from statusbot import health

NOON = datetime(2026, 2, 8, 12, 0, tzinfo=UTC)
PAGE = "_posts/2026-02-08-daily-status.md"


def project(tmp_path, stale_hours: float = 6):
    sources = '  junit: ["reports/*.xml"]\n'
    return project_layout(tmp_path, sources=sources, tail=f"stale_after_hours: {stale_hours}\n")


def broken_report(root, when):
    reports = root / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "bad.xml").write_text("<testsuite><oops")
    import os

    os.utime(reports / "bad.xml", (when.timestamp(), when.timestamp()))


def test_status_before_any_run(tmp_path, run_cli):
    root = project(tmp_path)
    result = run_cli(root, "status")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "last run: never (run statusbot publish, or install the timer)"
    assert "last push: never" in lines and "failing sources: none" in lines
    assert lines[-1] == "timer: not installed (statusbot timer install)"


def test_runs_are_recorded_and_shown(tmp_path, run_cli):
    root = project(tmp_path)
    with freeze_time(NOON):
        published = run_cli(root, "publish")
    assert published.exit_code == 0, published.output
    summary = published.output.strip()
    assert summary.startswith("2026-02-08: committed ") and "pushed gh-pages to origin" in summary

    result = run_cli(root, "status")

    assert f"last run: {NOON.isoformat()} ok: {summary}" in result.output
    assert f"last successful publish: {NOON.isoformat()}" in result.output
    assert f"last push: {NOON.isoformat()}" in result.output
    sha = git(root / "site", "rev-parse", "--short=7", "gh-pages")
    assert f"last commit: {NOON.isoformat()} {sha}" in result.output


def test_failed_run_is_recorded_with_its_error(tmp_path, run_cli):
    root = project(tmp_path)
    git(root / "site", "remote", "set-url", "origin", str(tmp_path / "missing.git"))
    with freeze_time(NOON):
        failed = run_cli(root, "publish")
    assert failed.exit_code == 1
    history = json.loads((root / "site/.git/statusbot/runs.json").read_text())
    assert history["last_run"]["ok"] is False
    assert "does not appear to be a git repository" in history["last_run"]["error"]
    assert "last_success" not in history
    assert "FAILED: push of branch 'gh-pages'" in run_cli(root, "status").output


def test_failing_source_is_tracked_and_gets_a_stale_banner_after_the_limit(tmp_path, run_cli):
    root = project(tmp_path, stale_hours=2)
    start = datetime(2026, 2, 8, 9, 0, tzinfo=UTC)
    broken_report(root, start)
    with freeze_time(start):
        assert run_cli(root, "publish").exit_code == 0
    page = branch_file(root / "site", "gh-pages", PAGE)
    assert "**Stale:**" not in page
    status = run_cli(root, "status").output
    assert "junit report reports/bad.xml: " in status and f"(since {start.isoformat()})" in status

    with freeze_time(start + timedelta(hours=2, minutes=15)):
        assert run_cli(root, "publish").exit_code == 0
    page = branch_file(root / "site", "gh-pages", PAGE)
    assert page.split("---\n")[2].startswith(
        "\n> **Stale:** junit report reports/bad.xml has been failing since 2026-02-08 09:00 UTC"
    )
    tip = git(root / "site", "rev-parse", "gh-pages")
    with freeze_time(start + timedelta(hours=3)):  # the banner does not change every run
        assert "no change" in run_cli(root, "publish").output
    assert git(root / "site", "rev-parse", "gh-pages") == tip

    (root / "reports" / "bad.xml").unlink()
    with freeze_time(start + timedelta(hours=3, minutes=15)):
        assert run_cli(root, "publish").exit_code == 0
    assert "**Stale:**" not in branch_file(root / "site", "gh-pages", PAGE)
    assert "failing sources: none" in run_cli(root, "status").output


def test_api_usage_line_names_requests_and_the_limit_left():
    assert health.usage_line(None) is None
    assert health.usage_line({"requests": 0}) is None
    stats = {"requests": 2, "remaining": 4990, "limit": 5000}
    assert health.usage_line(stats) == "GitHub: 2 requests, 4990 of 5000 left"
    assert health.usage_line({"requests": 1}) == "GitHub: 1 request"
